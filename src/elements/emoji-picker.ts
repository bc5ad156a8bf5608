import { LitElement, css, html, nothing } from 'lit';
import { fold } from '../core/search.js';
import { emojiGroups } from './emoji-data.js';
import { sharedStyles } from './shared.styles.js';
import { useTranslation } from './translation-context.js';

/** The emoji the user picked; bubbles within the parent's shadow root. */
export class EmojiPickEvent extends Event {
  readonly emoji: string;

  constructor(emoji: string) {
    super('emoji-pick', { bubbles: true });
    this.emoji = emoji;
  }
}

const COLUMNS = 8;

/**
 * A button that opens a small emoji picker: the built-in set (emoji-data.ts) in groups,
 * searchable by English or German name. Keyboard: the search field has focus on opening,
 * ↓ enters the grid, arrow keys, Home and End move, Enter picks, Escape closes; focus goes
 * back to the button. Internal to `<friends-chat>`; it fires `emoji-pick`.
 */
export class FriendsChatEmojiPicker extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        position: relative;
        display: inline-block;
      }
      .popup {
        position: absolute;
        bottom: 100%;
        inset-inline-end: 0;
        z-index: 2;
        width: calc(${COLUMNS} * 2.4em);
        max-height: 16em;
        overflow-y: auto;
        padding: 6px;
        background: var(--_bg);
        color: var(--_fg);
        border: 1px solid var(--_border);
        border-radius: 8px;
      }
      :host([below]) .popup {
        bottom: auto;
        top: 100%;
      }
      input {
        box-sizing: border-box;
        width: 100%;
        font: inherit;
        color: var(--_fg);
        background: var(--_bg);
        border: 1px solid var(--_border);
        border-radius: 6px;
        padding: 4px;
      }
      .group {
        display: grid;
        grid-template-columns: repeat(${COLUMNS}, 1fr);
      }
      h4 {
        margin: 6px 0 2px;
        font-size: 0.8em;
        color: var(--_muted);
      }
      .group button {
        font-size: 1.2em;
        padding: 2px;
        background: none;
      }
      p {
        margin: 6px 0;
      }
    `,
  ];
  static override properties = {
    label: {},
    lang: {},
    disabled: { type: Boolean },
    _open: { state: true },
    _query: { state: true },
  };

  /** The button's name (what the picked emoji is for). */
  declare label: string;
  declare lang: string;
  declare disabled: boolean;
  declare private _open: boolean;
  declare private _query: string;
  readonly #t = useTranslation(this);

  constructor() {
    super();
    this.label = '';
    this.lang = 'en';
    this.disabled = false;
    this._open = false;
    this._query = '';
  }

  protected override render() {
    const t = this.#t().emoji;
    const q = fold(this._query.trim());
    const groups = emojiGroups().map((g) => g.filter((e) => !q || fold(`${e.en} ${e.de}`).includes(q)));
    const name = this.lang === 'de' ? 'de' : 'en';
    let tab = 0;
    return html`<button type="button" class="secondary toggle" aria-label=${this.label || t.open} title=${this.label || t.open} aria-expanded=${this._open} ?disabled=${this.disabled} @click=${() => this.#toggle(!this._open)}>
        <span aria-hidden="true">😊</span>
      </button>
      ${this._open
        ? html`<div class="popup" role="dialog" aria-label=${this.label || t.open} @keydown=${this.#keydown}>
            <input type="search" aria-label=${t.search} placeholder=${t.search} autocomplete="off" .value=${this._query} @input=${(e: Event) => (this._query = (e.target as HTMLInputElement).value)} />
            ${groups.every((g) => g.length === 0) ? html`<p role="status">${t.none}</p>` : nothing}
            ${groups.map((g, i) =>
              g.length
                ? html`<h4 id="g${i}">${t.groups[i]}</h4>
                    <div class="group" role="group" aria-labelledby="g${i}">
                      ${g.map((e) => html`<button type="button" class="emoji" tabindex=${tab++ ? -1 : 0} aria-label=${e[name]} title=${e[name]} @click=${() => this.#pick(e.emoji)}>${e.emoji}</button>`)}
                    </div>`
                : nothing,
            )}
          </div>`
        : nothing}`;
  }

  async #toggle(open: boolean): Promise<void> {
    this._open = open;
    this._query = '';
    await this.updateComplete;
    (this.renderRoot.querySelector(open ? 'input' : '.toggle') as HTMLElement | null)?.focus();
  }

  /** Closes and tells the parent, which puts the focus where the emoji went. */
  #pick(emoji: string): void {
    this._open = false;
    this._query = '';
    this.dispatchEvent(new EmojiPickEvent(emoji));
  }

  /** Arrow keys move in the grid (rows of COLUMNS within a group), Escape closes. */
  #keydown(event: KeyboardEvent): void {
    const buttons = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('button.emoji')];
    const at = buttons.indexOf((this.renderRoot as ShadowRoot).activeElement as HTMLButtonElement);
    const inField = (event.target as Element).tagName === 'INPUT';
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
    let next = -1;
    if (event.key === 'Escape') {
      event.stopPropagation();
      void this.#toggle(false);
    } else if (inField && event.key === 'ArrowDown') next = 0;
    else if (!inField && event.key in step) next = at + step[event.key]!;
    else if (!inField && event.key === 'Home') next = 0;
    else if (!inField && event.key === 'End') next = buttons.length - 1;
    else return;
    event.preventDefault();
    if (next < 0 && event.key === 'ArrowUp') (this.renderRoot.querySelector('input') as HTMLInputElement).focus();
    else if (next >= 0) buttons[Math.min(next, buttons.length - 1)]?.focus();
  }
}

if (!customElements.get('friends-chat-emoji-picker')) customElements.define('friends-chat-emoji-picker', FriendsChatEmojiPicker);

declare global {
  interface HTMLElementEventMap {
    'emoji-pick': EmojiPickEvent;
  }
}
