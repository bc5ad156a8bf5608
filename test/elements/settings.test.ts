import { expect } from '@esm-bundle/chai';
import { waitUntil } from '../helpers/env.js';
import { mountWidget } from '../helpers/widgets.js';

function settingsRoot(el: HTMLElement): ShadowRoot | null {
  return el.shadowRoot!.querySelector('friends-chat-settings')?.shadowRoot ?? null;
}

describe('the settings view', function () {
  // Three scrypt runs (N=2^17) of the backup: far slower in Firefox than in Chromium, more so on a busy machine.
  this.timeout(120000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('changes name, theme, language and privacy live, and makes and restores a backup', async () => {
    const m = await mountWidget({ 'display-name': 'Alice' });
    const toggle = m.el.shadowRoot!.querySelector('button.settings-toggle') as HTMLButtonElement;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    toggle.click();
    await m.el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const root = settingsRoot(m.el)!;
    await waitUntil(() => !!root.querySelector('select[name=theme]'), 'the settings render');
    const set = (selector: string, value: string | boolean): void => {
      const input = root.querySelector(selector) as HTMLInputElement | HTMLSelectElement;
      if (typeof value === 'boolean') (input as HTMLInputElement).checked = value;
      else input.value = value;
      input.dispatchEvent(new Event('change'));
    };
    set('input[name=name]', '  Alice B.  ');
    set('select[name=theme]', 'dark');
    set('input[name=typing]', false);
    set('input[name=receipts]', false);
    set('select[name=lang]', 'de');
    await m.el.updateComplete;
    expect(m.el.getAttribute('display-name')).to.equal('Alice B.');
    expect(m.el.getAttribute('theme')).to.equal('dark');
    expect(m.el.hasAttribute('no-typing-indicators')).to.equal(true);
    expect(m.el.hasAttribute('no-read-receipts')).to.equal(true);
    expect(m.el.shadowRoot!.querySelector('.base')!.classList.contains('dark')).to.equal(true);
    expect(m.el.shadowRoot!.querySelector('h2')!.textContent).to.not.equal('');
    await waitUntil(() => /Einstellungen/.test(settingsRoot(m.el)!.textContent ?? ''), 'the settings speak German');

    // A backup made in the settings restores the same profile in another widget.
    const passphrase = 'correct horse battery';
    const exportForm = [...settingsRoot(m.el)!.querySelectorAll('form')][1]!;
    (exportForm.querySelector('input[name=passphrase]') as HTMLInputElement).value = passphrase;
    exportForm.requestSubmit();
    await waitUntil(() => !!settingsRoot(m.el)!.querySelector('textarea[name=backup-out]'), 'the backup is shown', 30000);
    const backup = (settingsRoot(m.el)!.querySelector('textarea[name=backup-out]') as HTMLTextAreaElement).value;
    const other = await mountWidget({ storage: 'memory' });
    (other.el.shadowRoot!.querySelector('button.settings-toggle') as HTMLButtonElement).click();
    await other.el.updateComplete;
    await waitUntil(() => !!settingsRoot(other.el)?.querySelector('textarea[name=backup-in]'), 'the restore form renders');
    const importForm = [...settingsRoot(other.el)!.querySelectorAll('form')][2]!;
    (importForm.querySelector('textarea[name=backup-in]') as HTMLTextAreaElement).value = backup;
    (importForm.querySelector('input[name=passphrase]') as HTMLInputElement).value = 'wrong passphrase';
    importForm.requestSubmit();
    await waitUntil(() => other.events.some((e) => e.type === 'friends-chat-error' && (e as Event & { code: string }).code === 'bad-passphrase'), 'a wrong passphrase is refused', 30000);
    (importForm.querySelector('input[name=passphrase]') as HTMLInputElement).value = passphrase;
    importForm.requestSubmit();
    await waitUntil(() => other.el.profileId === m.el.profileId, 'the profile is restored', 30000);
  });
});
