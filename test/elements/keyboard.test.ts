import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { FriendsChatMessageEvent } from '../../src/events/message-event.js';
import { waitUntil } from '../helpers/env.js';
import { eventsOf, makeFriends, mountWidget } from '../helpers/widgets.js';

/** The focused element, looking through shadow roots. */
function deepActive(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Presses Tab until `match` has focus; fails if it is not reached within `max` presses. */
async function tabTo(match: (el: Element) => boolean, what: string, max = 40): Promise<Element> {
  for (let i = 0; i < max; i++) {
    await sendKeys({ press: 'Tab' });
    const active = deepActive();
    if (active && match(active)) return active;
  }
  throw new Error(`Tab never reached ${what}`);
}

function focusVisible(el: Element): boolean {
  const style = getComputedStyle(el);
  return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
}

describe('keyboard only', function () {
  this.timeout(90000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('reaches the roster, opens a friend, writes, sends, attaches and opens a file', async () => {
    const alice = await mountWidget({ 'display-name': 'Alice' });
    const bob = await mountWidget({ 'display-name': 'Bob' });
    await makeFriends(alice, bob);
    // Bob sends an image Alice will open with the keyboard.
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 8;
    const png = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const image = await bob.el.sendFile(alice.el.profileId, png, 'dot.png');
    await waitUntil(() => eventsOf(alice, 'friends-chat-file-progress').some((e) => (e as Event & { state: string; messageId: string }).messageId === image.id && (e as Event & { state: string }).state === 'done'), 'the image arrives');
    // Only Alice's widget is in the tab order from here on.
    bob.el.remove();
    (document.activeElement as HTMLElement | null)?.blur();

    const friendButton = await tabTo((el) => el.tagName === 'BUTTON' && /Bob/.test(el.textContent ?? ''), 'Bob in the roster');
    expect(focusVisible(friendButton), 'visible focus on the roster').to.equal(true);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => deepActive()?.tagName === 'TEXTAREA', 'the composer has focus');
    await sendKeys({ type: 'typed with the keyboard' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(async () => (await alice.el.history(bob.el.profileId)).some((m) => m.text === 'typed with the keyboard'), 'the message is sent');

    // The paperclip opens the file picker.
    const attach = await tabTo((el) => el.classList.contains('attach'), 'the attach button');
    expect(attach.getAttribute('aria-label')).to.equal('Attach a file');
    expect(focusVisible(attach), 'visible focus on the attach button').to.equal(true);
    const input = attach.getRootNode() instanceof ShadowRoot ? (attach.getRootNode() as ShadowRoot).querySelector('input[type=file]')! : null;
    let picked = false;
    input!.addEventListener('click', (e) => {
      picked = true;
      e.preventDefault();
    });
    await sendKeys({ press: 'Enter' });
    expect(picked).to.equal(true);

    // The received image: Shift+Tab back into the thread to its thumbnail, Enter opens it large, Escape closes.
    let thumb: Element | null = null;
    for (let i = 0; i < 30 && !thumb; i++) {
      await sendKeys({ down: 'Shift' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ up: 'Shift' });
      if (deepActive()?.classList.contains('thumb')) thumb = deepActive();
    }
    expect(thumb, 'the thumbnail is reachable').to.not.equal(null);
    await sendKeys({ press: 'Enter' });
    const dialog = (thumb!.getRootNode() as ShadowRoot).querySelector('dialog')!;
    expect(dialog.open).to.equal(true);
    await sendKeys({ press: 'Escape' });
    expect(dialog.open).to.equal(false);
    expect(eventsOf<FriendsChatMessageEvent>(alice, 'friends-chat-message').length).to.be.greaterThan(0);
  });
});
