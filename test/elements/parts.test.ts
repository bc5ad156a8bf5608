import { expect } from '@esm-bundle/chai';
import { waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget } from '../helpers/widgets.js';

/** Every element in the widget's shadow trees that carries a part name. */
function partsIn(root: ShadowRoot, found = new Map<string, Element>()): Map<string, Element> {
  for (const el of root.querySelectorAll('*')) {
    for (const name of (el.getAttribute('part') ?? '').split(/\s+/).filter(Boolean)) if (!found.has(name)) found.set(name, el);
    if (el.shadowRoot) partsIn(el.shadowRoot, found);
  }
  return found;
}

describe('::part() styling', function () {
  this.timeout(60000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat, style[data-test]')) el.remove();
  });

  it('reaches every documented part from the page', async () => {
    const manifest = await (await fetch('/custom-elements.json')).json();
    const declaration = manifest.modules.flatMap((m: { declarations?: unknown[] }) => m.declarations ?? []).find((d: { tagName?: string }) => d.tagName === 'friends-chat');
    // `unlock` shows only while the chat is locked (test/elements/storage-lock.test.ts styles it).
    const documented: string[] = declaration.cssParts.map((p: { name: string }) => p.name).filter((name: string) => name !== 'unlock');
    expect(documented).to.include.members(['base', 'roster', 'thread', 'message', 'composer', 'send-button', 'invite', 'attach-button', 'settings-button', 'settings']);

    const alice = await mountWidget();
    const bob = await mountWidget();
    await makeFriends(alice, bob);
    await alice.el.createInvite();
    await alice.el.open(bob.el.profileId);
    await alice.el.sendMessage(bob.el.profileId, 'styled');
    (alice.el.shadowRoot!.querySelector('button.settings-toggle') as HTMLButtonElement).click();
    const style = document.createElement('style');
    style.dataset['test'] = '';
    style.textContent = documented.map((name, i) => `friends-chat::part(${name}) { outline-color: rgb(${i + 1}, 2, 3); }`).join('\n');
    document.head.append(style);
    await waitUntil(() => documented.every((name) => partsIn(alice.el.shadowRoot!).has(name)), 'every part is rendered');
    const parts = partsIn(alice.el.shadowRoot!);
    documented.forEach((name, i) => {
      expect(getComputedStyle(parts.get(name)!).outlineColor, name).to.equal(`rgb(${i + 1}, 2, 3)`);
    });
  });
});
