import { html, nothing, type TemplateResult } from 'lit';
import type { Theme } from '../config/attributes.js';
import type { FriendsChatError } from '../errors.js';
import type { Lang, Translation } from '../i18n/index.js';
import type { GroupInfo, OwnProfile } from '../model/index.js';
import type { SearchRun } from './search-panel.js';
import type { SignalingState } from '../transport/signaling.js';
import type { NameContext } from './display-name.js';
import type { FileSource } from './file-message.js';
import type { RosterEntry } from './models/roster-model.js';
import type { ThreadWindow } from './models/thread-window.js';
import type { NameOf } from './group-lines.js';
import './group-list.js';
import './group-panel.js';
import './roster.js';
import './search-panel.js';
import './settings.js';
import './thread.js';
import './unlock-form.js';

/** Everything the root element shows, as plain data; the parts answer with `fc-*` events. */
export interface ChatView {
  t: Translation;
  lang: Lang;
  theme: 'light' | 'dark';
  state: SignalingState | 'starting';
  error: FriendsChatError | null;
  elsewhere: boolean;
  profileId: string;
  settings: { displayName: string; theme: Theme; typing: boolean; receipts: boolean; notify: boolean; previews: boolean; profile: OwnProfile; backup: string; message: string } | null;
  toggleSettings: () => void;
  /** Who else has which name: a name that is not unique is shown with a short ID. */
  names: NameContext;
  friends: RosterEntry[];
  droppedRequests: number;
  inviteLink: string;
  /** The name of whoever came in with the invite that was shown ('' if none). */
  inviteUsedBy: string;
  thread: ThreadWindow;
  /** The open conversation's draft (undefined while it is read). */
  draft: string | undefined;
  selected: RosterEntry | undefined;
  typing: boolean;
  safetyNumber: string;
  fileSource: FileSource;
  groups: GroupInfo[];
  /** The open group, if the open conversation is one. */
  group: GroupInfo | undefined;
  nameOf: NameOf;
  /** The search panel, when open: how it searches, and the name of a conversation or author. */
  search: { run: SearchRun; nameOf: (id: string) => string | null } | null;
  toggleSearch: () => void;
}

/** The root element's template: header, settings, alerts, roster and the open thread. */
export function renderChat(v: ChatView): TemplateResult {
  const { t, selected, settings } = v;
  const toggle = settings ? t.settings.close : t.settings.open;
  return html`
    <div part="base" class="base ${v.theme} ${selected ? 'has-thread' : ''}" lang=${v.lang}>
      <div class="header">
        <h2>${t.title}</h2>
        <span class="status" data-state=${v.state} role="status"><span class="dot" aria-hidden="true"></span>${t.status[v.state]}</span>
        <button class="search-toggle" aria-expanded=${v.search ? 'true' : 'false'} aria-controls="search" aria-label=${v.search ? t.search.close : t.search.open} title=${v.search ? t.search.close : t.search.open} @click=${v.toggleSearch}>
          <span aria-hidden="true">⌕</span>
        </button>
        <button
          class="settings-toggle"
          part="settings-button"
          aria-expanded=${settings ? 'true' : 'false'}
          aria-controls="settings"
          aria-label=${toggle}
          title=${toggle}
          @click=${v.toggleSettings}
        >
          <span aria-hidden="true">⚙</span>
        </button>
      </div>
      ${settings
        ? html`<friends-chat-settings
            id="settings"
            part="settings"
            .displayName=${settings.displayName}
            .theme=${settings.theme}
            .lang=${v.lang}
            .typing=${settings.typing}
            .receipts=${settings.receipts}
            .notify=${settings.notify}
            .previews=${settings.previews}
            .profile=${settings.profile}
            .backup=${settings.backup}
            .message=${settings.message}
          ></friends-chat-settings>
          ${v.profileId ? html`<div class="id"><span>${t.yourId}:</span> ${v.profileId}</div>` : nothing}`
        : nothing}
      ${v.search
        ? html`<friends-chat-search id="search" .run=${v.search.run} .nameOf=${v.search.nameOf} .lang=${v.lang} .here=${selected ? { id: selected.id, name: v.search.nameOf(selected.id) ?? '' } : undefined}></friends-chat-search>`
        : nothing}
      ${v.error ? html`<p class="error" role="alert">${t.errorPrefix}: ${v.error.code === 'unsupported-browser' ? t.unsupportedBrowser : v.error.message}</p>` : nothing}
      ${v.elsewhere ? html`<p class="elsewhere" role="status">${t.openElsewhere}</p>` : nothing}
      <div class="panes">
        <div class="roster">
        <friends-chat-roster
          exportparts="roster, invite"
          .friends=${v.friends}
          .names=${v.names}
          .selected=${v.thread.friendId}
          .inviteLink=${v.inviteLink}
          .inviteUsedBy=${v.inviteUsedBy}
          .dropped=${v.droppedRequests}
        ></friends-chat-roster>
        ${v.groups.length || v.friends.some((f) => f.state === 'friend')
          ? html`<friends-chat-group-list .groups=${v.groups} .friends=${v.friends} .names=${v.names} .selected=${v.thread.friendId}></friends-chat-group-list>`
          : nothing /* groups are made from friends: the first run shows only its two actions */}
        </div>
        ${selected
          ? html`<div class="main">${v.group ? html`<friends-chat-group-panel .group=${v.group} .friends=${v.friends} .nameOf=${v.nameOf} .me=${v.profileId}></friends-chat-group-panel>` : nothing}<friends-chat-thread
              class="thread"
              exportparts="thread, message, composer, send-button, attach-button"
              .friend=${selected}
              .names=${v.names}
              .messages=${v.thread.messages}
              .lang=${v.lang}
              .typing=${v.typing}
              .hasOlder=${v.thread.hasOlder}
              .hasNewer=${v.thread.hasNewer}
              .draft=${v.draft}
              .unreadFrom=${v.thread.unreadFrom}
              .safetyNumber=${v.safetyNumber}
              .fileSource=${v.fileSource}
              .nameOf=${v.group ? v.nameOf : undefined}
              .subtitle=${v.group ? t.group.members(v.group.members.length) : undefined}
            ></friends-chat-thread></div>`
          : nothing}
      </div>
    </div>
  `;
}

/** While locked: the unlock form and nothing else. */
export function renderLocked(
  theme: 'light' | 'dark',
  lang: Lang,
  lock: { setup: boolean; busy: boolean; message: string; passkey: boolean },
  submit: (passphrase: string, remember: boolean) => void,
  passkey: () => void,
): TemplateResult {
  return html`<div part="base" class="base ${theme}" lang=${lang}>
    <friends-chat-unlock part="unlock" .setup=${lock.setup} .busy=${lock.busy} .message=${lock.message} .submit=${submit} .passkey=${lock.passkey ? passkey : null}></friends-chat-unlock>
  </div>`;
}
