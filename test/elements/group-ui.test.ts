import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget } from '../helpers/widgets.js';
import { violations } from '../helpers/axe.js';

/** Presses Tab until the focused element (deep in shadow roots) matches, at most 60 times. */
async function tabTo(matches: (el: Element) => boolean): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await sendKeys({ press: 'Tab' });
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    if (active && matches(active)) return;
  }
  throw new Error('never reached the element with Tab');
}

describe('group UI', function () {
  this.timeout(90000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  for (const theme of ['light', 'dark']) {
    it(`creates a group with the keyboard, shows members, roles and system lines, and has no axe violations (${theme})`, async () => {
      const alice = await mountWidget({ theme, 'display-name': 'Alice', lang: 'de' });
      const bob = await mountWidget({ theme, 'display-name': 'Bob' });
      await makeFriends(alice, bob);
      await new Promise((r) => setTimeout(r, 100));
      expect(await violations(alice.el), 'roster with the create form').to.deep.equal([]);

      await tabTo((el) => el.id === 'group-name');
      await sendKeys({ type: 'Klettern' });
      await tabTo((el) => (el as HTMLInputElement).name === 'member');
      await sendKeys({ type: ' ' }); // Space ticks the checkbox (Firefox's BiDi knows no "Space" key name)
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => alice.el.groups.length === 1, 'the group was created from the keyboard');
      const group = alice.el.groups[0]!;
      expect(group.name).to.equal('Klettern');
      expect(group.members.map((m) => m.id).sort()).to.deep.equal([alice.el.profileId, bob.el.profileId].sort());

      await waitUntil(() => bob.el.groups.length === 1, 'Bob joined');
      await bob.el.sendMessage(group.id, 'Bin dabei');
      const thread = () => alice.el.shadowRoot!.querySelector('friends-chat-thread')!.shadowRoot!;
      await waitUntil(() => thread().textContent!.includes('Bin dabei'), 'Bob’s message shows');
      expect(thread().querySelector('.system')!.textContent).to.equal('Du hast „Klettern“ erstellt');
      expect(thread().textContent).to.include('Bob');
      const panel = alice.el.shadowRoot!.querySelector('friends-chat-group-panel')!.shadowRoot!;
      (panel.querySelector('summary') as HTMLElement).click();
      await new Promise((r) => setTimeout(r, 100));
      expect(panel.textContent).to.include('Admin');
      expect(panel.textContent).to.include('Zum Admin machen');
      expect(await violations(alice.el), 'an open group with its member panel').to.deep.equal([]);
    });
  }
});
