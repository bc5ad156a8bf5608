import { LitElement, css, html, nothing } from 'lit';
import type { Lang } from '../i18n/index.js';
import type { OwnProfile, Status } from '../model/index.js';
import { sharedStyles } from './shared.styles.js';
import { useTranslation } from './translation-context.js';
import { UiEvent, type SettingsChange } from './ui-event.js';

/** What the settings panel changes on the widget (the parent applies it). */
export type { SettingsChange } from './ui-event.js';

/** The root element's properties a settings change sets (invalid values are left out). */
export function settingsPatch(change: SettingsChange): Record<string, string | boolean> {
  const patch: Record<string, string | boolean> = {};
  if (change.displayName !== undefined) patch['displayName'] = change.displayName.slice(0, 64);
  if (change.theme === 'light' || change.theme === 'dark' || change.theme === 'auto') patch['theme'] = change.theme;
  if (change.lang === 'en' || change.lang === 'de') patch['lang'] = change.lang;
  if (change.typing !== undefined) patch['noTypingIndicators'] = !change.typing;
  if (change.receipts !== undefined) patch['noReadReceipts'] = !change.receipts;
  if (change.notify !== undefined) patch['notifications'] = change.notify;
  if (change.previews !== undefined) patch['notificationPreviews'] = change.previews;
  return patch;
}

/**
 * Settings: name, theme, language, privacy toggles, and the encrypted identity backup
 * (export with a passphrase, restore from one). Internal to `<friends-chat>`; changes go
 * to the parent as `fc-settings`, backups as `fc-export` / `fc-import`.
 */
