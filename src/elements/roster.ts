import { LitElement, html, nothing } from 'lit';
import type { RosterEntry } from './models/roster-model.js';
import { avatar, avatarStyles } from './avatar.js';
import { displayName, nameContext, type NameContext } from './display-name.js';
import { safeText } from '../util/text-safety.js';
import './qr-code.js';
import { rosterStyles } from './roster.styles.js';
import { sharedStyles } from './shared.styles.js';
import { useTranslation } from './translation-context.js';
import { UiEvent } from './ui-event.js';

export type { RosterEntry } from './models/roster-model.js';

/**
 * The friend list: requests to answer, friends with presence and unread counts, adding a
 * friend by invite or ID, and creating an invite. Internal to `<friends-chat>`; it talks
 * to its parent with `fc-*` events.
 */
export class FriendsChatRoster extends LitElement {
  static override styles = [sharedStyles, rosterStyles, avatarStyles];
  static override properties = {
    friends: { attribute: false },
    selected: {},
    inviteLink: { attribute: false },
    dropped: { attribute: false },
    names: { attribute: false },
    inviteUsedBy: { attribute: false },
    _copied: { state: true },
    _adding: { state: true },
  };

  declare friends: RosterEntry[];
  readonly #t = useTranslation(this);
  declare selected: string;
  declare inviteLink: string;
  /** How many friend requests were not kept (flood limits), this session. */
  declare dropped: number;
  /** Which names are taken twice (from the root element); built here from `friends` if unset. */
  declare names: NameContext | undefined;
  /** Who came in through the invite that was shown (it works once, so it is gone). */
  declare inviteUsedBy: string;
  declare private _copied: boolean;
  /** The user asked for the add-a-friend form ("I have an invite" / "Add friend"). */
  declare private _adding: boolean;

