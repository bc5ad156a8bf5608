import { ContextProvider } from '@lit/context';
import { LitElement, type PropertyValues } from 'lit';
import { checkAutoDownloadLimit, checkLang, checkMaxFileSize, checkTheme } from '../config/attributes.js';
import { ChatEngine } from '../core/chat-engine.js';
import { requireMessageId } from '../core/input-checks.js';
import { FriendsChatError } from '../errors.js';
import { translation, type Lang } from '../i18n/index.js';
import type { ChatMessage, FriendInfo, GroupInfo, OwnProfile, SearchResult } from '../model/index.js';
import type { SignalingState } from '../transport/signaling.js';
import { ChatController } from './controllers/chat-controller.js';
import { LockController } from './controllers/lock-controller.js';
import { SystemTheme } from './controllers/system-theme.js';
import { styles } from './friends-chat.styles.js';
import { renderChat, renderLocked } from './friends-chat.view.js';
import { displayName, nameContext } from './display-name.js';
import type { RosterEntry } from './models/roster-model.js';
import type { FriendsChatThread } from './thread.js';
import { translationContext } from './translation-context.js';
import { allowNotifications } from './controllers/notifier.js';
import { settingsPatch } from './settings.js';
import type { UiEvent, UiEventDetails, UiEventType } from './ui-event.js';

/** Attributes whose change means a new engine (new store, identity or broker). */
const ENGINE_ATTRIBUTES = ['profile', 'signaling', 'iceServers', 'relayOnly', 'storage', 'mailbox', 'lock'] as const;

/**
 * A private, peer-to-peer, end-to-end encrypted messenger.
 *
 * @summary One tag, a whole chat: friends, presence, messages and files, with no server
 * that ever sees a message.
 *
 * @csspart base - The outer box of the widget.
 * @csspart roster - The list of friends.
 * @csspart thread - The messages of the open conversation.
 * @csspart message - One message.
 * @csspart composer - The message input and send button.
 * @csspart send-button - The send button.
 * @csspart attach-button - The button that picks a file to send.
 * @csspart invite - The invite panel.
 * @csspart settings-button - The button that opens and closes the settings.
 * @csspart settings - The settings panel.
 * @csspart unlock - The unlock form, the only thing shown while the chat is locked.
 *
 * @cssprop --friends-chat-background - Background colour.
 * @cssprop --friends-chat-foreground - Text colour.
 * @cssprop --friends-chat-muted - Secondary text colour.
 * @cssprop --friends-chat-accent - Buttons, links and own messages.
 * @cssprop --friends-chat-on-accent - Text on the accent colour.
 * @cssprop --friends-chat-border - Borders and separators.
 * @cssprop --friends-chat-danger - Errors and warnings.
 * @cssprop --friends-chat-ok - The online dot.
 * @cssprop --friends-chat-radius - Corner radius.
 * @cssprop --friends-chat-spacing - Base spacing unit.
 * @cssprop --friends-chat-font - Font family.
 * @cssprop --friends-chat-font-size - Base font size.
 *
 * @event friends-chat-ready - The identity is loaded; `profileId` is set.
 * @event friends-chat-error - Something went wrong; `code` and `message` say what.
 * @event friends-chat-friend-request - Someone asked to become friends (`friend`).
 * @event friends-chat-friend - A friendship was made (`friend`).
 * @event friends-chat-presence - A friend went `online`, `offline` or `connecting`.
 * @event friends-chat-message - A message from a friend arrived (`message`; its `kind` tells a text, file or reply from a reaction, edit or deletion of `ref`).
 * @event friends-chat-unread - The unread counts changed (`total`, and `byFriend`).
 * @event friends-chat-message-status - An own message is `sending`, `sent`, `delivered`, `read` or `failed`.
 * @event friends-chat-file-progress - A file transfer moved on (`state`, `bytes` of `total`, `direction`).
 * @event friends-chat-security-warning - A peer failed authentication or a friend's key changed (`reason`).
 * @event friends-chat-group - A group was `created`, `joined`, `changed` or `left`, or you were `removed` (`group`).
 * @event friends-chat-locked - The chat is locked; only the unlock form shows.
 * @event friends-chat-unlocked - The passphrase opened the chat; it starts again.
 */
