import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget } from '../helpers/widgets.js';
import { violations } from '../helpers/axe.js';

function thread(el: Element): ShadowRoot {
  return el.shadowRoot!.querySelector('friends-chat-thread')!.shadowRoot!;
}
function message(el: Element, id: string): HTMLElement | null {
  return thread(el).querySelector(`[data-id="${id}"]`);
}
function deepActive(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
describe('reply, react, edit and delete in the UI, between two widgets', function () {
  this.timeout(90000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('shows them on both sides, keeps them over a reload, and replies and reacts by keyboard', async () => {
    const alice = await mountWidget({ 'display-name': 'Alice' });
    const bob = await mountWidget({ 'display-name': 'Bob' });
    await makeFriends(alice, bob);
    const [aliceId, bobId] = [alice.el.profileId, bob.el.profileId];
    const first = await alice.el.sendMessage(bobId, 'first, with a typo');
    const second = await alice.el.sendMessage(bobId, 'this one goes');
    await alice.el.open(bobId);
    await bob.el.open(aliceId);
    await waitUntil(() => !!message(bob.el, second.id), 'Bob sees both');

    // Bob, keyboard only: focus the first message's "⋯", Enter, Tab to 👍, Enter.
    const more = message(bob.el, first.id)!.querySelector('button.more') as HTMLButtonElement;
    more.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !!message(bob.el, first.id)!.querySelector('.toolbar'), 'the toolbar opens');
    await sendKeys({ press: 'Tab' });
    expect(deepActive()?.textContent).to.equal('👍');
    await sendKeys({ press: 'Enter' });
    // Then Reply on the first message: "⋯", Tab ×8 (six reactions, more emoji, Reply), Enter, type, Enter.
    more.focus();
    await sendKeys({ press: 'Enter' });
    for (let i = 0; i < 8; i++) await sendKeys({ press: 'Tab' });
    expect(deepActive()?.textContent).to.equal('Reply');
    await sendKeys({ press: 'Enter' });
    expect(deepActive()?.tagName, 'the composer has focus').to.equal('TEXTAREA');
    expect(thread(bob.el).querySelector('.replying')?.textContent).to.contain('Reply to Alice');
    await sendKeys({ type: 'noted' });
    await sendKeys({ press: 'Enter' });

    // Alice edits the first and deletes the second for everyone.
    await alice.el.editMessage(bobId, first.id, 'first, fixed');
    await alice.el.deleteMessage(bobId, second.id);

    const check = async (el: Element, who: string) => {
      await waitUntil(() => message(el, first.id)?.querySelector('.text')?.textContent === 'first, fixed', `${who}: the edit shows`);
      await waitUntil(() => message(el, second.id)?.textContent?.includes('Message deleted.') === true, `${who}: the deletion shows`);
      await waitUntil(() => !!message(el, first.id)?.querySelector('.reactions'), `${who}: the reaction shows`);
      expect(message(el, first.id)!.querySelector('.meta')!.textContent).to.contain('edited');
      expect(message(el, first.id)!.querySelector('.reactions button')!.textContent).to.equal('👍 1');
      expect(message(el, first.id)!.querySelector('.reactions button')!.getAttribute('aria-label')).to.match(/^👍 1 from (You|Bob)$/);
      expect(message(el, second.id)!.textContent).to.not.contain('this one goes');
      const reply = [...thread(el).querySelectorAll('.message')].find((m) => m.textContent?.includes('noted'));
      expect(reply?.querySelector('button.quote')?.textContent, `${who}: the reply quotes the original`).to.contain('first, with a typo');
    };
    await check(alice.el, 'Alice');
    await check(bob.el, 'Bob');
    // Clicking the quote jumps to the original and focuses it.
    const quote = [...thread(alice.el).querySelectorAll('button.quote')][0] as HTMLButtonElement;
    quote.click();
    await waitUntil(() => thread(alice.el).activeElement === message(alice.el, first.id), 'the original has focus');

    // Alice reloads: all of it is still there.
    const profile = alice.el.getAttribute('profile')!;
    alice.el.remove();
    const again = await mountWidget({ 'display-name': 'Alice', profile });
    await again.el.open(bobId);
    await check(again.el, 'Alice after a reload');
  });

  for (const theme of ['light', 'dark']) {
    it(`has no axe violations with a reply, reactions, an open toolbar and an edit in progress (${theme})`, async () => {
      const alice = await mountWidget({ theme, 'display-name': 'Alice' });
      const bob = await mountWidget({ theme, 'display-name': 'Bob' });
      await makeFriends(alice, bob);
      const hi = await bob.el.sendMessage(alice.el.profileId, 'Hi Alice');
      await waitUntil(async () => (await alice.el.history(bob.el.profileId)).length === 1, 'Alice has it');
      const mine = await alice.el.sendMessage(bob.el.profileId, 'Hi Bob', { replyTo: hi.id });
      await alice.el.react(bob.el.profileId, hi.id, '❤️');
      await waitUntil(async () => (await bob.el.history(alice.el.profileId)).length === 3, 'Bob has the reply');
      await bob.el.react(alice.el.profileId, mine.id, '😂');
      await alice.el.open(bob.el.profileId);
      await waitUntil(() => !!message(alice.el, mine.id)?.querySelector('.reactions'), 'Bob’s reaction shows');
      await waitUntil(() => !!message(alice.el, hi.id)?.querySelector('.reactions'), 'Alice’s own reaction shows');
      (message(alice.el, mine.id)!.querySelector('button.more') as HTMLButtonElement).click();
      await waitUntil(() => !!message(alice.el, mine.id)!.querySelector('.toolbar'), 'toolbar');
      expect(await violations(alice.el), 'toolbar open').to.deep.equal([]);
      ([...message(alice.el, mine.id)!.querySelectorAll('.toolbar button')].find((b) => b.textContent === 'Edit') as HTMLButtonElement).click();
      await waitUntil(() => !!thread(alice.el).querySelector('.replying'), 'editing');
      expect((thread(alice.el).querySelector('textarea') as HTMLTextAreaElement).value).to.equal('Hi Bob');
      expect(await violations(alice.el), 'editing').to.deep.equal([]);
    });
  }
});