export class FriendsChatSettings extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      form,
      fieldset {
        display: grid;
        gap: 8px;
      }
      fieldset {
        border: 1px solid var(--_border);
        border-radius: 8px;
        padding: 8px;
        margin: 0;
      }
      label {
        display: grid;
        gap: 2px;
      }
      label.check {
        display: flex;
        gap: 6px;
        align-items: center;
      }
      input,
      select,
      textarea {
        font: inherit;
        color: var(--_fg);
        background: var(--_bg);
        border: 1px solid var(--_border);
        border-radius: 6px;
        padding: 4px 6px;
      }
      textarea {
        font-family: ui-monospace, monospace;
        font-size: 0.75em;
        min-height: 4em;
      }
      select:focus-visible {
        outline: 3px solid var(--_accent);
        outline-offset: 1px;
      }
      .row {
        display: flex;
        gap: 6px;
        flex-wrap: wrap;
      }
      textarea.about {
        font-family: inherit;
        font-size: inherit;
      }
      .note {
        font-size: 0.85em;
        color: var(--_muted);
      }
    `,
  ];

  static override properties = {
    displayName: {},
    theme: {},
    lang: {},
    typing: { type: Boolean },
    receipts: { type: Boolean },
    notify: { type: Boolean },
    previews: { type: Boolean },
    profile: { attribute: false },
    backup: {},
    message: {},
  };

  readonly #t = useTranslation(this);
  declare displayName: string;
  declare theme: string;
  declare lang: Lang;
  declare typing: boolean;
  declare receipts: boolean;
  declare notify: boolean;
  declare previews: boolean;
  /** The own status and about text (friends see them; changes go up as `fc-profile`). */
  declare profile: OwnProfile;
  /** The exported backup text, once made. */
  declare backup: string;
  /** The outcome of the last backup action, shown to the user. */
  declare message: string;

  constructor() {
    super();
    this.displayName = '';
    this.theme = 'auto';
    this.lang = 'en';
    this.typing = true;
    this.receipts = true;
    this.notify = false;
    this.previews = false;
    this.profile = { status: 'available', statusText: '', about: '' };
    this.backup = '';
    this.message = '';
  }

  protected override render() {
    const s = this.#t().settings;
    return html`
      <h3 id="settings-title">${s.title}</h3>
      <form aria-labelledby="settings-title" @submit=${(e: Event) => e.preventDefault()}>
        <label>
          ${s.displayName}
          <input name="name" .value=${this.displayName} maxlength="64" autocomplete="nickname" @change=${(e: Event) => this.#change({ displayName: (e.target as HTMLInputElement).value.trim() })} />
        </label>
        <label>
          ${s.status}
          <select name="status" @change=${(e: Event) => this.#profile({ status: (e.target as HTMLSelectElement).value as Status })}>
            ${(['available', 'away', 'busy', 'invisible'] as const).map((v) => html`<option value=${v} ?selected=${this.profile.status === v}>${s.statuses[v]}</option>`)}
          </select>
        </label>
        <label>
          ${s.statusText}
          <input name="status-text" .value=${this.profile.statusText} maxlength="80" autocomplete="off" @change=${(e: Event) => this.#profile({ statusText: (e.target as HTMLInputElement).value.trim() })} />
        </label>
        <label>
          ${s.about}
          <textarea name="about" class="about" maxlength="300" .value=${this.profile.about} @change=${(e: Event) => this.#profile({ about: (e.target as HTMLTextAreaElement).value.trim() })}></textarea>
        </label>
        <p class="note">${s.statusHelp}</p>
        <label>
          ${s.theme}
          <select name="theme" @change=${(e: Event) => this.#change({ theme: (e.target as HTMLSelectElement).value as SettingsChange['theme'] })}>
            ${(['auto', 'light', 'dark'] as const).map((v) => html`<option value=${v} ?selected=${this.theme === v}>${s.themes[v]}</option>`)}
          </select>
        </label>
        <label>
          ${s.language}
          <select name="lang" @change=${(e: Event) => this.#change({ lang: (e.target as HTMLSelectElement).value as Lang })}>
            <option value="en" ?selected=${this.lang === 'en'}>English</option>
            <option value="de" ?selected=${this.lang === 'de'}>Deutsch</option>
          </select>
        </label>
        ${this.#check('typing', this.typing, s.typing)} ${this.#check('receipts', this.receipts, s.receipts)}
        ${this.#check('notify', this.notify, s.notify)} ${this.#check('previews', this.previews, s.previews, !this.notify)}
      </form>
      <form @submit=${this.#export}>
        <fieldset>
          <legend>${s.backup}</legend>
          <p class="note">${s.backupHelp}</p>
          <label>
            ${s.passphrase}
            <input name="passphrase" type="password" autocomplete="new-password" minlength="8" required />
          </label>
          <div class="row">
            <button type="submit">${s.exportBackup}</button>
          </div>
          ${this.backup
            ? html`<label>${s.backupText}<textarea name="backup-out" readonly .value=${this.backup}></textarea></label>`
            : nothing}
        </fieldset>
      </form>
      <form @submit=${this.#import}>
        <fieldset>
          <legend>${s.restore}</legend>
          <label>
            ${s.backupText}
            <textarea name="backup-in" required></textarea>
          </label>
          <label>
            ${s.passphrase}
            <input name="passphrase" type="password" autocomplete="current-password" required />
          </label>
          <div class="row">
            <button type="submit" class="secondary">${s.restoreBackup}</button>
          </div>
        </fieldset>
      </form>
      <p class="note" role="status">${this.message}</p>
    `;
  }

  #check(name: 'typing' | 'receipts' | 'notify' | 'previews', checked: boolean, label: string, disabled = false) {
    return html`<label class="check"
      ><input type="checkbox" name=${name} .checked=${checked} ?disabled=${disabled} @change=${(e: Event) => this.#change({ [name]: (e.target as HTMLInputElement).checked })} />
      ${label}</label
    >`;
  }

  #change(change: SettingsChange): void {
    this.dispatchEvent(new UiEvent('fc-settings', change));
  }

  #profile(change: Partial<OwnProfile>): void {
    this.dispatchEvent(new UiEvent('fc-profile', change));
  }

  #export(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const passphrase = (form.elements.namedItem('passphrase') as HTMLInputElement).value;
    this.dispatchEvent(new UiEvent('fc-export', { passphrase }));
  }

  #import(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const backup = (form.elements.namedItem('backup-in') as HTMLTextAreaElement).value.trim();
    const passphrase = (form.elements.namedItem('passphrase') as HTMLInputElement).value;
    this.dispatchEvent(new UiEvent('fc-import', { backup, passphrase }));
  }
}

if (!customElements.get('friends-chat-settings')) customElements.define('friends-chat-settings', FriendsChatSettings);
