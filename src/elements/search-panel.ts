import { LitElement, css, html, nothing } from 'lit';
import type { SearchResult } from '../model/index.js';
import { sharedStyles } from './shared.styles.js';
import { useTranslation } from './translation-context.js';
import { UiEvent } from './ui-event.js';

/** Runs a search (the root element's `search`); `id` limits it to one conversation. */
export type SearchRun = (query: string, id?: string) => Promise<SearchResult[]>;

const days = new Map<string, Intl.DateTimeFormat>();

/**
 * The search field and its results: conversation, author, date and the text around the
 * match (marked). Searches as the user types (after a short pause) in all conversations,
 * or only in the open one. A result opens its conversation at the message. Internal to
 * `<friends-chat>`; it talks to its parent with `fc-open`.
 */
export class FriendsChatSearch extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        align-items: center;
      }
      input[type='search'] {
        flex: 1;
        min-width: 8em;
        font: inherit;
        color: var(--_fg);
        background: var(--_bg);
        border: 1px solid var(--_border);
        border-radius: 6px;
        padding: 6px;
      }
      ul {
        list-style: none;
        margin: 6px 0 0;
        padding: 0;
        max-height: 40vh;
        overflow-y: auto;
      }
      li button {
        all: unset;
        display: block;
        box-sizing: border-box;
        width: 100%;
        padding: 6px 4px;
        border-bottom: 1px solid var(--_border);
        cursor: pointer;
      }
      li button:focus-visible {
        outline: 3px solid var(--_accent);
      }
      .meta {
        color: var(--_muted);
        font-size: 0.85em;
      }
      mark {
        background: var(--_accent);
        color: var(--_on-accent);
      }
    `,
  ];
  static override properties = {
    run: { attribute: false },
    here: { attribute: false },
    nameOf: { attribute: false },
    lang: {},
    _results: { state: true },
    _status: { state: true },
  };

  declare run: SearchRun;
  /** The open conversation (its ID and name), which the search may be limited to. */
  declare here: { id: string; name: string } | undefined;
  /** The name of a conversation (by friend or group ID) and of an author; null: you. */
  declare nameOf: (id: string) => string | null;
  declare lang: string;
  declare private _results: SearchResult[];
  declare private _status: string;
  readonly #t = useTranslation(this);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #asked = 0;

  constructor() {
    super();
    this.run = async () => [];
    this.nameOf = (id) => id.slice(0, 8);
    this.lang = 'en';
    this._results = [];
    this._status = '';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  /** Puts the cursor in the search field. */
  override focus(): void {
    (this.renderRoot.querySelector('input[type=search]') as HTMLInputElement | null)?.focus();
  }

  protected override render() {
    const t = this.#t().search;
    let day = days.get(this.lang);
    if (!day) days.set(this.lang, (day = new Intl.DateTimeFormat(this.lang, { dateStyle: 'medium', timeStyle: 'short' })));
    return html`<form role="search" @submit=${this.#submit} @input=${this.#input} @change=${this.#input}>
        <label class="visually-hidden" for="q">${t.label}</label>
        <input id="q" type="search" autocomplete="off" maxlength="200" placeholder=${t.label} />
        ${this.here ? html`<label><input type="checkbox" name="here" /> ${t.here(this.here.name)}</label>` : nothing}
      </form>
      <p class="meta" role="status">${this._status}</p>
      ${this._results.length
        ? html`<ul aria-label=${t.results(this._results.length)}>
            ${this._results.map((r) => {
              const [a, b] = r.match;
              return html`<li>
                <button @click=${() => this.dispatchEvent(new UiEvent('fc-open', { id: r.friendId, at: r.id }))}>
                  <span class="meta">${this.nameOf(r.friendId)} · ${this.nameOf(r.from) ?? this.#t().actions.you} · ${day.format(r.ts)}${r.file ? ` · ${t.file}` : ''}</span><br />
                  <bdi>${r.snippet.slice(0, a)}<mark>${r.snippet.slice(a, b)}</mark>${r.snippet.slice(b)}</bdi>
                </button>
              </li>`;
            })}
          </ul>`
        : nothing}`;
  }

  #input(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#search(), 250);
  }

  #submit(event: SubmitEvent): void {
    event.preventDefault();
    clearTimeout(this.#timer);
    void this.#search();
  }

  async #search(): Promise<void> {
    const query = (this.renderRoot.querySelector('#q') as HTMLInputElement).value;
    const here = (this.renderRoot.querySelector('[name=here]') as HTMLInputElement | null)?.checked;
    const asked = ++this.#asked;
    const t = this.#t().search;
    if (!query.trim()) {
      this._results = [];
      this._status = '';
      return;
    }
    this._status = t.searching;
    let results: SearchResult[] = [];
    try {
      results = await this.run(query, here ? this.here?.id : undefined);
    } catch {
      // the root element has reported it (friends-chat-error and the error line)
    }
    if (asked !== this.#asked) return; // a newer search is under way
    this._results = results;
    this._status = results.length ? t.results(results.length) : t.none;
  }
}

if (!customElements.get('friends-chat-search')) customElements.define('friends-chat-search', FriendsChatSearch);
