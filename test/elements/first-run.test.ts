import { expect } from '@esm-bundle/chai';
import { waitUntil } from '../helpers/env.js';
import { mountWidget } from '../helpers/widgets.js';
import { violations } from '../helpers/axe.js';

function roster(el: Element): ShadowRoot {
  return el.shadowRoot!.querySelector('friends-chat-roster')!.shadowRoot!;
}

function buttons(root: ShadowRoot): string[] {
  return [...root.querySelectorAll('button')].map((b) => b.textContent!.trim());
}

describe('the first run, and adding friends later', function () {
  this.timeout(60000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('an empty widget says what it is and offers exactly two actions; the own ID waits in the settings', async () => {
    const { el } = await mountWidget({ 'display-name': 'Alice' });
    const r = roster(el);
    expect(r.querySelector('.intro')!.textContent).to.contain('no server can read them');
    expect(buttons(r)).to.deep.equal(['Invite a friend', 'I have an invite']);
    expect(r.querySelector('#add'), 'no form until asked for').to.equal(null);
    expect(el.shadowRoot!.querySelector('friends-chat-group-list'), 'no groups before there are friends').to.equal(null);
    expect(el.shadowRoot!.textContent, 'the own ID is not on the main view').not.to.contain(el.profileId);

    (el.shadowRoot!.querySelector('button.settings-toggle') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.id')!.textContent).to.contain(el.profileId);
    (el.shadowRoot!.querySelector('button.settings-toggle') as HTMLButtonElement).click();
    await el.updateComplete;

    (r.querySelector('.have-invite') as HTMLButtonElement).click();
    await waitUntil(() => !!r.querySelector('#add'), 'the invite field appears');
    expect(buttons(r)).to.deep.equal(['Invite a friend', 'Add']);
  });

  it('a used invite disappears with who came in, and once there are friends adding folds behind one button', async () => {
    const alice = await mountWidget({ 'display-name': 'Alice' });
    const bob = await mountWidget({ 'display-name': 'Bob' });
    const a = roster(alice.el);
    const b = roster(bob.el);
    (a.querySelector('.invite button') as HTMLButtonElement).click();
    await waitUntil(() => !!a.querySelector('#invite-link'), 'the invite link');
    const link = (a.querySelector('#invite-link') as HTMLInputElement).value;
    expect(a.querySelector('friends-chat-qr-code')).not.to.equal(null);

    (b.querySelector('.have-invite') as HTMLButtonElement).click();
    await waitUntil(() => !!b.querySelector('#add'), 'Bob’s invite field');
    (b.querySelector('#add') as HTMLInputElement).value = link;
    (b.querySelector('form') as HTMLFormElement).requestSubmit();

    // Alice: the request is there, the invite (it works once) is gone, and she is told why.
    await waitUntil(() => !!a.querySelector('ul[aria-labelledby=requests]'), 'the request');
    await waitUntil(() => !a.querySelector('#invite-link'), 'the used invite goes');
    expect(a.querySelector('friends-chat-qr-code')).to.equal(null);
    expect(a.querySelector('.used[role=status]')!.textContent).to.equal('Bob joined with your invite');

    // Bob: his request is in the list and the form has folded behind "Add friend".
    await waitUntil(() => !!b.querySelector('.add-toggle'), 'Bob’s list');
    expect(b.querySelector('#add')).to.equal(null);
    expect(b.querySelector('.add-toggle')!.getAttribute('aria-expanded')).to.equal('false');

    (a.querySelector('ul[aria-labelledby=requests] button') as HTMLButtonElement).click();
    await waitUntil(() => !!a.querySelector('.friend'), 'Bob is Alice’s friend');
    const toggle = a.querySelector('.add-toggle') as HTMLButtonElement;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    expect(a.querySelector('#add')).to.equal(null);
    toggle.click();
    await waitUntil(() => !!a.querySelector('#add'), 'the form unfolds');
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    expect(buttons(a).slice(-3)).to.deep.equal(['Add friend', 'Add', 'Create invite']);
    expect(alice.errors).to.deep.equal([]);
  });

  it('an invite that was not used stays while other requests come in', async () => {
    const alice = await mountWidget({ 'display-name': 'Alice' });
    const carol = await mountWidget({ 'display-name': 'Carol' });
    const a = roster(alice.el);
    (a.querySelector('.invite button') as HTMLButtonElement).click();
    await waitUntil(() => !!a.querySelector('#invite-link'), 'the invite link');
    // Carol asks by profile ID, not with the invite.
    await carol.el.addFriend(alice.el.profileId);
    await waitUntil(() => !!a.querySelector('ul[aria-labelledby=requests]'), 'Carol’s request');
    await new Promise((r) => setTimeout(r, 200));
    expect(a.querySelector('#invite-link'), 'the open invite is still shown').not.to.equal(null);
    expect(a.querySelector('.used')).to.equal(null);
  });

  for (const theme of ['light', 'dark']) {
    it(`is clean for axe, first run and unfolded (${theme})`, async () => {
      const { el } = await mountWidget({ theme });
      const r = roster(el);
      expect(await violations(el), 'first run').to.deep.equal([]);
      (r.querySelector('.invite button') as HTMLButtonElement).click();
      (r.querySelector('.have-invite') as HTMLButtonElement).click();
      await waitUntil(() => !!r.querySelector('#invite-link') && !!r.querySelector('#add'), 'both open');
      expect(await violations(el), 'invite and form open').to.deep.equal([]);
    });
  }

  it('speaks German', async () => {
    const { el } = await mountWidget({ lang: 'de' });
    expect(buttons(roster(el))).to.deep.equal(['Freund einladen', 'Ich habe eine Einladung']);
  });
});