export class FriendsChatElement extends LitElement {
  static override styles = styles;

  static override properties = {
    profile: { reflect: true },
    signaling: { reflect: true },
    iceServers: { attribute: 'ice-servers', reflect: true },
    relayOnly: { attribute: 'relay-only', type: Boolean, reflect: true },
    displayName: { attribute: 'display-name', reflect: true },
    storage: { reflect: true },
    theme: { reflect: true },
    lang: { reflect: true },
    noTypingIndicators: { attribute: 'no-typing-indicators', type: Boolean, reflect: true },
    noReadReceipts: { attribute: 'no-read-receipts', type: Boolean, reflect: true },
    maxFileSize: { attribute: 'max-file-size', type: Number, reflect: true },
    autoDownloadLimit: { attribute: 'auto-download-limit', type: Number, reflect: true },
    mailbox: { reflect: true },
    lock: { reflect: true },
    autoLock: { attribute: 'auto-lock', type: Number, reflect: true },
    notifications: { type: Boolean, reflect: true },
    notificationPreviews: { attribute: 'notification-previews', type: Boolean, reflect: true },
    _panel: { state: true },
  };

  /** Storage namespace: two widgets with different profiles are two independent users. */
  declare profile: string;
  /** `peerjs://host:port/path?key=…`, `peerjss://…` (TLS) or `manual:`. Empty: PeerJS cloud. Anything else: offline, with a `bad-attribute` error. */
  declare signaling: string;
  /** JSON array of RTCIceServer (STUN/TURN). Empty: one public STUN server. Invalid: none, with a `bad-ice-servers` error. */
  declare iceServers: string;
  /** Relay through TURN only, so friends never learn this device's IP address. */
  declare relayOnly: boolean;
  /** Name offered to friends (they may rename you locally). */
  declare displayName: string;
  /** `indexeddb` (default) or `memory` (nothing written to disk). */
  declare storage: string;
  /** `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  declare theme: string;
  /** `en` or `de`; defaults to the page's `lang`, else `en`. Switching is live. */
  declare lang: string;
  /** Neither send nor show typing indicators. */
  declare noTypingIndicators: boolean;
  /** Neither send nor show read receipts. */
  declare noReadReceipts: boolean;
  /** The largest file sent or accepted, in bytes (default 1 GiB, at most 4 GiB). */
  declare maxFileSize: number;
  /** Friends' files up to this size (bytes, default 16 MiB) are fetched at once; larger ones wait for a click or `downloadFile`. */
  declare autoDownloadLimit: number;
  /** MQTT broker URLs (`mqtt://…`/`mqtts://…`, space-separated) that keep messages while a friend is offline. Empty: the signaling broker's when it is MQTT; `none`: no mailbox. */
  declare mailbox: string;
  /** `none` (default) or `passphrase`: the page wants the store sealed; the user chooses one first (docs/storage-lock.md). A locked store asks for its passphrase either way. */
  declare lock: string;
  /** Minutes without a key press or pointer in the widget before a chat with a lock locks itself; 0: never. */
  declare autoLock: number;
  /** System notifications of friends' messages while the page is hidden (the settings ask the browser's permission when the user turns them on). */
  declare notifications: boolean;
  /** Notifications show the message text, not only who wrote. */
  declare notificationPreviews: boolean;

  /** What the UI shows besides the models: the invite link, safety number, settings panel. */
  declare private _panel: { inviteLink: string; inviteUsedBy: string; safety: string; settings: boolean; backup: string; message: string; search: boolean };

  readonly #chat = new ChatController(this);
  readonly #lock = new LockController(this, this.#chat);
  readonly #translation = new ContextProvider(this, { context: translationContext, initialValue: translation('en') });
  readonly #systemTheme = new SystemTheme(this);

