import { expect } from '@esm-bundle/chai';
import type { FriendsChatElement } from '../../src/elements/friends-chat.js';
import { uniqueProfile, waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget, type Mounted } from '../helpers/widgets.js';

function thread(el: FriendsChatElement): ShadowRoot {
  return el.shadowRoot!.querySelector('friends-chat-thread')!.shadowRoot!;
}
function message(el: FriendsChatElement, id: string): HTMLElement | null {
  return thread(el).querySelector(`[data-id="${id}"]`);
}
/** What an own message's line says after its time: "sent · delivered to 1 of 2". */
function statusOf(el: FriendsChatElement, id: string): string {
  const m = message(el, id);
  return [m?.querySelector('.status')?.textContent, m?.querySelector('.reach')?.textContent].filter(Boolean).join(' · ');
}

describe('group message status and actions in three real widgets', function () {
  this.timeout(180000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('shows "delivered to 1 of 2" live, drops a removed member from the count, and reacts and replies in the thread', async () => {
    const carolProfile = uniqueProfile('carol');
    const alice = await mountWidget({ 'display-name': 'Alice' });
    const bob = await mountWidget({ 'display-name': 'Bob' });
    let carol: Mounted = await mountWidget({ 'display-name': 'Carol', profile: carolProfile });
    await makeFriends(alice, bob);
    await makeFriends(alice, carol);
    await makeFriends(bob, carol);
    const group = await alice.el.createGroup('Wall', [bob.el.profileId, carol.el.profileId]);
    await waitUntil(() => bob.el.groups.length === 1 && carol.el.groups.length === 1, 'Bob and Carol joined', 30000);
    await alice.el.open(group.id);

    // Carol is away: Alice's message is with Bob only.
    carol.el.remove();
    await waitUntil(() => alice.el.friends.find((f) => f.id === carol.el.profileId)?.presence === 'offline', 'Carol is offline', 20000);
    const hello = await alice.el.sendMessage(group.id, 'hello');
    await waitUntil(() => statusOf(alice.el, hello.id) === 'sent · delivered to 1 of 2', 'one of two has it', 30000);
    // Carol comes back and syncs: the line changes by itself.
    carol = await mountWidget({ 'display-name': 'Carol', profile: carolProfile });
    await waitUntil(() => statusOf(alice.el, hello.id) === 'delivered', 'both have it', 40000);

    // Bob reacts and replies from the message's menu in his group thread.
    await bob.el.open(group.id);
    await waitUntil(() => !!message(bob.el, hello.id), 'Bob sees the message');
    (message(bob.el, hello.id)!.querySelector('button.more') as HTMLButtonElement).click();
    await waitUntil(() => !!message(bob.el, hello.id)!.querySelector('.toolbar'), 'the toolbar opens');
    (message(bob.el, hello.id)!.querySelector('[data-act=react]') as HTMLButtonElement).click();
    (message(bob.el, hello.id)!.querySelector('button.more') as HTMLButtonElement).click();
    await waitUntil(() => !!message(bob.el, hello.id)!.querySelector('[data-act=reply]'), 'the toolbar opens again');
    (message(bob.el, hello.id)!.querySelector('[data-act=reply]') as HTMLButtonElement).click();
    await waitUntil(() => !!thread(bob.el).querySelector('.replying')?.textContent?.includes('Reply to Alice'), 'Bob replies to Alice');
    thread(bob.el).querySelector('textarea')!.value = 'at ten';
    (thread(bob.el).querySelector('button[type=submit]') as HTMLButtonElement).click();

    const chip = () => message(alice.el, hello.id)?.querySelector('.reactions button');
    await waitUntil(() => chip()?.textContent === '👍 1', 'Alice sees the reaction', 30000);
    expect(chip()!.getAttribute('title')).to.equal('Bob');
    const reply = () => [...thread(alice.el).querySelectorAll('.message')].find((m) => m.textContent?.includes('at ten'));
    await waitUntil(() => !!reply(), 'Alice sees the reply', 30000);
    expect(reply()!.querySelector('button.quote')?.textContent).to.equal('You: hello');
    expect(reply()!.querySelector('.meta')?.textContent).to.equal('Bob');

    // Alice edits hers; Bob's thread shows the new text, marked edited.
    await alice.el.editMessage(group.id, hello.id, 'hello, all');
    await waitUntil(() => message(bob.el, hello.id)?.querySelector('.text')?.textContent === 'hello, all', 'Bob sees the edit', 30000);
    expect(message(bob.el, hello.id)!.textContent).to.contain('edited');

    // Carol away again; then removed: she no longer counts, so the message is delivered.
    carol.el.remove();
    await waitUntil(() => alice.el.friends.find((f) => f.id === carol.el.profileId)?.presence === 'offline', 'Carol is offline', 20000);
    const late = await alice.el.sendMessage(group.id, 'Carol will miss this');
    await waitUntil(() => statusOf(alice.el, late.id) === 'sent · delivered to 1 of 2', 'one of two has it', 30000);
    await alice.el.removeMember(group.id, carol.el.profileId);
    await waitUntil(() => statusOf(alice.el, late.id) === 'delivered', 'the removed member no longer counts', 30000);
    expect(alice.errors).to.deep.equal([]);
    expect(bob.errors).to.deep.equal([]);
  });
});
