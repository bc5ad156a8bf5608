import { LitElement, css, html, nothing } from 'lit';
import type { FriendInfo, GroupInfo } from '../model/index.js';
import type { NameOf } from './group-lines.js';
import { rosterStyles } from './roster.styles.js';
import { sharedStyles } from './shared.styles.js';
import { useTranslation } from './translation-context.js';
import { UiEvent, type UiEventDetails } from './ui-event.js';

/**
 * The open group's members with their roles, and what an admin may do: add a friend,
 * remove a member, grant or revoke admin, rename; everyone may leave. Internal to
 * `<friends-chat>`; it talks to its parent with `fc-group` events.
 */
export class FriendsChatGroupPanel extends LitElement {
  static override styles = [sharedStyles, rosterStyles, css`:host{padding:0 8px}form{display:flex;gap:6px;flex-wrap:wrap;align-items:end}`];
  static override properties = { group: { attribute: false }, friends: { attribute: false }, nameOf: { attribute: false }, me: {} };

  declare group: GroupInfo;
  declare friends: FriendInfo[];
  declare nameOf: NameOf;
  declare me: string;
  readonly #t = useTranslation(this);

  protected override render() {
    const t = this.#t();
    const g = this.group;
    if (!g.active) return html`<p class="meta" role="status">${t.group.gone}</p>`;
    const addable = this.friends.filter((f) => f.state === 'friend' && !g.members.some((m) => m.id === f.id));
    return html`
      <details>
        <summary>${t.group.members(g.members.length)}</summary>
        <ul aria-label=${t.group.pick}>
          ${g.members.map(
            (m) => html`<li>
              <span class="name">${this.nameOf(m.id) ?? t.group.you}${m.admin ? html` <span class="meta">· ${t.group.admin}</span>` : nothing}</span>
              ${m.id !== this.me && !this.friends.some((f) => f.id === m.id && f.state !== 'declined')
                ? html`<button class="secondary" @click=${() => this.dispatchEvent(new UiEvent('fc-add', { text: m.id, note: '' }))}>${t.addFriend}</button>`
                : nothing}
              ${g.admin && m.id !== this.me
                ? html`<button class="secondary" @click=${() => this.#act({ op: m.admin ? 'unadmin' : 'admin', target: m.id })}>${m.admin ? t.group.dropAdmin : t.group.makeAdmin}</button>
                    <button class="secondary" @click=${() => this.#act({ op: 'remove', target: m.id })}>${t.group.remove}</button>`
                : nothing}
            </li>`,
          )}
        </ul>
        ${g.admin && addable.length
          ? html`<form @submit=${(e: SubmitEvent) => this.#submit(e, 'add')}>
              <label for="add-member">${t.group.add}</label>
              <select id="add-member" name="v">${addable.map((f) => html`<option value=${f.id}>${this.nameOf(f.id)}</option>`)}</select>
              <button type="submit">${t.add}</button>
            </form>`
          : nothing}
        ${g.admin
          ? html`<form @submit=${(e: SubmitEvent) => this.#submit(e, 'rename')}>
              <label for="rename">${t.group.name}</label>
              <input id="rename" name="v" maxlength="100" required .value=${g.name} />
              <button type="submit">${t.group.rename}</button>
            </form>`
          : nothing}
        <button class="secondary" @click=${() => this.#act({ op: 'leave' })}>${t.group.leave}</button>
      </details>
    `;
  }

  #submit(event: SubmitEvent, op: 'add' | 'rename'): void {
    event.preventDefault();
    const value = String(new FormData(event.target as HTMLFormElement).get('v') ?? '');
    this.#act(op === 'add' ? { op, target: value } : { op, name: value });
  }

  #act(detail: UiEventDetails['fc-group']): void {
    this.dispatchEvent(new UiEvent('fc-group', detail));
  }
}

if (!customElements.get('friends-chat-group-panel')) customElements.define('friends-chat-group-panel', FriendsChatGroupPanel);