  constructor() {
    super();
    this.profile = 'default';
    this.signaling = '';
    this.iceServers = '';
    this.relayOnly = false;
    this.displayName = '';
    this.storage = 'indexeddb';
    this.theme = 'auto';
    this.lang = '';
    this.noTypingIndicators = false;
    this.noReadReceipts = false;
    this.maxFileSize = 1073741824;
    this.autoDownloadLimit = 16777216;
    this.mailbox = '';
    this.lock = 'none';
    this.autoLock = 0;
    this.notifications = false;
    this.notificationPreviews = false;
    this._panel = { inviteLink: '', inviteUsedBy: '', safety: '', settings: false, backup: '', message: '', search: false };
    // An invite works once: the one shown goes away when someone came in with it.
    this.addEventListener('friends-chat-friend-request', ({ friend }) => {
      const link = this._panel.inviteLink;
      if (friend.viaInvite && link && !this.#chat.engine?.inviteOpen(link)) this.#setPanel({ inviteLink: '', inviteUsedBy: friend.name || friend.id.slice(0, 8) });
    });
  }

  /** This user's profile ID (64 hex chars, the Ed25519 public key); '' until ready. */
  get profileId(): string {
    return this.#chat.profileId;
  }

  /** Resolves once the identity is loaded and the widget can be used. */
  get ready(): Promise<void> {
    return this.#chat.core.ready;
  }

  /** The broker registration: `starting`, `connecting`, `online` or `offline`. */
  get signalingState(): SignalingState | 'starting' {
    return this.#chat.signalingState;
  }

  /** Unread messages in all conversations; `friends-chat-unread` tells when it changes. */
  get unread(): number {
    return this.#chat.unread;
  }

  /** A snapshot of all contacts: friends, requests in and out, declined and blocked. */
  get friends(): FriendInfo[] {
    const engine = this.#chat.engine;
    return engine ? engine.contacts.all().map((c) => this.#chat.info(c)) : [];
  }

  /** The own status (`available`, `away`, `busy`, `invisible`), status text and about text; the defaults until ready. */
  get ownProfile(): OwnProfile {
    return this.#chat.engine?.ownProfile ?? { status: 'available', statusText: '', about: '' };
  }

  /**
   * Changes the own status, status text (≤ 80 characters) and/or about text (≤ 300); stored
   * with the profile and sent to friends only (never to strangers or requests). `invisible`:
   * friends see you offline, messages still flow.
   */
  updateProfile(change: Partial<OwnProfile>): Promise<OwnProfile> {
    return this.#chat.call(async (engine) => {
      const profile = await engine.updateProfile(change);
      this.requestUpdate();
      return profile;
    });
  }

  /** A snapshot of the groups this profile is or was in (docs/groups.md). */
  get groups(): GroupInfo[] {
    return this.#chat.engine?.groups.list() ?? [];
  }

  /** Creates a group of friends (at most 50 members, you included) with you as its admin; its ID works wherever a friend ID does for messages. */
  createGroup(name: string, memberIds: string[]): Promise<GroupInfo> {
    return this.#chat.call((engine) => engine.groups.create(name, memberIds));
  }

  /** Admins only: adds a friend to a group. */
  addMember(groupId: string, id: string): Promise<GroupInfo> {
    return this.#chat.call((engine) => engine.groups.addMember(groupId, id));
  }

  /** Admins only: removes a member, who can read nothing sent after it. */
  removeMember(groupId: string, id: string): Promise<GroupInfo> {
    return this.#chat.call((engine) => engine.groups.removeMember(groupId, id));
  }

  /** Admins only: grants or revokes admin rights. */
  setAdmin(groupId: string, id: string, admin: boolean): Promise<GroupInfo> {
    return this.#chat.call((engine) => engine.groups.setAdmin(groupId, id, admin));
  }

  /** Admins only: renames a group. */
  renameGroup(groupId: string, name: string): Promise<GroupInfo> {
    return this.#chat.call((engine) => engine.groups.rename(groupId, name));
  }