  constructor() {
    super();
    this.friends = [];
    this.selected = '';
    this.inviteLink = '';
    this.dropped = 0;
    this.inviteUsedBy = '';
    this._copied = false;
    this._adding = false;
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('inviteLink')) this._copied = false;
  }

  protected override render() {
    const t = this.#t();
    const names = this.names ?? nameContext(this.friends, '');
    const requests = this.friends.filter((f) => f.state === 'incoming');
    const others = this.friends.filter((f) => f.state !== 'incoming' && f.state !== 'blocked');
    return html`
      ${requests.length || this.dropped
        ? html`<h3 id="requests">${t.requests}</h3>
            ${this.dropped ? html`<p class="meta dropped">${t.droppedRequests(this.dropped)}</p>` : nothing}
            <ul aria-labelledby="requests">
              ${requests.map(
                (f) => html`<li>
                  <span class="name" title=${f.id}>
                    ${displayName(f, t, names)} <span class="meta">${f.id.slice(0, 8)}${f.viaInvite ? ` · ${t.viaInvite}` : ''}</span>
                    ${f.note ? html`<br /><span class="meta">“${safeText(f.note)}”</span>` : nothing}
                  </span>
                  <button @click=${() => this.#emit('fc-accept', f.id)}>${t.accept}</button>
                  <button class="secondary" @click=${() => this.#emit('fc-decline', f.id)}>${t.decline}</button>
                </li>`,
              )}
            </ul>`
        : nothing}
      ${others.length === 0 && requests.length === 0 ? this.#firstRun() : this.#list(others, names)}
    `;
  }

  /** An empty widget: what it is, and exactly two ways on. */
  #firstRun() {
    const t = this.#t();
    return html`<p class="intro">${t.start.intro}</p>
      ${this.#usedBy()}
      <div class="invite" part="invite">
        <button @click=${this.#invite}>${t.start.invite}</button>
        ${this.#link()}
      </div>
      ${this._adding
        ? this.#form()
        : html`<button class="secondary have-invite" aria-expanded="false" @click=${() => (this._adding = true)}>${t.start.haveInvite}</button>`}`;
  }

  /** Friends, with adding another folded behind one button (an open invite stays shown). */
  #list(others: RosterEntry[], names: NameContext) {
    const t = this.#t();
    const open = this._adding || !!this.inviteLink;
    // Away and busy only mean something while the friend is online; invisible reads as offline.
    const away = (f: RosterEntry) => (f.presence === 'online' && f.status !== 'available' ? f.status : undefined);
    return html`<h3 id="friends">${t.friends}</h3>
      ${others.length === 0
        ? nothing
        : html`<ul aria-labelledby="friends" part="roster">
            ${others.map(
              (f) => html`<li>
                <button
                  class="friend"
                  aria-current=${this.selected === f.id ? 'true' : 'false'}
                  title=${f.about ? safeText(f.about, 300) : nothing}
                  @click=${() => this.#emit('fc-open', f.id)}
                >
                  ${avatar(f.id, displayName(f, t, names), true)}
                  <span class="dot" data-presence=${f.presence} data-status=${away(f) ?? nothing} aria-hidden="true"></span>
                  <span class="visually-hidden">${t.presence[f.presence]}${away(f) ? `, ${t.friendStatus[away(f)!]}` : ''}${f.unread ? `, ${t.unread(f.unread)}` : ''}:</span>
                  <span class="name">${displayName(f, t, names)}
                    ${away(f) ? html`<span class="meta status" aria-hidden="true">· ${t.friendStatus[away(f)!]}</span>` : nothing}
                    ${f.statusText ? html`<br /><span class="meta status-text">${safeText(f.statusText, 80)}</span>` : nothing}
                    ${f.state === 'outgoing' ? html`<span class="meta">· ${t.outgoing}</span>` : nothing}
                    ${f.state === 'declined' ? html`<span class="meta">· ${t.declined}</span>` : nothing}
                    ${f.last ? html`<br /><span class="meta">${safeText(f.last, 60)}</span>` : nothing}
                  </span>
                  ${f.unread ? html`<span class="badge" aria-hidden="true">${f.unread}</span>` : nothing}
                </button>
              </li>`,
            )}
          </ul>`}
      ${this.#usedBy()}
      <button class="secondary add-toggle" aria-expanded=${open ? 'true' : 'false'} aria-controls="add-friend" @click=${() => (this._adding = !open)}>${t.start.addFriend}</button>
      ${open
        ? html`<div id="add-friend">
            ${this.#form()}
            <div class="invite" part="invite">
              <button class="secondary" @click=${this.#invite}>${t.invite}</button>
              ${this.#link()}
            </div>
          </div>`
        : nothing}`;
  }

  #form() {
    const t = this.#t();
    return html`<form @submit=${this.#add}>
      <label for="add">${t.addFriendLabel}</label>
      <input id="add" name="add" autocomplete="off" required />
      <label for="note">${t.note}</label>
      <input id="note" name="note" autocomplete="off" maxlength="500" />
      <button type="submit">${t.add}</button>
    </form>`;
  }

  /** The open invite: link, copy, share (where the browser can), QR code. */
  #link() {
    const t = this.#t();
    if (!this.inviteLink) return nothing;
    return html`<label for="invite-link">${t.inviteHelp}</label>
      <input id="invite-link" readonly .value=${this.inviteLink} @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
      <button class="secondary" @click=${this.#copy}>${this._copied ? t.copied : t.copy}</button>
      ${'share' in navigator ? html`<button class="secondary" @click=${this.#share}>${t.start.share}</button>` : nothing}
      <friends-chat-qr-code .value=${this.inviteLink} .label=${t.inviteQr}></friends-chat-qr-code>`;
  }

  #usedBy() {
    return this.inviteUsedBy ? html`<p class="meta used" role="status">${this.#t().start.used(safeText(this.inviteUsedBy, 60))}</p>` : nothing;
  }

  #invite(): void {
    this.dispatchEvent(new UiEvent('fc-invite', null));
  }

  #share(): void {
    // The user may close the share sheet: nothing to report then.
    navigator.share({ url: this.inviteLink }).catch(() => {});
  }

  #add(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    this.dispatchEvent(new UiEvent('fc-add', { text: String(data.get('add') ?? ''), note: String(data.get('note') ?? '') }));
    form.reset();
    this._adding = false;
  }

  async #copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.inviteLink);
      this._copied = true;
    } catch {
      (this.renderRoot.querySelector('#invite-link') as HTMLInputElement | null)?.select();
    }
  }

  #emit(type: 'fc-open' | 'fc-accept' | 'fc-decline', id: string): void {
    this.dispatchEvent(new UiEvent(type, { id }));
  }
}

if (!customElements.get('friends-chat-roster')) customElements.define('friends-chat-roster', FriendsChatRoster);
