import { LitElement, html, nothing } from 'lit';
import type { FriendInfo, GroupInfo } from '../model/index.js';
import { safeText } from '../util/text-safety.js';
import { displayName, type NameContext } from './display-name.js';
import { rosterStyles } from './roster.styles.js';
import { sharedStyles } from './shared.styles.js';
import { useTranslation } from './translation-context.js';
import { UiEvent } from './ui-event.js';

/**
 * The groups in the roster (name, member count) and the form that creates one from
 * friends. Internal to `<friends-chat>`; it talks to its parent with `fc-*` events.
 */
export class FriendsChatGroupList extends LitElement {
  static override styles = [sharedStyles, rosterStyles];
  static override properties = { groups: { attribute: false }, friends: { attribute: false }, names: { attribute: false }, selected: {} };

  declare groups: GroupInfo[];
  declare friends: FriendInfo[];
  declare names: NameContext | undefined;
  declare selected: string;
  readonly #t = useTranslation(this);

  constructor() {
    super();
    this.groups = [];
    this.friends = [];
    this.selected = '';
  }

  protected override render() {
    const t = this.#t();
    const friends = this.friends.filter((f) => f.state === 'friend');
    return html`
      <h3 id="groups">${t.group.title}</h3>
      ${this.groups.length === 0
        ? html`<p class="meta">${t.group.none}</p>`
        : html`<ul aria-labelledby="groups">
            ${this.groups.map(
              (g) => html`<li>
                <button class="friend" aria-current=${this.selected === g.id ? 'true' : 'false'} @click=${() => this.dispatchEvent(new UiEvent('fc-open', { id: g.id }))}>
                  <span class="name">${safeText(g.name, 100)} <span class="meta">· ${g.active ? t.group.members(g.members.length) : t.group.gone}</span></span>
                  ${g.unread && this.selected !== g.id ? html`<span class="visually-hidden">, ${t.unread(g.unread)}</span><span class="badge" aria-hidden="true">${g.unread}</span>` : nothing}
                </button>
              </li>`,
            )}
          </ul>`}
      ${friends.length
        ? html`<form class="new-group" @submit=${this.#create}>
            <label for="group-name">${t.group.name}</label>
            <input id="group-name" name="name" autocomplete="off" maxlength="100" required />
            <fieldset>
              <legend>${t.group.pick}</legend>
              ${friends.map((f) => html`<label><input type="checkbox" name="member" value=${f.id} /> ${displayName(f, t, this.names)}</label>`)}
            </fieldset>
            <button type="submit">${t.group.create}</button>
          </form>`
        : nothing}
    `;
  }

  #create(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    this.dispatchEvent(new UiEvent('fc-create-group', { name: String(data.get('name') ?? ''), members: data.getAll('member').map(String) }));
    form.reset();
  }
}

if (!customElements.get('friends-chat-group-list')) customElements.define('friends-chat-group-list', FriendsChatGroupList);