  /** Leaves a group; its history stays here. */
  leaveGroup(groupId: string): Promise<GroupInfo> {
    return this.#chat.call((engine) => engine.groups.leave(groupId));
  }

  /** A one-time invite (`fc1.…`) for one friend; also shown as a link in the UI. */
  createInvite(): Promise<string> {
    return this.#chat.call(async (engine) => {
      const invite = await engine.createInvite();
      const url = new URL(location.href);
      url.hash = `friends-chat-invite=${invite}`;
      this.#setPanel({ inviteLink: url.href, inviteUsedBy: '' });
      return invite;
    });
  }

  /** Sends a friend request to the owner of an invite (link or `fc1.…`) or a 64-hex profile ID. */
  addFriend(inviteOrProfileId: string, note?: string): Promise<FriendInfo> {
    return this.#chat.call(async (engine) => this.#chat.info(await engine.addFriend(inviteOrProfileId, note)));
  }

  /** Accepts a friend request; the friend's key is pinned from then on. */
  acceptFriend(id: string): Promise<FriendInfo> {
    return this.#chat.call(async (engine) => this.#chat.info(await engine.acceptFriend(id)));
  }

  /** Declines a friend request; the requester is told, nothing of theirs is kept. */
  declineFriend(id: string): Promise<void> {
    return this.#chat.call((engine) => engine.declineFriend(id));
  }

  /** Removes a friend; their pending messages fail with reason `removed`. */
  removeFriend(id: string): Promise<void> {
    return this.#chat.call(async (engine) => {
      await engine.removeFriend(id);
      if (this.#chat.thread.friendId === id) this.#chat.thread.select('');
    });
  }

  /** Blocks a profile: its frames are dropped right after the handshake. */
  block(id: string): Promise<void> {
    return this.#chat.call(async (engine) => {
      await engine.block(id);
      if (this.#chat.thread.friendId === id) this.#chat.thread.select('');
    });
  }

  /** Persists, then sends, a text message (with `replyTo`, a message ID: a reply quoting it); resolves with it (status `sending` or `sent`). */
  sendMessage(id: string, text: string, options: { expiresIn?: number; replyTo?: string } = {}): Promise<ChatMessage> {
    return this.#chat.call(async (engine) => this.#chat.thread.append(await engine.sendMessage(id, text, options)));
  }

  /** Reacts to a message with one emoji (👍 ❤️ 😂 😮 😢 🙏 are offered first; one per person; '' takes it back). */
  react(id: string, messageId: string, emoji: string): Promise<ChatMessage> {
    return this.#chat.call(async (engine) => this.#chat.thread.append(await engine.actions.react(id, messageId, emoji)));
  }

  /** Changes the text of an own message on both sides, marked "edited"; earlier texts stay in the log. */
  editMessage(id: string, messageId: string, text: string): Promise<ChatMessage> {
    return this.#chat.call(async (engine) => this.#chat.thread.append(await engine.actions.edit(id, messageId, text)));
  }

  /** Deletes an own message for everyone: a signed tombstone; its text goes on both sides. */
  deleteMessage(id: string, messageId: string): Promise<ChatMessage> {
    return this.#chat.call(async (engine) => this.#chat.thread.append(await engine.actions.delete(id, messageId)));
  }

  /**
   * Sends a file (a `File` keeps its name; a `Blob` may be given one). Resolves once the
   * file is hashed and stored and its message is on the way; the friend then fetches it,
   * and `friends-chat-file-progress` follows the transfer.
   */
  sendFile(id: string, blob: Blob, name?: string, options: { expiresIn?: number } = {}): Promise<ChatMessage> {
    return this.#chat.call(async (engine) => {
      if (name !== undefined && typeof name !== 'string') throw new FriendsChatError('bad-input', 'the file name must be text');
      return this.#chat.thread.append(await engine.sendFile(id, blob, name, options));
    });
  }

  /** Fetches a friend's file that is larger than `auto-download-limit` and waits for the user. */
  downloadFile(id: string, messageId: string): Promise<void> {
    return this.#chat.call((engine) => engine.downloadFile(id, messageId));
  }

  /** Stops a file transfer, sending or receiving; the friend is told. */
  cancelFile(id: string, messageId: string): Promise<void> {
    return this.#chat.call((engine) => engine.cancelFile(id, messageId));
  }

  /**
   * A file that is completely here (sent, or received and checked against its SHA-256),
   * as a `File` with its safe name. Its type is the one its bytes prove (PNG, JPEG, GIF,
   * WebP, MP4, WebM), else `application/octet-stream`.
   */
  getFile(id: string, messageId: string): Promise<File> {
    return this.#chat.call(async (engine) => {
      const found = await engine.file(id, messageId);
      if (!found) throw new FriendsChatError('bad-input', 'this file is not here (yet)');
      return new File([found.blob], found.name, { type: found.media?.type ?? 'application/octet-stream' });
    });
  }

  /** Older messages of a conversation, newest last; `before` is a message ID. */
  history(id: string, options: { before?: string; limit?: number } = {}): Promise<ChatMessage[]> {
    return this.#chat.call((engine) => engine.history(id, options));
  }

  /** The 60-digit safety number shared with a friend (compare it out of band). */
  safetyNumber(id: string): Promise<string> {
    return this.#chat.call(async (engine) => engine.safetyNumber(id));
  }

  /** Marks a friend verified after comparing safety numbers; also accepts a changed key. */
  verifyFriend(id: string): Promise<FriendInfo> {
    return this.#chat.call(async (engine) => this.#chat.info(await engine.verifyFriend(id)));
  }

  /** An encrypted text backup of identity, contacts and pins (scrypt + XChaCha20-Poly1305). */
  exportIdentity(passphrase: string): Promise<string> {
    return this.#chat.call((engine) => engine.exportIdentity(passphrase));
  }

  /** Restores a backup: same profile ID, contacts and pins. Nothing changes if it fails. */
  importIdentity(backup: string, passphrase: string): Promise<string> {
    return this.#chat.call(async () => {
      const { config } = this.#chat.connection();
      const profileId = await ChatEngine.importIdentity(await this.#chat.core.stores.get(config), backup, passphrase);
      this.#chat.core.renewReady();
      this.#chat.restart();
      await this.#chat.core.ready;
      return profileId;
    });
  }

  /**
   * Opens a locked chat; a wrong passphrase is `bad-passphrase` (and, after a few, `try-later`).
   * `remember`: this device keeps the key, so a reload opens without asking (docs/storage-lock.md).
   */
  unlock(passphrase: string, options: { remember?: boolean } = {}): Promise<void> {
    return this.#lock.unlock(passphrase, options?.remember === true);
  }

  /** Opens a locked chat with the passkey added by `addPasskey` (`passkey-unavailable` if none can be used). */
  unlockWithPasskey(): Promise<void> {
    return this.#lock.unlockWithPasskey();
  }

  /** Registers a passkey (WebAuthn PRF) that opens the lock too; the passphrase keeps working. */
  addPasskey(passphrase: string): Promise<void> {
    return this.#lock.addPasskey(passphrase, this.displayName);
  }

  /** Forgets the passkey: only the passphrase opens the lock. */
  removePasskey(): Promise<void> {
    return this.#lock.removePasskey();
  }

  /** Locks now (a host's logout, say): the engine stops and only the unlock form shows. */
  lockNow(): Promise<void> {
    return this.#lock.lock();
  }

  /** Seals everything stored under a new data key wrapped by this passphrase. */
  enableLock(passphrase: string): Promise<void> {
    return this.#lock.enableLock(passphrase);
  }

  /** Writes everything back in plaintext and removes the lock. */
  disableLock(passphrase: string): Promise<void> {
    return this.#lock.disableLock(passphrase);
  }

  /** Wraps the data key under a new passphrase; nothing else is rewritten. */
  changePassphrase(old: string, passphrase: string): Promise<void> {
    return this.#lock.changePassphrase(old, passphrase);
  }

  /** `signaling="manual:"` step 1: an offer to hand to a friend (copy-paste, no server). */
  createManualOffer(): Promise<string> {
    return this.#chat.call(async () => this.#chat.manual().createOffer());
  }

  /** `signaling="manual:"` step 2, on the friend's side: returns the answer to hand back. */
  acceptManualOffer(offer: string): Promise<string> {
    return this.#chat.call(async () => this.#chat.manual().acceptOffer(offer));
  }

  /** `signaling="manual:"` step 3: the friend's answer; the connection opens after it. */
  acceptManualAnswer(answer: string): Promise<void> {
    return this.#chat.call(async () => this.#chat.manual().acceptAnswer(answer));
  }

  /**
   * Messages whose text or file name holds `query` (case and accents ignored), newest
   * first, at most `limit` (50): in one conversation (`id`, a friend's or group's), else in
   * all. The history is read page by page, sealed or not; nothing is indexed.
   */
  search(query: string, options: { id?: string; limit?: number } = {}): Promise<SearchResult[]> {
    return this.#chat.call((engine) => engine.search(query, options));
  }

  /** Opens a conversation in the UI; with `messageId` (a search result's), at that message, however old. */
  open(id: string, messageId?: string): Promise<void> {
    return this.#chat.call(async (engine) => {
      const group = engine.groups.has(id);
      if (!group && !engine.contacts.get(id)) throw new FriendsChatError('unknown-friend', 'no such friend');
      if (messageId !== undefined) requireMessageId(messageId);
      this.#setPanel({ safety: group ? '' : engine.safetyNumber(id) });
      const thread = this.#chat.thread;
      // Read before this open marks it read; reopening the open conversation keeps its line.
      const fresh = thread.friendId !== id;
      const [first] = await Promise.all([fresh ? engine.firstUnread(id) : undefined, this.#chat.drafts?.load(id)]);
      if (!(await thread.open(id, fresh ? (first ?? '') : undefined))) return;
      if (messageId && !thread.messages.some((m) => m.id === messageId) && !group && !(await thread.openAt(id, messageId))) throw new FriendsChatError('bad-input', 'no such message in this conversation');
      await this.updateComplete;
      const view = this.renderRoot.querySelector('friends-chat-thread') as FriendsChatThread | null;
      if (messageId) await this.#jump(messageId);
      else view?.focusComposer();
      await this.#chat.markRead(id);
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('theme')) this.#chat.reportOnce(checkTheme(this.theme).problem);
    if (changed.has('lang')) this.#chat.reportOnce(checkLang(this.lang, document.documentElement.lang).problem);
    if (changed.has('maxFileSize')) this.#chat.reportOnce(checkMaxFileSize(this.maxFileSize).problem);
    if (changed.has('autoLock')) this.#lock.rearm();
    if (changed.has('autoDownloadLimit')) this.#chat.reportOnce(checkAutoDownloadLimit(this.autoDownloadLimit).problem);
    this.#translation.setValue(translation(this.#lang));
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.isConnected || !this.hasUpdated) return;
    // The first engine starts when the element connects (ChatController); later changes of these restart it.
    if (ENGINE_ATTRIBUTES.some((name) => changed.has(name) && changed.get(name) !== undefined)) this.#chat.restart();
  }

  protected override render() {
    const chat = this.#chat;
    const thread = chat.thread;
    const group = chat.engine?.groups.has(thread.friendId) ? chat.engine.groups.info(thread.friendId) : undefined;
    const selected = group ? groupEntry(group) : chat.roster.entries.find((f) => f.id === thread.friendId);
    const t = translation(this.#lang);
    const names = nameContext(chat.roster.entries, this.displayName);
    const theme = checkTheme(this.theme).value;
    const panel = this._panel;
    const lock = this.#lock;
    const friendName = (id: string): string => {
      const friend = chat.roster.entries.find((f) => f.id === id);
      return friend ? displayName(friend, t, names) : `${t.unknownName} ${id.slice(0, 6)}`;
    };
    if (lock.locked) return renderLocked(theme === 'auto' ? (this.#systemTheme.dark ? 'dark' : 'light') : theme, this.#lang, lock, (p, remember) => void this.unlock(p, { remember }).catch(() => {}), () => void this.unlockWithPasskey().catch(() => {}));
    return renderChat({
      t,
      lang: this.#lang,
      theme: theme === 'auto' ? (this.#systemTheme.dark ? 'dark' : 'light') : theme,
      state: chat.signalingState,
      error: chat.lastError,
      elsewhere: chat.elsewhere,
      profileId: chat.profileId,
      settings: panel.settings
        ? {
            displayName: this.displayName,
            theme,
            typing: !this.noTypingIndicators,
            receipts: !this.noReadReceipts,
            notify: this.notifications,
            previews: this.notificationPreviews,
            profile: this.ownProfile,
            backup: panel.backup,
            message: panel.message,
          }
        : null,
      toggleSettings: () => this.#setPanel({ settings: !panel.settings, backup: '', message: '' }),
      friends: chat.roster.entries,
      droppedRequests: chat.engine?.droppedRequests ?? 0,
      names,
      inviteLink: panel.inviteLink,
      inviteUsedBy: panel.inviteUsedBy,
      thread,
      draft: chat.drafts?.text(thread.friendId),
      selected,
      typing: !!selected && chat.typing.isTyping(selected.id),
      safetyNumber: panel.safety,
      fileSource: (messageId) => chat.engine?.file(thread.friendId, messageId) ?? Promise.resolve(undefined),
      groups: this.groups,
      group,
      search: panel.search
        ? {
            run: (query, id) => {
              const found = this.search(query, id ? { id } : {});
              chat.fromUi(found);
              return found;
            },
            nameOf: (id) => (this.groups.find((g) => g.id === id)?.name ?? (id === chat.profileId ? null : friendName(id))),
          }
        : null,
      toggleSearch: () => this.#toggleSearch(),
      nameOf: (id) => (id === chat.profileId ? null : friendName(id)),
    });
  }

  /** The parts' `fc-*` events bubble to the shadow root; one table answers them. */
  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    const root = super.createRenderRoot();
    for (const [type, act] of Object.entries(this.#actions())) {
      root.addEventListener(type, (event) => (act as (detail: unknown) => void)((event as UiEvent<UiEventType>).detail));
    }
    return root;
  }

  #actions(): { [K in UiEventType]: (detail: UiEventDetails[K]) => void } {
    const friend = (): string => this.#chat.thread.friendId;
    const ui = (call: Promise<unknown>): void => this.#chat.fromUi(call);
    return {
      'fc-open': ({ id, at }) => ui(this.open(id, at)),
      'fc-accept': ({ id }) => ui(this.acceptFriend(id)),
      'fc-decline': ({ id }) => ui(this.declineFriend(id)),
      'fc-add': ({ text, note }) => ui(this.addFriend(text, note || undefined)),
      'fc-invite': () => ui(this.createInvite()),
      'fc-send': ({ text, replyTo }) => ui(this.sendMessage(friend(), text, replyTo ? { replyTo } : {})),
      'fc-react': ({ id, emoji }) => ui(this.react(friend(), id, emoji)),
      'fc-edit': ({ id, text }) => ui(this.editMessage(friend(), id, text)),
      'fc-delete': ({ id }) => ui(this.deleteMessage(friend(), id)),
      'fc-jump': ({ id }) => ui(this.#jump(id)),
      'fc-jump-unread': () => ui(this.#jumpToUnread()),
      'fc-draft': ({ id, text }) => this.#chat.drafts?.set(id, text),
      'fc-files': ({ files }) => this.#chat.sendInOrder(files, (file) => this.sendFile(friend(), file)),
      'fc-cancel-file': ({ id }) => ui(this.cancelFile(friend(), id)),
      'fc-download-file': ({ id }) => ui(this.downloadFile(friend(), id)),
      'fc-typing': () => this.#chat.engine?.setTyping(friend(), true),
      'fc-back': () => this.#chat.thread.select(''),
      'fc-verify': () => ui(this.verifyFriend(friend())),
      'fc-load-older': () => ui(this.#chat.thread.loadOlder()),
      'fc-load-newer': () => ui(this.open(friend())),
      'fc-settings': (change) => {
        Object.assign(this, settingsPatch(change));
        // Asked only now, after the user's click; refused: the setting goes back off.
        if (change.notify) ui(allowNotifications().then((ok) => ok || ((this.notifications = false), this.#setPanel({ message: translation(this.#lang).settings.denied }))));
      },
      'fc-profile': (change) => ui(this.updateProfile(change)),
      'fc-export': ({ passphrase }) => this.#settingsAction(this.exportIdentity(passphrase).then((backup) => this.#setPanel({ backup })), 'exported'),
      'fc-import': ({ backup, passphrase }) => this.#settingsAction(this.importIdentity(backup, passphrase), 'restored'),
      'fc-create-group': ({ name, members }) => ui(this.createGroup(name, members).then((g) => this.open(g.id))),
      'fc-group': ({ op, target = '', name = '' }) =>
        ui(
          op === 'leave' ? this.leaveGroup(friend())
          : op === 'rename' ? this.renameGroup(friend(), name)
          : op === 'add' ? this.addMember(friend(), target)
          : op === 'remove' ? this.removeMember(friend(), target)
          : this.setAdmin(friend(), target, op === 'admin'),
        ),
    };
  }

  /** Loads older pages (up to 20) until the message is in the thread, then shows it. */
  async #jump(id: string): Promise<void> {
    const thread = this.#chat.thread;
    for (let i = 0; i < 20 && thread.hasOlder && !thread.messages.some((m) => m.id === id); i++) await thread.loadOlder();
    await this.updateComplete;
    const view = this.renderRoot.querySelector('friends-chat-thread') as FriendsChatThread | null;
    await view?.updateComplete;
    view?.reveal(id);
  }

  /** Shows the first unread message; one not loaded is loaded around, as a search result is (a group's pages back to it). */
  async #jumpToUnread(): Promise<void> {
    const thread = this.#chat.thread;
    const id = thread.unreadFrom;
    if (!id) return;
    if (!thread.messages.some((m) => m.id === id) && !this.#chat.engine?.groups.has(thread.friendId)) await thread.openAt(thread.friendId, id);
    await this.#jump(id);
  }

  /** Opens or closes the search panel; opened, its field has focus. */
  async #toggleSearch(): Promise<void> {
    this.#setPanel({ search: !this._panel.search });
    await this.updateComplete;
    (this.renderRoot.querySelector(this._panel.search ? 'friends-chat-search' : '.search-toggle') as HTMLElement | null)?.focus();
  }

  #settingsAction(call: Promise<unknown>, done: 'exported' | 'restored'): void {
    this.#setPanel({ message: '' });
    this.#chat.fromUi(call.then(() => this.#setPanel({ message: translation(this.#lang).settings[done] })));
  }

  #setPanel(change: Partial<FriendsChatElement['_panel']>): void {
    this._panel = { ...this._panel, ...change };
  }

  get #lang(): Lang {
    return checkLang(this.lang, document.documentElement.lang).value;
  }
}

/** A group as the thread shows it: its name, and no composer once you are out of it. */
function groupEntry(g: GroupInfo): RosterEntry {
  return { id: g.id, conversationId: g.id, name: g.name, nickname: '', state: g.active ? 'friend' : 'declined', note: '', verified: false, keyChanged: false, viaInvite: false, presence: 'online', status: 'available', statusText: '', about: '', unread: 0, last: '' };
}

declare global {
  interface HTMLElementTagNameMap {
    'friends-chat': FriendsChatElement;
  }
}
