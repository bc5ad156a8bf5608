import { expect } from '@esm-bundle/chai';
import { waitUntil } from '../helpers/env.js';
import { mountWidget } from '../helpers/widgets.js';

/** Shadow-DOM lookups through the widget's inner elements. */
function roster(el: Element): ShadowRoot {
  return el.shadowRoot!.querySelector('friends-chat-roster')!.shadowRoot!;
}
function thread(el: Element): ShadowRoot | null {
  return el.shadowRoot!.querySelector('friends-chat-thread')?.shadowRoot ?? null;
}

describe('a new user in the two-widget demo, through the UI only', function () {
  this.timeout(60000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('invites, pastes the link, accepts, opens the friend and chats with Enter', async () => {
    const alice = await mountWidget({ 'display-name': 'Alice' });
    const bob = await mountWidget({ 'display-name': 'Bob' });
    // Alice creates an invite and "copies" the link.
    (roster(alice.el).querySelector('.invite button') as HTMLButtonElement).click();
    await waitUntil(() => !!roster(alice.el).querySelector('#invite-link'), 'invite link');
    const link = (roster(alice.el).querySelector('#invite-link') as HTMLInputElement).value;
    // Bob says he has an invite, pastes it and submits the form.
    (roster(bob.el).querySelector('.have-invite') as HTMLButtonElement).click();
    await waitUntil(() => !!roster(bob.el).querySelector('#add'), 'the invite field');
    const add = roster(bob.el).querySelector('#add') as HTMLInputElement;
    add.value = link;
    (roster(bob.el).querySelector('#note') as HTMLInputElement).value = 'Bob here';
    (roster(bob.el).querySelector('form') as HTMLFormElement).requestSubmit();
    // Alice sees the request with its note and accepts it.
    await waitUntil(() => !!roster(alice.el).querySelector('ul[aria-labelledby=requests] button'), 'request shown');
    expect(roster(alice.el).querySelector('ul[aria-labelledby=requests]')!.textContent).to.contain('Bob here');
    (roster(alice.el).querySelector('ul[aria-labelledby=requests] button') as HTMLButtonElement).click();
    // Both see each other online in their rosters.
    await waitUntil(() => !!roster(alice.el).querySelector('.friend .dot[data-presence=online]'), 'Bob online for Alice', 20000);
    await waitUntil(() => !!roster(bob.el).querySelector('.friend .dot[data-presence=online]'), 'Alice online for Bob', 20000);
    // Alice opens Bob, writes, presses Enter.
    (roster(alice.el).querySelector('.friend') as HTMLButtonElement).click();
    await waitUntil(() => !!thread(alice.el)?.querySelector('textarea'), 'thread opens');
    const area = thread(alice.el)!.querySelector('textarea') as HTMLTextAreaElement;
    expect(thread(alice.el)!.activeElement, 'the composer has focus').to.equal(area);
    area.value = 'Hallo Bob, schön dass du da bist! 👋🏽';
    area.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    expect(area.value).to.equal('');
    // Bob sees an unread badge, opens the conversation, and the text is there.
    await waitUntil(() => roster(bob.el).querySelector('.badge')?.textContent === '1', 'unread badge');
    (roster(bob.el).querySelector('.friend') as HTMLButtonElement).click();
    await waitUntil(() => thread(bob.el)?.querySelector('.message .text')?.textContent === 'Hallo Bob, schön dass du da bist! 👋🏽', 'message shown');
    // Alice's tick goes to "read" once Bob has the conversation open.
    await waitUntil(() => thread(alice.el)!.querySelector('.message.mine .status')?.textContent === 'read', 'read tick', 20000);
    // Shift+Enter is a new line, not a send.
    const bobArea = thread(bob.el)!.querySelector('textarea') as HTMLTextAreaElement;
    bobArea.value = 'line one';
    bobArea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true, composed: true }));
    expect(bobArea.value).to.equal('line one');
  });
});
