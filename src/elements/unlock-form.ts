import { LitElement, css, html, nothing } from 'lit';
import { sharedStyles } from './shared.styles.js';
import { useTranslation } from './translation-context.js';

/**
 * What `<friends-chat>` shows while its store is locked, and nothing else: one passphrase
 * field to unlock, or two to choose one (`lock="passphrase"` on an unlocked profile).
 * Internal; the parent passes `submit` and shows its answer in `message`.
 */
export class FriendsChatUnlock extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      form {
        display: grid;
        gap: 8px;
        max-width: 24em;
        margin: 16px auto;
      }
      input {
        font: inherit;
        color: var(--_fg);
        background: var(--_bg);
        border: 1px solid var(--_border);
        border-radius: 6px;
        padding: 6px;
      }
      .remember input {
        margin: 0 0.4em 0 0;
      }
      .message {
        color: var(--_danger);
      }
    `,
  ];

  static override properties = { setup: { type: Boolean }, busy: { type: Boolean }, message: {}, submit: { attribute: false }, passkey: { attribute: false } };

  declare setup: boolean;
  declare busy: boolean;
  declare message: string;
  declare submit: (passphrase: string, remember: boolean) => void;
  /** Set when a passkey opens this lock: the form offers a button for it. */
  declare passkey: (() => void) | null;
  readonly #t = useTranslation(this);

  constructor() {
    super();
    this.setup = false;
    this.busy = false;
    this.message = '';
    this.submit = () => {};
    this.passkey = null;
  }

  protected override render() {
    const t = this.#t().lock;
    return html`<form @submit=${this.#send} aria-busy=${this.busy ? 'true' : 'false'}>
      <h3>${t.title}</h3>
      ${this.setup ? html`<p id="help">${t.setup}</p>` : nothing}
      <label for="p">${t.passphrase}</label>
      <input id="p" name="p" type="password" required minlength="8" autocomplete=${this.setup ? 'new-password' : 'current-password'} aria-describedby=${this.setup ? 'help' : nothing} />
      ${this.setup ? html`<label for="r">${t.repeat}</label><input id="r" name="r" type="password" required autocomplete="new-password" />` : nothing}
      <label class="remember"><input name="m" type="checkbox" aria-describedby="m-help" /> ${t.remember}</label>
      <p id="m-help" class="meta">${t.rememberHelp}</p>
      <button type="submit" ?disabled=${this.busy}>${this.setup ? t.enable : t.unlock}</button>
      ${this.passkey ? html`<button type="button" class="secondary" ?disabled=${this.busy} @click=${this.passkey}>${t.passkey}</button>` : nothing}
      <p class="message" role="alert">${this.message}</p>
    </form>`;
  }

  #send(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const p = (form.elements.namedItem('p') as HTMLInputElement).value;
    const r = form.elements.namedItem('r') as HTMLInputElement | null;
    if (r && r.value !== p) {
      this.message = this.#t().lock.mismatch;
      return;
    }
    this.submit(p, (form.elements.namedItem('m') as HTMLInputElement).checked);
  }
}

if (!customElements.get('friends-chat-unlock')) customElements.define('friends-chat-unlock', FriendsChatUnlock);
