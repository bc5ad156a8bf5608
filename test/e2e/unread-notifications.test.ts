import { expect } from '@esm-bundle/chai';
import type { FriendsChatUnreadEvent } from '../../src/events/unread-event.js';
import { waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget } from '../helpers/widgets.js';

/**
 * The system's notification centre and the page's visibility are outside the browser page
 * under test: a recording Notification and a switchable visibilityState stand in for them.
 */
interface Shown {
  title: string;
  body: string;
  onclick: (() => void) | null;
}
const shown: Shown[] = [];
let asked = 0;
let hidden = false;
class RecordingNotification {
  static permission: NotificationPermission = 'default';
  static async requestPermission(): Promise<NotificationPermission> {
    asked++;
    return (RecordingNotification.permission = 'granted');
  }
  onclick: (() => void) | null = null;
  constructor(title: string, options: NotificationOptions) {
    shown.push(Object.assign(this, { title, body: options.body ?? '' }) as unknown as Shown);
  }
  close(): void {}
}

describe('unread counts and notifications', function () {
  this.timeout(60000);
  const real = Object.getOwnPropertyDescriptor(window, 'Notification');
  before(() => {
    Object.defineProperty(window, 'Notification', { configurable: true, value: RecordingNotification });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  });
  after(() => {
    if (real) Object.defineProperty(window, 'Notification', real);
    delete (document as { visibilityState?: unknown }).visibilityState;
  });
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('counts unread messages per friend and in total, for the page and the roster', async () => {
    const alice = await mountWidget({ 'display-name': 'Alice' });
    const bob = await mountWidget({ 'display-name': 'Bob' });
    const events: FriendsChatUnreadEvent[] = [];
    bob.el.addEventListener('friends-chat-unread', (e) => events.push(e));
    await makeFriends(alice, bob);
    const aliceId = alice.el.profileId;
    await alice.el.sendMessage(bob.el.profileId, 'one');
    await alice.el.sendMessage(bob.el.profileId, 'two');
    await waitUntil(() => bob.el.unread === 2, 'two unread');
    expect(events.at(-1)!.total).to.equal(2);
    expect(events.at(-1)!.byFriend).to.deep.equal({ [aliceId]: 2 });
    const roster = bob.el.shadowRoot!.querySelector('friends-chat-roster')!.shadowRoot!;
    await waitUntil(() => roster.querySelector('.badge')?.textContent === '2', 'the roster badge');
    await bob.el.open(aliceId);
    await waitUntil(() => bob.el.unread === 0 && events.at(-1)!.total === 0, 'read');
    expect(events.at(-1)!.byFriend).to.deep.equal({});
  });

  it('asks for the permission only after a click, notifies only while hidden, previews only if allowed, and a click opens the conversation', async () => {
    const alice = await mountWidget({ 'display-name': 'Alice' });
    const bob = await mountWidget({ 'display-name': 'Bob' });
    await makeFriends(alice, bob);
    const bobId = bob.el.profileId;
    expect(asked, 'not asked on load').to.equal(0);
    (bob.el.shadowRoot!.querySelector('button.settings-toggle') as HTMLButtonElement).click();
    await bob.el.updateComplete;
    const settings = () => bob.el.shadowRoot!.querySelector('friends-chat-settings')!.shadowRoot!;
    await waitUntil(() => !!settings().querySelector('input[name=notify]'), 'settings open');
    (settings().querySelector('input[name=notify]') as HTMLInputElement).click();
    await waitUntil(() => asked === 1 && bob.el.notifications, 'asked once, on the click');

    await alice.el.sendMessage(bobId, 'while Bob looks');
    await waitUntil(() => bob.el.unread === 1, 'it arrived');
    expect(shown, 'nothing while visible').to.deep.equal([]);

    hidden = true;
    await alice.el.sendMessage(bobId, 'the secret plan');
    await waitUntil(() => shown.length === 1, 'a notification');
    expect(shown[0]).to.include({ title: 'New message from Alice', body: '' });
    bob.el.notificationPreviews = true;
    await alice.el.sendMessage(bobId, 'with preview');
    await waitUntil(() => shown.length === 2, 'a second notification');
    expect(shown[1]!.body).to.equal('with preview');
    await waitUntil(() => bob.el.unread === 3, 'all three unread');

    hidden = false;
    shown[1]!.onclick!();
    await waitUntil(() => !!bob.el.shadowRoot!.querySelector('friends-chat-thread'), 'the conversation opens');
    await waitUntil(() => bob.el.unread === 0, 'and is read');
  });
});
