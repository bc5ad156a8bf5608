import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { DEFAULT_ICE_SERVERS, DEFAULT_SIGNALING, parseIceServers, parseSignalingUrl } from '../config/signaling-url.js';
import { ChatEngine } from '../core/chat-engine.js';
import { DEFAULT_MAX_FILE_SIZE, MAX_FILE_SIZE } from '../core/file-manifest.js';
import type { FileProgress } from '../core/files.js';
import { lockProfile, type ProfileLock } from '../core/profile-lock.js';
import { toFriendInfo, type FriendInfo } from '../core/friend-info.js';
import type { ChatMessage, MessageStatus } from '../core/message.js';
import { FriendsChatError, toFriendsChatError } from '../errors.js';
import { FriendsChatErrorEvent } from '../events/error-event.js';
import { FriendsChatFileProgressEvent } from '../events/file-progress-event.js';
import { FriendsChatFriendEvent } from '../events/friend-event.js';
import { FriendsChatFriendRequestEvent } from '../events/friend-request-event.js';
import { FriendsChatMessageEvent } from '../events/message-event.js';
import { FriendsChatMessageStatusEvent } from '../events/message-status-event.js';
import { FriendsChatPresenceEvent } from '../events/presence-event.js';
import { FriendsChatReadyEvent } from '../events/ready-event.js';
import { FriendsChatSecurityWarningEvent } from '../events/security-warning-event.js';
import { resolveLang, translation, type Lang } from '../i18n/index.js';
import { IdbStore, PROFILE_PATTERN } from '../storage/idb-store.js';
import { MemoryStore } from '../storage/memory-store.js';
import type { Store } from '../storage/store.js';
import { ManualSignaling } from '../transport/manual/manual-signaling.js';
import { PeerjsSignaling } from '../transport/peerjs/peerjs-signaling.js';
import { SignalingRegistry } from '../transport/registry.js';
import type { Signaling, SignalingState } from '../transport/signaling.js';
import { styles } from './friends-chat.styles.js';
import type { RosterEntry } from './roster.js';
import { nameContext } from './display-name.js';
import './roster.js';
import './settings.js';
import type { SettingsChange } from './settings.js';
import './thread.js';
import type { FriendsChatThread } from './thread.js';

const PAGE = 50;
/** At most this many messages are in the thread's DOM, however long the history is. */
const WINDOW = 300;
const TYPING_SHOWN = 5000;
const STATUS_ORDER: readonly MessageStatus[] = ['sending', 'sent', 'delivered', 'read'];

type Theme = 'light' | 'dark' | 'auto';
const THEMES: readonly Theme[] = ['light', 'dark', 'auto'];

