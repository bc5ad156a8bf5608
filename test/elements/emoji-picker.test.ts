import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { seedConversations } from '../helpers/seed-history.js';
import { uniqueProfile, waitUntil } from '../helpers/env.js';
import { mountWidget } from '../helpers/widgets.js';
import { violations } from '../helpers/axe.js';

function thread(el: Element): ShadowRoot {
  return el.shadowRoot!.querySelector('friends-chat-thread')!.shadowRoot!;
}
function deepActive(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
async function openThread(attributes: Record<string, string> = {}) {
  const profile = uniqueProfile('emoji');
  const [friendId] = await seedConversations(profile, [{ total: 3 }]);
  const mounted = await mountWidget({ profile, ...attributes });
  await mounted.el.open(friendId!);
  await waitUntil(() => thread(mounted.el).querySelectorAll('.message').length === 3, 'the thread shows');
  return { ...mounted, friendId: friendId! };
}
function popup(host: Element): ShadowRoot {
  return host.shadowRoot!;
}

describe('the emoji picker and copying a message', function () {
  this.timeout(60000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  for (const theme of ['light', 'dark']) {
    it(`inserts at the caret, searches English and German names, works by keyboard alone (${theme})`, async () => {
      const { el } = await openThread({ theme });
      const area = thread(el).querySelector('textarea')!;
      area.value = 'ab';
      area.setSelectionRange(1, 1);
      const picker = thread(el).querySelector('form friends-chat-emoji-picker')!;
      const toggle = popup(picker).querySelector('button.toggle') as HTMLButtonElement;
      toggle.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => deepActive()?.tagName === 'INPUT', 'the search field has focus');
      expect(popup(picker).querySelectorAll('button.emoji').length).to.be.within(100, 150);
      expect(await violations(el), 'picker open').to.deep.equal([]);
      await sendKeys({ type: 'herz' }); // German, while the widget speaks English
      await waitUntil(() => popup(picker).querySelectorAll('button.emoji').length === 9, 'the nine hearts');
      expect(popup(picker).querySelector('button.emoji')!.getAttribute('aria-label')).to.equal('heart eyes');
      await sendKeys({ press: 'ArrowDown' });
      await sendKeys({ press: 'ArrowRight' });
      expect(deepActive()?.getAttribute('aria-label')).to.equal('red heart');
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => area.value === 'a❤️b', 'inserted at the caret');
      expect(deepActive() === area, 'back in the composer').to.equal(true);
      expect(popup(picker).querySelector('.popup')).to.equal(null);
      // English names, and Escape closes with focus on the button.
      toggle.click();
      await waitUntil(() => deepActive()?.tagName === 'INPUT', 'open again');
      await sendKeys({ type: 'pretzel' });
      await waitUntil(() => popup(picker).querySelectorAll('button.emoji').length === 1, 'one pretzel');
      expect(popup(picker).querySelector('button.emoji')!.textContent).to.equal('🥨');
      await sendKeys({ type: 'xyz' });
      await waitUntil(() => popup(picker).querySelector('[role=status]')?.textContent === 'No emoji found.', 'nothing found');
      await sendKeys({ press: 'Escape' });
      await waitUntil(() => deepActive() === toggle, 'focus on the button');
      expect(popup(picker).querySelector('.popup')).to.equal(null);
    });
  }

  it('reacts with any emoji from a message’s toolbar, in German too', async () => {
    const { el, friendId } = await openThread({ lang: 'de' });
    const [message] = thread(el).querySelectorAll<HTMLElement>('.message');
    (message!.querySelector('button.more') as HTMLButtonElement).click();
    await waitUntil(() => !!message!.querySelector('.toolbar friends-chat-emoji-picker'), 'the toolbar opens');
    const picker = message!.querySelector('.toolbar friends-chat-emoji-picker')!;
    expect(popup(picker).querySelector('button.toggle')!.getAttribute('aria-label')).to.equal('Weitere Emoji');
    (popup(picker).querySelector('button.toggle') as HTMLButtonElement).click();
    await waitUntil(() => !!popup(picker).querySelector('input'), 'the picker opens');
    const input = popup(picker).querySelector('input')!;
    input.value = 'frosch';
    input.dispatchEvent(new Event('input'));
    await waitUntil(() => popup(picker).querySelectorAll('button.emoji').length === 1, 'the frog');
    expect(popup(picker).querySelector('button.emoji')!.getAttribute('aria-label')).to.equal('Frosch');
    (popup(picker).querySelector('button.emoji') as HTMLButtonElement).click();
    await waitUntil(() => message!.querySelector('.reactions button')?.textContent === '🐸 1', 'the reaction shows');
    const history = await el.history(friendId);
    expect(history.at(-1)).to.include({ kind: 'react', text: '🐸', ref: message!.dataset['id'] });
    // Not an emoji: still refused.
    expect((await el.react(friendId, message!.dataset['id']!, 'x').catch((e) => e)).code).to.equal('bad-input');
  });

  it('copies a message’s text through the Clipboard API and says so, or says it could not', async () => {
    const { el } = await openThread();
    // Pages may write the clipboard but not read it back: record what the widget writes.
    const clipboard = navigator.clipboard;
    const write = clipboard.writeText.bind(clipboard);
    const written: string[] = [];
    let refuse = false;
    clipboard.writeText = async (text: string) => {
      written.push(text);
      if (refuse) throw new DOMException('denied', 'NotAllowedError');
      return write(text).catch(() => {});
    };
    try {
      const message = thread(el).querySelectorAll<HTMLElement>('.message')[1]!;
      const copy = async () => {
        (message.querySelector('button.more') as HTMLButtonElement).click();
        await waitUntil(() => !!message.querySelector('[data-act=copy]'), 'the toolbar opens');
        (message.querySelector('[data-act=copy]') as HTMLButtonElement).click();
      };
      await copy();
      await waitUntil(() => thread(el).querySelector('.typing')!.textContent === 'Text copied.', 'the confirmation');
      expect(written).to.deep.equal(['message 1']);
      refuse = true;
      await copy();
      await waitUntil(() => thread(el).querySelector('.typing')!.textContent === 'Not copied: the browser did not allow it.', 'the refusal');
    } finally {
      clipboard.writeText = write;
    }
  });
});