/** Attributes whose change means a new engine (new store, identity or broker). */
const ENGINE_ATTRIBUTES = ['profile', 'signaling', 'iceServers', 'relayOnly', 'storage'] as const;

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
 * @event friends-chat-message - A message from a friend arrived (`message`).
 * @event friends-chat-message-status - An own message is `sending`, `sent`, `delivered`, `read` or `failed`.
 * @event friends-chat-file-progress - A file transfer moved on (`state`, `bytes` of `total`, `direction`).
 * @event friends-chat-security-warning - A peer failed authentication or a friend's key changed (`reason`).
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
    _signalingState: { state: true },
    _profileId: { state: true },
    _lastError: { state: true },
    _systemDark: { state: true },
    _friends: { state: true },
    _selected: { state: true },
    _messages: { state: true },
    _hasOlder: { state: true },
    _hasNewer: { state: true },
    _typing: { state: true },
    _inviteLink: { state: true },
    _safety: { state: true },
    _elsewhere: { state: true },
    _settingsOpen: { state: true },
    _backup: { state: true },
    _settingsMessage: { state: true },
  };

  /** Storage namespace: two widgets with different profiles are two independent users. */
  declare profile: string;
  /** `peerjs://host:port/path?key=…`, `peerjss://…` (TLS) or `manual:`. Empty: PeerJS cloud. */
  declare signaling: string;
  /** JSON array of RTCIceServer (STUN/TURN). Empty: one public STUN server. */
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

  declare private _signalingState: SignalingState | 'starting';
  declare private _profileId: string;
  declare private _lastError: FriendsChatError | null;
  declare private _systemDark: boolean;
  declare private _friends: RosterEntry[];
  declare private _selected: string;
  declare private _messages: ChatMessage[];
  declare private _hasOlder: boolean;
  /** The window was scrolled back: newer messages are in the store, not in the DOM. */
  declare private _hasNewer: boolean;
  declare private _typing: Record<string, number>;
  declare private _inviteLink: string;
  declare private _safety: string;
  /** Another tab holds this profile; this one waits to take over. */
  declare private _elsewhere: boolean;
  declare private _settingsOpen: boolean;
  declare private _backup: string;
  declare private _settingsMessage: string;
  #lock: ProfileLock | null = null;
  /** Thread changes gathered between renders: new messages, status changes, file progress. */
  #arrivals: ChatMessage[] = [];
  #patches = new Map<string, { status?: MessageStatus; progress?: FileProgress }>();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #store: { key: string; store: Store } | null = null;

  readonly #registry = new SignalingRegistry()
    .register('peerjs', (config, context) => {
      if (config.scheme !== 'peerjs') throw new FriendsChatError('bad-signaling', 'not a PeerJS URL');
      return new PeerjsSignaling({ ...config, ...context });
    })
    .register('manual', (_config, context) => new ManualSignaling(context));
  #signaling: Signaling | null = null;
  #engine: ChatEngine | null = null;
  #generation = 0;
  #resolveReady!: () => void;
  #ready: Promise<void>;
  #reported = new Set<string>();
  #media: MediaQueryList | null = null;
  readonly #onSystemTheme = (event: MediaQueryListEvent): void => {
    this._systemDark = event.matches;
  };
  readonly #onOnline = (): void => this.#engine?.nudge();
  readonly #onVisible = (): void => {
    if (document.visibilityState !== 'visible' || !this.#engine) return;
    this.#engine.nudge();
    if (this._selected) void this.#markRead(this.#engine, this._selected);
  };

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
    this._signalingState = 'starting';
    this._profileId = '';
    this._lastError = null;
    this._systemDark = false;
    this._friends = [];
    this._selected = '';
    this._messages = [];
    this._hasOlder = false;
    this._hasNewer = false;
    this._typing = {};
    this._inviteLink = '';
    this._safety = '';
    this._elsewhere = false;
    this._settingsOpen = false;
    this._backup = '';
    this._settingsMessage = '';
    this.#ready = new Promise((resolve) => (this.#resolveReady = resolve));
  }

  /** This user's profile ID (64 hex chars, the Ed25519 public key); '' until ready. */
  get profileId(): string {
    return this._profileId;
  }

  /** Resolves once the identity is loaded and the widget can be used. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /** The broker registration: `starting`, `connecting`, `online` or `offline`. */
  get signalingState(): SignalingState | 'starting' {
    return this._signalingState;
  }

  /** A snapshot of all contacts: friends, requests in and out, declined and blocked. */
  get friends(): FriendInfo[] {
    const engine = this.#engine;
    if (!engine) return [];
    return engine.contacts.all().map((c) => toFriendInfo(c, engine.presence(c.id), engine.identity.profileId));
  }

  /** A one-time invite (`fc1.…`) for one friend; also shown as a link in the UI. */
  createInvite(): Promise<string> {
    return this.#call(async (engine) => {
      const invite = await engine.createInvite();
      this._inviteLink = this.#inviteLink(invite);
      return invite;
    });
  }

  /** Sends a friend request to the owner of an invite (link or `fc1.…`) or a 64-hex profile ID. */
  addFriend(inviteOrProfileId: string, note?: string): Promise<FriendInfo> {
    return this.#call(async (engine) => this.#info(await engine.addFriend(inviteOrProfileId, note)));
  }

  /** Accepts a friend request; the friend's key is pinned from then on. */
  acceptFriend(id: string): Promise<FriendInfo> {
    return this.#call(async (engine) => this.#info(await engine.acceptFriend(id)));
  }

  /** Declines a friend request; the requester is told, nothing of theirs is kept. */
  declineFriend(id: string): Promise<void> {
    return this.#call((engine) => engine.declineFriend(id));
  }

  /** Removes a friend; their pending messages fail with reason `removed`. */
  removeFriend(id: string): Promise<void> {
    return this.#call(async (engine) => {
      await engine.removeFriend(id);
      if (this._selected === id) this._selected = '';
    });
  }

  /** Blocks a profile: its frames are dropped right after the handshake. */
  block(id: string): Promise<void> {
    return this.#call(async (engine) => {
      await engine.block(id);
      if (this._selected === id) this._selected = '';
    });
  }

  /** Persists, then sends, a text message; resolves with it (status `sending` or `sent`). */
  sendMessage(id: string, text: string, options: { expiresIn?: number } = {}): Promise<ChatMessage> {
    return this.#call(async (engine) => {
      const message = await engine.sendMessage(id, text, options);
      if (this._selected === id) this.#append(message);
      return message;
    });
  }

  /**
   * Sends a file (a `File` keeps its name; a `Blob` may be given one). Resolves once the
   * file is hashed and stored and its message is on the way; the friend then fetches it,
   * and `friends-chat-file-progress` follows the transfer.
   */
  sendFile(id: string, blob: Blob, name?: string): Promise<ChatMessage> {
    return this.#call(async (engine) => {
      if (name !== undefined && typeof name !== 'string') throw new FriendsChatError('bad-input', 'the file name must be text');
      const message = await engine.sendFile(id, blob, name);
      if (this._selected === id) this.#append(message);
      return message;
    });
  }

  /** Stops a file transfer, sending or receiving; the friend is told. */
  cancelFile(id: string, messageId: string): Promise<void> {
    return this.#call((engine) => engine.cancelFile(id, messageId));
  }

  /**
   * A file that is completely here (sent, or received and checked against its SHA-256),
   * as a `File` with its safe name. Its type is the one its bytes prove (PNG, JPEG, GIF,
   * WebP, MP4, WebM), else `application/octet-stream`.
   */
  getFile(id: string, messageId: string): Promise<File> {
    return this.#call(async (engine) => {
      const found = await engine.file(id, messageId);
      if (!found) throw new FriendsChatError('bad-input', 'this file is not here (yet)');
      return new File([found.blob], found.name, { type: found.media?.type ?? 'application/octet-stream' });
    });
  }

  /** Older messages of a conversation, newest last; `before` is a message ID. */
  history(id: string, options: { before?: string; limit?: number } = {}): Promise<ChatMessage[]> {
    return this.#call((engine) => engine.history(id, options));
  }

  /** The 60-digit safety number shared with a friend (compare it out of band). */
  safetyNumber(id: string): Promise<string> {
    return this.#call(async (engine) => engine.safetyNumber(id));
  }

  /** Marks a friend verified after comparing safety numbers; also accepts a changed key. */
  verifyFriend(id: string): Promise<FriendInfo> {
    return this.#call(async (engine) => this.#info(await engine.verifyFriend(id)));
  }

  /** An encrypted text backup of identity, contacts and pins (scrypt + XChaCha20-Poly1305). */
  exportIdentity(passphrase: string): Promise<string> {
    return this.#call((engine) => engine.exportIdentity(passphrase));
  }

  /** Restores a backup: same profile ID, contacts and pins. Nothing changes if it fails. */
  importIdentity(backup: string, passphrase: string): Promise<string> {
    return this.#call(async () => {
      const store = this.#storeFor();
      const profileId = await ChatEngine.importIdentity(store, backup, passphrase);
      this.#ready = new Promise((resolve) => (this.#resolveReady = resolve));
      this.#restart();
      await this.#ready;
      return profileId;
    });
  }

  /** `signaling="manual:"` step 1: an offer to hand to a friend (copy-paste, no server). */
  createManualOffer(): Promise<string> {
    return this.#call(async () => this.#manual().createOffer());
  }

  /** `signaling="manual:"` step 2, on the friend's side: returns the answer to hand back. */
  acceptManualOffer(offer: string): Promise<string> {
    return this.#call(async () => this.#manual().acceptOffer(offer));
  }

  /** `signaling="manual:"` step 3: the friend's answer; the connection opens after it. */
  acceptManualAnswer(answer: string): Promise<void> {
    return this.#call(async () => this.#manual().acceptAnswer(answer));
  }

  /** Opens a conversation in the UI. */
  open(id: string): Promise<void> {
    return this.#call(async (engine) => {
      if (!engine.contacts.get(id)) throw new FriendsChatError('unknown-friend', 'no such friend');
      this._selected = id;
      this._safety = engine.safetyNumber(id);
      const messages = await engine.history(id, { limit: PAGE });
      if (this._selected !== id) return;
      this._messages = messages;
      this._hasOlder = messages.length === PAGE;
      this._hasNewer = false;
      await this.updateComplete;
      (this.renderRoot.querySelector('friends-chat-thread') as FriendsChatThread | null)?.focusComposer();
      await this.#markRead(engine, id);
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#media = window.matchMedia?.('(prefers-color-scheme: dark)') ?? null;
    this._systemDark = this.#media?.matches ?? false;
    this.#media?.addEventListener('change', this.#onSystemTheme);
    window.addEventListener('online', this.#onOnline);
    document.addEventListener('visibilitychange', this.#onVisible);
    this.#restart();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#media?.removeEventListener('change', this.#onSystemTheme);
    window.removeEventListener('online', this.#onOnline);
    document.removeEventListener('visibilitychange', this.#onVisible);
    this.#stopEngine();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('theme') && !THEMES.includes(this.theme as Theme)) {
      this.#reportOnce('theme', new FriendsChatError('bad-attribute', `theme "${this.theme}" is not light, dark or auto; using auto`));
    }
    if (changed.has('lang') && this.lang && !resolveLang(this.lang)) {
      this.#reportOnce('lang', new FriendsChatError('bad-attribute', `lang "${this.lang}" is not supported (en, de); using en`));
    }
    if (changed.has('maxFileSize') && this.#maxFileSize !== this.maxFileSize) {
      this.#reportOnce('max-file-size', new FriendsChatError('bad-attribute', `max-file-size must be a whole number of bytes from 1 to ${MAX_FILE_SIZE}; using 1 GiB`));
    }
    if (changed.has('storage') && !['indexeddb', 'memory'].includes(this.storage)) {
      this.#reportOnce('storage', new FriendsChatError('bad-attribute', `storage "${this.storage}" is not indexeddb or memory; using indexeddb`));
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.isConnected || !this.hasUpdated) return;
    // The first engine starts in connectedCallback; later changes of these restart it.
    const restart = ENGINE_ATTRIBUTES.some((name) => changed.has(name) && changed.get(name) !== undefined);
    if (restart) this.#restart();
  }

  protected override render() {
    const t = translation(this.#lang);
    const state = this._signalingState;
    const selected = this._friends.find((f) => f.id === this._selected);
    return html`
      <div part="base" class="base ${this.#effectiveTheme} ${selected ? 'has-thread' : ''}" lang=${this.#lang}>
        <div class="header">
          <h2>${t.title}</h2>
          <span class="status" data-state=${state} role="status">
            <span class="dot" aria-hidden="true"></span>${t.status[state]}
          </span>
          <button
            class="settings-toggle"
            part="settings-button"
            aria-expanded=${this._settingsOpen ? 'true' : 'false'}
            aria-controls="settings"
            aria-label=${this._settingsOpen ? t.settings.close : t.settings.open}
            title=${this._settingsOpen ? t.settings.close : t.settings.open}
            @click=${() => this.#toggleSettings()}
          >
            <span aria-hidden="true">⚙</span>
          </button>
        </div>
        ${this._settingsOpen
          ? html`<friends-chat-settings
              id="settings"
              part="settings"
              .t=${t}
              .displayName=${this.displayName}
              .theme=${THEMES.includes(this.theme as Theme) ? this.theme : 'auto'}
              .lang=${this.#lang}
              .typing=${!this.noTypingIndicators}
              .receipts=${!this.noReadReceipts}
              .backup=${this._backup}
              .message=${this._settingsMessage}
              @fc-settings=${(e: CustomEvent<SettingsChange>) => this.#applySettings(e.detail)}
              @fc-export=${(e: CustomEvent<{ passphrase: string }>) => this.#exportFromUi(e.detail.passphrase)}
              @fc-import=${(e: CustomEvent<{ backup: string; passphrase: string }>) => this.#importFromUi(e.detail.backup, e.detail.passphrase)}
            ></friends-chat-settings>`
          : nothing}
        ${this._lastError
          ? html`<p class="error" role="alert">${t.errorPrefix}: ${this._lastError.message}</p>`
          : nothing}
        ${this._elsewhere ? html`<p class="elsewhere" role="status">${t.openElsewhere}</p>` : nothing}
        <div class="panes">
          <friends-chat-roster
            class="roster"
            exportparts="roster, invite"
            .friends=${this._friends}
            .t=${t}
            .selected=${this._selected}
            .inviteLink=${this._inviteLink}
            .names=${nameContext(this._friends, this.displayName)}
            @fc-open=${(e: CustomEvent<{ id: string }>) => this.#fromUi(this.open(e.detail.id))}
            @fc-accept=${(e: CustomEvent<{ id: string }>) => this.#fromUi(this.acceptFriend(e.detail.id))}
            @fc-decline=${(e: CustomEvent<{ id: string }>) => this.#fromUi(this.declineFriend(e.detail.id))}
            @fc-add=${(e: CustomEvent<{ text: string; note: string }>) => this.#fromUi(this.addFriend(e.detail.text, e.detail.note || undefined))}
            @fc-invite=${() => this.#fromUi(this.createInvite())}
          ></friends-chat-roster>
          ${selected
            ? html`<friends-chat-thread
                class="thread"
                exportparts="thread, message, composer, send-button, attach-button"
                .friend=${selected}
                .names=${nameContext(this._friends, this.displayName)}
                .messages=${this._messages}
                .t=${t}
                .lang=${this.#lang}
                .typing=${(this._typing[selected.id] ?? 0) > Date.now()}
                .hasOlder=${this._hasOlder}
                .hasNewer=${this._hasNewer}
                @fc-load-newer=${() => this.#fromUi(this.open(selected.id))}
                .safetyNumber=${this._safety}
                @fc-send=${(e: CustomEvent<{ text: string }>) => this.#fromUi(this.sendMessage(selected.id, e.detail.text))}
                @fc-files=${(e: CustomEvent<{ files: File[] }>) => this.#sendFiles(selected.id, e.detail.files)}
                @fc-cancel-file=${(e: CustomEvent<{ id: string }>) => this.#fromUi(this.cancelFile(selected.id, e.detail.id))}
                .fileSource=${(messageId: string) => this.#engine?.file(selected.id, messageId) ?? Promise.resolve(undefined)}
                @fc-back=${() => (this._selected = '')}
                @fc-typing=${() => this.#engine?.setTyping(selected.id, true)}
                @fc-load-older=${() => void this.#loadOlder(selected.id)}
                @fc-verify=${() => this.#fromUi(this.verifyFriend(selected.id))}
              ></friends-chat-thread>`
            : nothing}
        </div>
        ${this._profileId ? html`<div class="id"><span>${t.yourId}:</span> ${this._profileId}</div>` : nothing}
      </div>
    `;
  }

  /** Runs a public method: waits for the engine, turns every failure into a FriendsChatError. */
  async #call<T>(run: (engine: ChatEngine) => Promise<T>): Promise<T> {
    try {
      if (!this.isConnected) throw new FriendsChatError('not-ready', 'the widget is not in the page');
      await this.#ready;
      const engine = this.#engine;
      if (!engine) throw new FriendsChatError('not-ready', 'the widget is restarting; try again');
      return await run(engine);
    } catch (error) {
      throw toFriendsChatError(error, 'internal');
    }
  }

  #toggleSettings(): void {
    this._settingsOpen = !this._settingsOpen;
    this._backup = '';
    this._settingsMessage = '';
  }

  /** The user changed a setting: it becomes the element's property (and reflected attribute). */
  #applySettings(change: SettingsChange): void {
    if (change.displayName !== undefined) this.displayName = change.displayName.slice(0, 64);
    if (change.theme !== undefined && THEMES.includes(change.theme)) this.theme = change.theme;
    if (change.lang !== undefined && resolveLang(change.lang)) this.lang = change.lang;
    if (change.typing !== undefined) this.noTypingIndicators = !change.typing;
    if (change.receipts !== undefined) this.noReadReceipts = !change.receipts;
  }

  #exportFromUi(passphrase: string): void {
    this._settingsMessage = '';
    this.#fromUi(
      this.exportIdentity(passphrase).then((backup) => {
        this._backup = backup;
        this._settingsMessage = translation(this.#lang).settings.exported;
      }),
    );
  }

  #importFromUi(backup: string, passphrase: string): void {
    this._settingsMessage = '';
    this.#fromUi(
      this.importIdentity(backup, passphrase).then(() => {
        this._settingsMessage = translation(this.#lang).settings.restored;
      }),
    );
  }

  /** A call the UI made: a failure is shown and reported, never left to the page. */
  #fromUi(call: Promise<unknown>): void {
    call.catch((error: unknown) => this.#report(toFriendsChatError(error, 'internal')));
  }

  /** Files picked, dropped or pasted: sent one after another so their order holds; one that fails is reported and the rest still go. */
  #sendFiles(id: string, files: File[]): void {
    let chain: Promise<unknown> = Promise.resolve();
    for (const file of files) {
      const send = chain.then(() => this.sendFile(id, file));
      this.#fromUi(send);
      chain = send.catch(() => {});
    }
  }

  #info(contact: { id: string }): FriendInfo {
    const engine = this.#engine!;
    return toFriendInfo(engine.contacts.get(contact.id)!, engine.presence(contact.id), engine.identity.profileId);
  }

  #manual(): ManualSignaling {
    if (!(this.#signaling instanceof ManualSignaling)) throw new FriendsChatError('bad-input', 'this needs signaling="manual:"');
    return this.#signaling;
  }

  #inviteLink(invite: string): string {
    const url = new URL(location.href);
    url.hash = `friends-chat-invite=${invite}`;
    return url.href;
  }

  async #loadOlder(id: string): Promise<void> {
    const engine = this.#engine;
    const first = this._messages[0];
    if (!engine || !first) return;
    const older = await engine.history(id, { before: first.id, limit: PAGE });
    if (this._selected !== id) return;
    const joined = [...older, ...this._messages];
    // Keep the DOM bounded: what falls off the newer end is reloaded on "jump to newest".
    if (joined.length > WINDOW) this._hasNewer = true;
    this._messages = joined.slice(0, WINDOW);
    this._hasOlder = older.length === PAGE;
  }

  /**
   * A new message joins the thread unless the user is reading further back. Arrivals are
   * gathered and shown together a moment later, so a burst renders a few times, not once
   * per message.
   */
  #append(message: ChatMessage): void {
    if (this._hasNewer) return;
    this.#arrivals.push(message);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushTimer === undefined) this.#flushTimer = setTimeout(() => this.#flush(), 0);
  }

  /** Applies gathered arrivals, status changes and file progress to the thread in one go. */
  #flush(): void {
    this.#flushTimer = undefined;
    const arrivals = this.#arrivals.splice(0).filter((a) => a.friendId === this._selected);
    const patches = new Map(this.#patches);
    this.#patches.clear();
    if (arrivals.length === 0 && patches.size === 0) return;
    let next = this._messages;
    if (arrivals.length && !this._hasNewer) {
      const known = new Set(next.map((m) => m.id));
      next = [...next];
      for (const message of arrivals) {
        if (known.has(message.id)) continue;
        known.add(message.id);
        next.push(message);
      }
      if (next.length > WINDOW) this._hasOlder = true;
      next = next.slice(-WINDOW);
    }
    if (patches.size) {
      next = next.map((m) => {
        const patch = patches.get(m.id);
        if (!patch) return m;
        const { status, progress } = patch;
        const file = progress && m.file ? { ...m.file, state: progress.state, bytes: progress.bytes, ...(progress.reason ? { reason: progress.reason } : {}) } : m.file;
        // Statuses only move forward (a late 'sending' never undoes 'sent'); 'failed' always shows.
        const forward = status && !m.incoming && (status === 'failed' || STATUS_ORDER.indexOf(status) > STATUS_ORDER.indexOf(m.status ?? 'sending'));
        return { ...m, ...(forward ? { status } : {}), ...(file ? { file } : {}) };
      });
    }
    this._messages = next;
  }

  async #markRead(engine: ChatEngine, id: string): Promise<void> {
    if (document.visibilityState !== 'visible' || this._selected !== id) return;
    await engine.markRead(id);
  }

  /** Rebuilds the roster from the engine (names, presence, unread counts, last message). */
  async #refresh(): Promise<void> {
    const engine = this.#engine;
    if (!engine) return;
    const entries = await Promise.all(
      engine.contacts.all().map(async (c) => {
        const info = toFriendInfo(c, engine.presence(c.id), engine.identity.profileId);
        if (c.state !== 'friend') return { ...info, unread: 0, last: '' };
        const [unread, last] = await Promise.all([engine.unread(c.id), engine.history(c.id, { limit: 1 })]);
        const newest = last[0];
        return { ...info, unread: this._selected === c.id ? 0 : unread, last: newest?.file ? newest.file.name : (newest?.text ?? '') };
      }),
    );
    if (engine !== this.#engine) return;
    this._friends = entries.sort((a, b) => a.state.localeCompare(b.state) || a.name.localeCompare(b.name));
  }

  #scheduleRefresh = (() => {
    let queued = false;
    return () => {
      if (queued) return;
      queued = true;
      setTimeout(() => {
        queued = false;
        void this.#refresh();
      }, 30);
    };
  })();

  #onMessage(message: ChatMessage): void {
    this.dispatchEvent(new FriendsChatMessageEvent(message));
    if (message.friendId === this._selected) {
      this.#append(message);
      if (this.#engine) void this.#markRead(this.#engine, message.friendId);
    }
    this.#scheduleRefresh();
  }

  #onStatus(friendId: string, messageId: string, status: MessageStatus, reason?: string): void {
    this.dispatchEvent(new FriendsChatMessageStatusEvent(friendId, messageId, status, reason));
    if (friendId !== this._selected) return;
    this.#patches.set(messageId, { ...this.#patches.get(messageId), status });
    this.#scheduleFlush();
  }

  #onFileProgress(progress: FileProgress): void {
    this.dispatchEvent(new FriendsChatFileProgressEvent(progress));
    if (progress.friendId !== this._selected) return;
    this.#patches.set(progress.messageId, { ...this.#patches.get(progress.messageId), progress });
    this.#scheduleFlush();
  }

  #onTyping(friendId: string, typing: boolean): void {
    this._typing = { ...this._typing, [friendId]: typing ? Date.now() + TYPING_SHOWN : 0 };
    if (typing) setTimeout(() => this.requestUpdate(), TYPING_SHOWN + 50);
  }

  get #maxFileSize(): number {
    const max = this.maxFileSize;
    return Number.isInteger(max) && max > 0 && max <= MAX_FILE_SIZE ? max : DEFAULT_MAX_FILE_SIZE;
  }

  get #lang(): Lang {
    return resolveLang(this.lang) ?? resolveLang(document.documentElement.lang) ?? 'en';
  }

  get #effectiveTheme(): 'light' | 'dark' {
    if (this.theme === 'light' || this.theme === 'dark') return this.theme;
    return this._systemDark ? 'dark' : 'light';
  }

  /** The profile's store, kept across engine restarts (so `storage="memory"` keeps its data). */
  #storeFor(): Store {
    const key = `${this.storage === 'memory' ? 'memory' : 'idb'}:${this.profile}`;
    if (this.#store?.key !== key) this.#store = { key, store: this.#createStore() };
    return this.#store.store;
  }

  #createStore(): Store {
    if (this.storage === 'memory') return new MemoryStore();
    let profile = this.profile;
    if (!PROFILE_PATTERN.test(profile)) {
      this.#reportOnce('profile', new FriendsChatError('bad-attribute', `profile "${profile.slice(0, 80)}" must be 1–64 letters, digits, . _ or -; using "default"`));
      profile = 'default';
    }
    return new IdbStore(profile);
  }

  #createSignaling() {
    let config;
    try {
      config = parseSignalingUrl(this.signaling || DEFAULT_SIGNALING);
    } catch (error) {
      this.#report(toFriendsChatError(error, 'bad-signaling'));
      config = parseSignalingUrl(DEFAULT_SIGNALING);
    }
    let iceServers = DEFAULT_ICE_SERVERS;
    if (this.iceServers) {
      try {
        iceServers = parseIceServers(this.iceServers);
      } catch (error) {
        this.#report(toFriendsChatError(error, 'bad-ice-servers'));
      }
    }
    try {
      return this.#registry.create(config, { iceServers, relayOnly: this.relayOnly });
    } catch (error) {
      this.#report(toFriendsChatError(error, 'bad-signaling'));
      return this.#registry.create(parseSignalingUrl(DEFAULT_SIGNALING), { iceServers, relayOnly: this.relayOnly });
    }
  }

  #restart(): void {
    this.#stopEngine();
    const generation = ++this.#generation;
    this._signalingState = 'starting';
    void (async () => {
      try {
        const live = (): boolean => generation === this.#generation;
        if (this.storage !== 'memory') {
          const lock = lockProfile(`friends-chat:${this.profile}`, () => {
            if (live()) this._elsewhere = true;
          });
          this.#lock = lock;
          await lock.acquired;
          if (!live()) {
            lock.release();
            return;
          }
          this._elsewhere = false;
        }
        const signaling = this.#createSignaling();
        this.#signaling = signaling;
        const engine = await ChatEngine.open({
          store: this.#storeFor(),
          signaling,
          displayName: () => this.displayName,
          privacy: () => ({ typing: !this.noTypingIndicators, receipts: !this.noReadReceipts }),
          onError: (error) => live() && this.#report(error),
          onSignalingState: (state) => {
            if (live()) this._signalingState = state;
          },
          onFriendRequest: (contact) => live() && this.dispatchEvent(new FriendsChatFriendRequestEvent(this.#info(contact))),
          onFriend: (contact) => live() && this.dispatchEvent(new FriendsChatFriendEvent(this.#info(contact))),
          onPresence: (id, presence) => live() && this.dispatchEvent(new FriendsChatPresenceEvent(id, presence)),
          onMessage: (message) => live() && this.#onMessage(message),
          onMessageStatus: (friendId, id, status, reason) => live() && this.#onStatus(friendId, id, status, reason),
          onWarning: (reason, peer, detail) => live() && this.dispatchEvent(new FriendsChatSecurityWarningEvent(reason, peer, detail)),
          onTyping: (friendId, typing) => live() && this.#onTyping(friendId, typing),
          onFileProgress: (progress) => live() && this.#onFileProgress(progress),
          maxFileSize: () => this.#maxFileSize,
          onChange: () => live() && this.#scheduleRefresh(),
        });
        if (generation !== this.#generation || !this.isConnected) {
          engine.stop();
          return;
        }
        this.#engine = engine;
        this._profileId = engine.identity.profileId;
        this._signalingState = engine.signalingState;
        await this.#refresh();
        this.#resolveReady();
        this.dispatchEvent(new FriendsChatReadyEvent(engine.identity.profileId));
      } catch (error) {
        if (generation === this.#generation) this.#report(toFriendsChatError(error, 'storage-failed'));
      }
    })();
  }

  #stopEngine(): void {
    this.#generation++;
    const engine = this.#engine;
    this.#engine = null;
    engine?.stop();
    this.#lock?.release();
    this.#lock = null;
  }

  #reportOnce(key: string, error: FriendsChatError): void {
    const tag = `${key}:${error.message}`;
    if (this.#reported.has(tag)) return;
    this.#reported.add(tag);
    this.#report(error);
  }

  /** Errors become a `friends-chat-error` event and a line in the UI; never a throw. */
  #report(error: FriendsChatError): void {
    this._lastError = error;
    try {
      this.dispatchEvent(new FriendsChatErrorEvent(error));
    } catch {
      // a page listener that throws must not break the widget
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'friends-chat': FriendsChatElement;
  }
}
