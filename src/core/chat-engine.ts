import { FriendsChatError, toFriendsChatError } from '../errors.js';
import type { Presence } from '../model/index.js';
import type { SecurityWarningReason } from '../model/index.js';
import { openBackup, sealBackup } from '../identity/backup.js';
import { IDENTITY_KEY, Identity } from '../identity/identity.js';
import { safetyNumber } from '../identity/safety-number.js';
import { directConversationId } from '../log/conversation-id.js';
import { ConversationLog } from '../log/conversation-log.js';
import { checkEntryShape, createEntry, MAX_TEXT_BYTES, verifyEntry, type Entry } from '../log/entry.js';
import { decodeJsonBody, encodeJsonFrame, FrameType } from '../session/frame.js';
import type { SecureSession } from '../session/secure-session.js';
import type { Store } from '../storage/store.js';
import type { Signaling, SignalingState } from '../transport/signaling.js';
import { fromHex, fromUtf8, toHex, utf8 } from '../util/bytes.js';
import { Connections } from './connections.js';
import { Contacts, type Contact } from './contacts.js';
import { buildManifest, checkFileSize, DEFAULT_MAX_FILE_SIZE, encodeManifest, parseManifest } from './file-manifest.js';
import { FileTransfers, type FileProgress, type StoredFile } from './files.js';
import { emptyFrame, entriesFrame, friendRequestFrame, headsFrame, receiptFrame, typingFrame } from './frames.js';
import { decodeInvite, encodeInvite, Invites, isProfileId } from './invite.js';
import { toMessage, type ChatMessage, type MessageStatus } from './message.js';

export interface ChatEngineEvents {
  onError(error: FriendsChatError): void;
  onSignalingState(state: SignalingState): void;
  onFriendRequest(contact: Contact): void;
  onFriend(contact: Contact): void;
  onPresence(friendId: string, presence: Presence): void;
  onMessage(message: ChatMessage): void;
  onMessageStatus(friendId: string, messageId: string, status: MessageStatus, reason?: string): void;
  onWarning(reason: SecurityWarningReason, peer: string, detail: string): void;
  onTyping(friendId: string, typing: boolean): void;
  onFileProgress(progress: FileProgress): void;
  /** Something the UI shows changed (contacts, expiry, unread counts). */
  onChange(): void;
}

export interface ChatEngineOptions extends ChatEngineEvents {
  store: Store;
  signaling: Signaling;
  displayName: () => string;
  privacy: () => { typing: boolean; receipts: boolean };
  /** The largest file sent or accepted (default 1 GiB). */
  maxFileSize?: () => number;
  now?: () => number;
  heartbeatInterval?: number;
  deadAfter?: number;
  /** Reconnect back-off bounds in ms (tests shorten them). */
  backoff?: { min: number; max: number };
  handshakeTimeout?: number;
}

/** Per-friend receipt state, persisted: how far each side has got. */
interface Receipts {
  /** My entries the friend holds (highest contiguous seq). */
  delivered: number;
  /** My entries the friend has read. */
  read: number;
  /** Their entries I have read. */
  myRead: number;
}

/** Entry batches fit one ≤ 16 KiB wire message, so every message that arrives is progress. */
const MAX_BATCH_BYTES = 15 * 1024;
/** Own entries sent ahead of the friend's last confirmation. */
const SEND_WINDOW = 256;
/** A gap asks the friend for its entries again, but not more often than this (ms). */
const GAP_HEADS_INTERVAL = 50;
/** What is resent when something seems lost: the first missing entries only. */
const RESEND_BATCH = 24;
/** Verified entries that arrived ahead of a gap, held until it fills. */
const MAX_EARLY_ENTRIES = 1024;

/**
 * The chat engine of one widget: identity, contacts, invites, connections, conversation
 * logs and their sync. No DOM; all I/O goes through the ports it was given, so tests run
 * it over the loopback network.
 */
export class ChatEngine {
  readonly identity: Identity;
  readonly contacts: Contacts;
  readonly #o: ChatEngineOptions;
  readonly #invites: Invites;
  readonly #connections: Connections;
  readonly #files: FileTransfers;
  readonly #logs = new Map<string, Promise<ConversationLog>>();
  readonly #receipts = new Map<string, Receipts>();
  /** Own entries transmitted on a live session in this run ('sent'). */
  readonly #sent = new Set<string>();
  readonly #sendQueues = new Map<string, Promise<unknown>>();
  /** Own entries the friend has not confirmed yet, in seq order (loaded on first use). */
  readonly #outboxes = new Map<string, Promise<Entry[]>>();
  /** Per session: own entries sent up to this seq, when progress was last seen, last gap ask. */
  readonly #early = new Map<string, Map<number, Entry>>();
  readonly #windows = new WeakMap<SecureSession, { until: number; delivered: number; stalledBeats: number; headsAt: number }>();
  readonly #expiryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #unsubscribe: (() => void)[] = [];
  readonly #now: () => number;
  #stopped = false;

  private constructor(identity: Identity, contacts: Contacts, invites: Invites, options: ChatEngineOptions) {
    this.identity = identity;
    this.contacts = contacts;
    this.#invites = invites;
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#files = new FileTransfers({
      store: options.store,
      session: (id) => this.#connections.session(id),
      conversationOf: (id) => this.conversationOf(id),
      maxFileSize: options.maxFileSize ?? (() => DEFAULT_MAX_FILE_SIZE),
      onProgress: options.onFileProgress,
      onError: options.onError,
      onWarning: (peer, detail) => options.onWarning('bad-frame', peer, detail),
      send: (session, type, value) => this.#trySend(session, type, value),
    });
    this.#connections = new Connections({
      identity,
      signaling: options.signaling,
      displayName: options.displayName,
      inviteFor: (id) => {
        const invite = this.contacts.get(id)?.invite;
        return invite ? { id: fromHex(invite.id), secret: fromHex(invite.secret) } : undefined;
      },
      // sec: invites are reserved at first use; dials expect the pinned key; pairwise rendezvous (docs/rendezvous.md).
      resolveInvite: (id) => this.#invites.reserve(id),
      releaseInvite: (id) => this.#invites.release(id),
      pinnedKeys: (id) => {
        const c = this.contacts.get(id);
        return [c?.pinnedKey, c?.changedKey].filter((k): k is string => !!k).map(fromHex);
      },
      pairSecret: (id) => {
        const c = this.contacts.get(id);
        return c?.state === 'friend' && c.rendezvous ? fromHex(c.rendezvous) : undefined;
      },
      onPaired: (session, secret) => void this.#paired(session, secret),
      admit: (session) => this.#admit(session),
      onSession: (session) => this.#onSession(session),
      onBeat: (session) => void this.#onBeat(session),
      onPresence: (id, presence) => {
        options.onPresence(id, presence);
        options.onChange();
      },
      onWarning: options.onWarning,
      onError: options.onError,
      ...(options.heartbeatInterval ? { heartbeatInterval: options.heartbeatInterval } : {}),
      ...(options.deadAfter ? { deadAfter: options.deadAfter } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.handshakeTimeout ? { handshakeTimeout: options.handshakeTimeout } : {}),
    });
  }

  /** Loads (or creates) the identity and contacts, then starts signaling and dialling. */
  static async open(options: ChatEngineOptions): Promise<ChatEngine> {
    const now = options.now ?? Date.now;
    const identity = await Identity.load(options.store);
    const [contacts, invites] = await Promise.all([Contacts.load(options.store), Invites.load(options.store, now)]);
    const engine = new ChatEngine(identity, contacts, invites, options);
    await engine.#start();
    return engine;
  }

  get signalingState(): SignalingState {
    return this.#o.signaling.state;
  }

  /** File pieces dropped as bad, and file bytes sent (for tests and the benchmarks). */
  get fileStats(): { dropped: FileTransfers['dropped']; sent: FileTransfers['sent'] } {
    return { dropped: this.#files.dropped, sent: this.#files.sent };
  }

  /** The one-to-one conversation with a friend. */
  conversationOf(friendId: string): string {
    return directConversationId(this.identity.profileId, friendId);
  }

  presence(friendId: string): Presence {
    return this.#connections.presence(friendId);
  }

  nudge(): void {
    this.#o.signaling.nudge();
    this.#connections.retryAll();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const off of this.#unsubscribe.splice(0)) off();
    for (const timer of this.#expiryTimers.values()) clearTimeout(timer);
    this.#files.stop();
    this.#connections.stop();
    this.#o.signaling.close();
  }

  // ---- friends ----------------------------------------------------------------------

  async createInvite(): Promise<string> {
    return encodeInvite(await this.#invites.create(this.identity.profileId));
  }

  async addFriend(inviteOrProfileId: string, note?: string): Promise<Contact> {
    if (typeof inviteOrProfileId !== 'string') throw new FriendsChatError('bad-input', 'addFriend needs an invite or a profile ID');
    if (note !== undefined && (typeof note !== 'string' || note.length > 500)) throw new FriendsChatError('bad-input', 'the note must be text of at most 500 characters');
    const text = inviteOrProfileId.trim();
    let id: string;
    let invite: Contact['invite'];
    if (isProfileId(text.toLowerCase())) {
      id = text.toLowerCase();
    } else {
      const decoded = decodeInvite(text);
      id = decoded.profileId;
      invite = { id: decoded.id, secret: decoded.secret };
    }
    if (id === this.identity.profileId) throw new FriendsChatError('bad-input', 'that is your own profile');
    const existing = this.contacts.get(id);
    if (existing?.state === 'friend') return existing;
    if (existing?.state === 'blocked') throw new FriendsChatError('blocked', 'you blocked this profile; unblock it first');
    if (existing?.state === 'incoming') return this.acceptFriend(id);
    const contact = await this.contacts.put({
      id,
      name: existing?.name ?? '',
      state: 'outgoing',
      verified: false,
      createdAt: this.#now(),
      ...(note ? { note } : {}),
      ...(invite ? { invite } : {}),
    });
    this.#o.onChange();
    const session = this.#connections.session(id);
    if (session && !session.closed) this.#sendRequest(session, contact);
    this.#connections.want(id);
    return contact;
  }

  async acceptFriend(id: string): Promise<Contact> {
    const contact = this.#requireContact(id);
    if (contact.state === 'friend') return contact;
    if (contact.state !== 'incoming') throw new FriendsChatError('bad-input', 'there is no request from this profile');
    const session = this.#connections.session(id);
    const accepted = await this.contacts.update(id, {
      state: 'friend',
      ...(session ? { pinnedKey: toHex(session.peerStaticKey) } : {}),
    });
    this.#o.onFriend(accepted!);
    this.#o.onChange();
    const promoted = this.#connections.promote(id);
    if (promoted) this.#greet(promoted);
    else this.#connections.want(id);
    return accepted!;
  }

  async declineFriend(id: string): Promise<void> {
    const contact = this.#requireContact(id);
    if (contact.state !== 'incoming') throw new FriendsChatError('bad-input', 'there is no request from this profile');
    this.#trySend(this.#connections.session(id), FrameType.FriendDecline, {});
    await this.contacts.remove(id);
    this.#connections.drop(id);
    this.#o.onChange();
  }

  async removeFriend(id: string): Promise<void> {
    this.#requireContact(id);
    await this.#failPending(id, 'removed');
    await this.contacts.remove(id);
    this.#connections.drop(id);
    this.#o.onChange();
  }

  async block(id: string): Promise<void> {
    if (!isProfileId(String(id))) throw new FriendsChatError('bad-input', 'block needs a profile ID');
    if (id === this.identity.profileId) throw new FriendsChatError('bad-input', 'that is your own profile');
    await this.#failPending(id, 'blocked');
    const existing = this.contacts.get(id);
    await this.contacts.put({ id, name: existing?.name ?? '', state: 'blocked', verified: false, createdAt: existing?.createdAt ?? this.#now() });
    this.#connections.drop(id);
    this.#o.onChange();
  }

  safetyNumber(id: string): string {
    this.#requireContact(id);
    return safetyNumber(this.identity.profileId, id);
  }

  /** The user compared safety numbers: mark verified, and accept a changed key. */
  async verifyFriend(id: string): Promise<Contact> {
    const contact = this.#requireContact(id);
    if (contact.state !== 'friend') throw new FriendsChatError('bad-input', 'only friends can be verified');
    const next = await this.contacts.update(id, {
      verified: true,
      ...(contact.changedKey ? { pinnedKey: contact.changedKey, changedKey: undefined } : {}),
    });
    this.#o.onChange();
    return next!;
  }

  // ---- messages -----------------------------------------------------------------------

  sendMessage(friendId: string, text: string, options: { expiresIn?: number } = {}): Promise<ChatMessage> {
    if (typeof text !== 'string' || text.trim() === '') return Promise.reject(new FriendsChatError('empty-message', 'the message is empty'));
    if (utf8(text).length > MAX_TEXT_BYTES) return Promise.reject(new FriendsChatError('message-too-large', 'the message is longer than 64 KiB'));
    const { expiresIn } = options ?? {};
    if (expiresIn !== undefined && (!Number.isFinite(expiresIn) || expiresIn < 1000 || expiresIn > 365 * 86400000)) {
      return Promise.reject(new FriendsChatError('bad-input', 'expiresIn must be between 1 second and 1 year, in ms'));
    }
    try {
      this.#requireSendable(friendId);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#appendOwn(friendId, 'text', text, expiresIn);
  }

  /**
   * Sends a file: its manifest (name, size, type, SHA-256 of the whole and of every chunk)
   * goes through the log like a message; the friend then fetches the chunks.
   */
  async sendFile(friendId: string, blob: Blob, name?: string): Promise<ChatMessage> {
    if (!(blob instanceof Blob)) throw new FriendsChatError('bad-input', 'sendFile needs a Blob or File');
    this.#requireSendable(friendId);
    checkFileSize(blob.size, this.#o.maxFileSize?.() ?? DEFAULT_MAX_FILE_SIZE);
    const fileName = name ?? (blob instanceof File ? blob.name : '');
    let manifest;
    try {
      manifest = await buildManifest(blob, fileName);
    } catch (error) {
      throw new FriendsChatError('bad-input', 'the file could not be read', { cause: error });
    }
    return this.#appendOwn(friendId, 'file', encodeManifest(manifest), undefined, {
      before: (entry) => this.#files.addOutgoing(friendId, entry.id, blob, manifest),
      undo: (entry) => this.#files.dropOutgoing(entry.id),
    });
  }

  /** Stops a file transfer in either direction; the friend is told. */
  async cancelFile(friendId: string, messageId: string): Promise<void> {
    this.#requireContact(friendId);
    requireMessageId(messageId);
    const progress = await this.#files.progress(messageId);
    if (!progress || progress.friendId !== friendId) throw new FriendsChatError('bad-input', 'no such file in this conversation');
    await this.#files.cancel(messageId);
  }

  /** A file that is completely here (sent, or received and verified), or undefined. */
  async file(friendId: string, messageId: string): Promise<StoredFile | undefined> {
    this.#requireContact(friendId);
    requireMessageId(messageId);
    const progress = await this.#files.progress(messageId);
    if (!progress || progress.friendId !== friendId) return undefined;
    return this.#files.file(messageId);
  }

  #requireSendable(friendId: string): void {
    const contact = this.#requireContact(friendId);
    if (contact.state === 'blocked') throw new FriendsChatError('blocked', 'this profile is blocked');
    if (contact.state !== 'friend') throw new FriendsChatError('unknown-friend', 'you can only message friends');
    if (contact.changedKey) throw new FriendsChatError('key-changed', 'this friend’s key changed: verify the safety number first');
  }

  /** Signs, stores and sends an own entry; `hooks.before` runs once the ID is known, before it is stored. */
  #appendOwn(
    friendId: string,
    kind: 'text' | 'file',
    body: string,
    expiresIn?: number,
    hooks?: { before(entry: Entry): Promise<void>; undo(entry: Entry): Promise<void> },
  ): Promise<ChatMessage> {
    return this.#serialSend(friendId, async () => {
      const log = await this.#log(friendId);
      // Loaded before the append, so the new entry is added to it exactly once.
      const outbox = await this.#outbox(friendId);
      const mine = log.head(this.identity.profileId);
      const theirs = log.head(friendId);
      const now = this.#now();
      const entry = await createEntry(this.identity, {
        seq: (mine?.seq ?? 0) + 1,
        prev: mine?.id ?? '',
        deps: theirs ? [theirs.id] : [],
        clock: log.maxClock + 1,
        ts: Math.max(now, 0),
        kind,
        body,
        ...(expiresIn !== undefined ? { expiresAt: now + Math.round(expiresIn) } : {}),
      });
      await hooks?.before(entry);
      // Persisted before it is sent: a reload or crash never loses it.
      let result;
      try {
        result = await log.append(entry, now);
      } catch (error) {
        await hooks?.undo(entry);
        throw error;
      }
      if (result !== 'stored') {
        await hooks?.undo(entry);
        throw new FriendsChatError('internal', `could not store the message (${result})`);
      }
      this.#scheduleExpiry(friendId, log);
      const message = toMessage(entry, this.conversationOf(friendId), friendId, this.identity.profileId, 'sending', await this.#files.progress(entry.id));
      this.#o.onMessageStatus(friendId, entry.id, 'sending');
      outbox.push(entry);
      const session = this.#connections.session(friendId);
      if (session && !session.closed && this.contacts.isFriend(friendId)) await this.#pump(session, friendId, 'new');
      if (this.#sent.has(entry.id)) message.status = 'sent';
      return message;
    });
  }

  async history(friendId: string, options: { before?: string; limit?: number } = {}): Promise<ChatMessage[]> {
    this.#requireContact(friendId);
    const log = await this.#log(friendId);
    const entries = await log.history(options);
    const receipts = await this.#receiptsOf(friendId);
    return Promise.all(
      entries.map(async (e) =>
        toMessage(e, this.conversationOf(friendId), friendId, this.identity.profileId, this.#statusOf(e, receipts), e.kind === 'file' ? await this.#files.progress(e.id) : undefined),
      ),
    );
  }

  /** How many entries the conversation with a friend holds. */
  async count(friendId: string): Promise<number> {
    return (await this.#log(friendId)).count;
  }

  /** Unread messages from a friend. */
  async unread(friendId: string): Promise<number> {
    const log = await this.#log(friendId);
    const receipts = await this.#receiptsOf(friendId);
    return Math.max(0, (log.head(friendId)?.seq ?? 0) - receipts.myRead);
  }

  /** The user has seen the conversation: everything so far is read. */
  async markRead(friendId: string): Promise<void> {
    if (!this.contacts.isFriend(friendId)) return;
    const log = await this.#log(friendId);
    const receipts = await this.#receiptsOf(friendId);
    const latest = log.head(friendId)?.seq ?? 0;
    if (latest <= receipts.myRead) return;
    receipts.myRead = latest;
    await this.#saveReceipts(friendId, receipts);
    if (this.#o.privacy().receipts) this.#trySend(this.#connections.session(friendId), FrameType.Receipt, { read: latest });
    this.#o.onChange();
  }

  setTyping(friendId: string, typing: boolean): void {
    if (!this.#o.privacy().typing || !this.contacts.isFriend(friendId)) return;
    this.#trySend(this.#connections.session(friendId), FrameType.Typing, { on: !!typing });
  }

  // ---- identity backup --------------------------------------------------------------------

  async exportIdentity(passphrase: string): Promise<string> {
    const record = this.identity.toRecord();
    const payload = {
      v: 1,
      sign: toHex(record.signSecret),
      dh: toHex(record.dhSecret),
      contacts: this.contacts.all(),
    };
    return sealBackup(utf8(JSON.stringify(payload)), passphrase);
  }

  /**
   * Checks a backup completely, then writes identity and contacts in one transaction.
   * Returns the restored profile ID; the caller restarts the engine with it.
   */
  static async importIdentity(store: Store, backup: string, passphrase: string): Promise<string> {
    const plaintext = await openBackup(backup, passphrase);
    let parsed: { v?: unknown; sign?: unknown; dh?: unknown; contacts?: unknown };
    try {
      parsed = JSON.parse(fromUtf8(plaintext));
    } catch {
      throw new FriendsChatError('bad-backup', 'backup content is malformed');
    }
    if (parsed.v !== 1 || typeof parsed.sign !== 'string' || typeof parsed.dh !== 'string' || !Array.isArray(parsed.contacts)) {
      throw new FriendsChatError('bad-backup', 'backup content is malformed');
    }
    let identity: Identity;
    try {
      identity = Identity.fromRecord({ v: 1, signSecret: fromHex(parsed.sign), dhSecret: fromHex(parsed.dh) });
    } catch {
      throw new FriendsChatError('bad-backup', 'backup keys are malformed');
    }
    const contacts = parsed.contacts.filter(
      (c): c is Contact =>
        typeof c === 'object' && c !== null && isProfileId((c as Contact).id) && typeof (c as Contact).state === 'string',
    );
    if (contacts.length !== parsed.contacts.length) throw new FriendsChatError('bad-backup', 'backup contacts are malformed');
    await store.setMany([
      [IDENTITY_KEY, identity.toRecord()],
      ['contacts', contacts],
    ]);
    return identity.profileId;
  }

  // ---- sessions and frames ------------------------------------------------------------------

  async #start(): Promise<void> {
    const { signaling, onError, onSignalingState } = this.#o;
    this.#unsubscribe.push(signaling.onError(onError), signaling.onState(onSignalingState), signaling.onWarning(this.#o.onWarning));
    for (const contact of this.contacts.all()) {
      if (contact.state === 'friend') {
        const log = await this.#log(contact.id);
        await log.expire(this.#now());
        this.#scheduleExpiry(contact.id, log);
      }
    }
    try {
      signaling.start(this.identity.rendezvousId);
    } catch (error) {
      onError(toFriendsChatError(error, 'signaling-failed'));
    }
    for (const contact of this.contacts.all()) {
      if (contact.state === 'friend' || contact.state === 'outgoing') this.#connections.want(contact.id);
    }
  }

  #admit(session: SecureSession): 'accept' | 'stranger' | 'refuse' {
    const id = session.peer.profileId;
    const contact = this.contacts.get(id);
    if (session.inviteId) void this.#invites.consume(session.inviteId);
    if (!contact || contact.state === 'declined') return contact ? 'refuse' : 'stranger';
    if (contact.state === 'blocked') return 'refuse';
    if (contact.state === 'incoming') return 'stranger';
    const key = toHex(session.peerStaticKey);
    if (contact.state === 'friend') {
      if (!contact.pinnedKey) {
        void this.contacts.update(id, { pinnedKey: key });
      } else if (contact.pinnedKey !== key && contact.changedKey !== key) {
        void this.contacts.update(id, { changedKey: key, verified: false });
        this.#o.onWarning('key-changed', id, 'this friend’s key changed; sending is paused until you verify them');
        this.#o.onChange();
      }
    }
    if (session.peer.displayName && session.peer.displayName !== contact.name) {
      void this.contacts.update(id, { name: session.peer.displayName });
    }
    return 'accept';
  }

  /**
   * sec: keeps the pair secret from the first session with a contact that carries its pinned
   * key (or comes before the pin); set once, so a later key change does not split the two.
   */
  async #paired(session: SecureSession, secret: string): Promise<void> {
    const c = this.contacts.get(session.peer.profileId);
    if (!c || (c.state !== 'friend' && c.state !== 'outgoing') || c.rendezvous) return;
    if (c.pinnedKey && c.pinnedKey !== toHex(session.peerStaticKey)) return;
    await this.contacts.update(c.id, { rendezvous: secret });
    this.#connections.relisten();
  }

  #onSession(session: SecureSession): void {
    const id = session.peer.profileId;
    session.onFrame((type, body) => {
      void this.#onFrame(session, type, body).catch((error) => {
        this.#o.onWarning('bad-frame', id, error instanceof Error ? error.message : 'bad frame');
        session.close('bad frame');
      });
    });
    this.#greet(session);
  }

  /** What a session starts with: our request, or (between friends) a yes and our heads. */
  #greet(session: SecureSession): void {
    const id = session.peer.profileId;
    const contact = this.contacts.get(id);
    if (contact?.state === 'outgoing') this.#sendRequest(session, contact);
    if (contact?.state === 'friend') {
      this.#trySend(session, FrameType.FriendAccept, {});
      void this.#sendHeads(session, id);
      void this.#files.onSession(session).catch((error) => this.#o.onError(toFriendsChatError(error, 'internal')));
    }
  }

  /**
   * Retransmission on a lossy link: a request not yet answered is asked again, and own
   * entries the friend has not confirmed are offered again (the friend drops duplicates
   * before checking any signature).
   */
  async #onBeat(session: SecureSession): Promise<void> {
    const id = session.peer.profileId;
    const contact = this.contacts.get(id);
    if (contact?.state === 'outgoing') {
      this.#sendRequest(session, contact);
      return;
    }
    if (contact?.state !== 'friend') return;
    await this.#files.onBeat(session);
    const window = this.#window(session);
    const { delivered } = await this.#receiptsOf(id);
    if ((await this.#outbox(id)).length === 0) return;
    // No confirmation since the last beat: what was sent may be lost; send it again.
    if (delivered === window.delivered && ++window.stalledBeats >= 2) {
      window.stalledBeats = 0;
      await this.#pump(session, id, 'resend');
    } else if (delivered !== window.delivered) {
      window.delivered = delivered;
      window.stalledBeats = 0;
    }
  }

  /**
   * Sends own unconfirmed entries within the window ahead of the friend's confirmation:
   * `new` sends what was not sent yet; `resend` sends the first unconfirmed entries again
   * (the friend holds later ones that arrived early, so only the gap needs filling).
   */
  async #pump(session: SecureSession, friendId: string, mode: 'new' | 'resend'): Promise<void> {
    const outbox = await this.#outbox(friendId);
    const window = this.#window(session);
    const { delivered } = await this.#receiptsOf(friendId);
    const from = mode === 'resend' ? delivered : Math.max(delivered, window.until);
    const to = mode === 'resend' ? delivered + RESEND_BATCH : delivered + SEND_WINDOW;
    // Own seqs are contiguous, so the outbox is indexed by seq − its first seq.
    const base = outbox[0]?.seq ?? 0;
    const due = outbox.slice(Math.max(0, from + 1 - base), Math.max(0, to + 1 - base));
    if (due.length === 0) return;
    window.until = Math.max(window.until, due.at(-1)!.seq);
    await this.#sendEntries(session, friendId, due);
  }

  #window(session: SecureSession): { until: number; delivered: number; stalledBeats: number; headsAt: number } {
    let window = this.#windows.get(session);
    if (!window) this.#windows.set(session, (window = { until: 0, delivered: -1, stalledBeats: 0, headsAt: -Infinity }));
    return window;
  }

  #outbox(friendId: string): Promise<Entry[]> {
    let outbox = this.#outboxes.get(friendId);
    if (!outbox) {
      outbox = (async () => {
        const log = await this.#log(friendId);
        const { delivered } = await this.#receiptsOf(friendId);
        return log.entriesAfter(this.identity.profileId, delivered);
      })();
      this.#outboxes.set(friendId, outbox);
      outbox.catch(() => this.#outboxes.delete(friendId));
    }
    return outbox;
  }

  #sendRequest(session: SecureSession, contact: Contact): void {
    this.#trySend(session, FrameType.FriendRequest, contact.note ? { note: contact.note } : {});
  }

  async #onFrame(session: SecureSession, type: number, body: Uint8Array): Promise<void> {
    const id = session.peer.profileId;
    const known = this.contacts.get(id);
    // Strangers (and those whose request we have not answered) are read per frame, not per session.
    const stranger = !known || known.state === 'incoming' || known.state === 'declined' || known.state === 'blocked';
    if (type === FrameType.Ping || type === FrameType.Pong) return;
    if (type === FrameType.FriendRequest) {
      const { note } = decodeJsonBody(body, friendRequestFrame);
      await this.#onFriendRequest(session, note);
      return;
    }
    // Strangers may send a friend request and nothing else: the rest is dropped unread.
    if (stranger) return;
    const contact = this.contacts.get(id);
    if (!contact) return;
    switch (type) {
      case FrameType.FriendAccept:
        decodeJsonBody(body, emptyFrame);
        if (contact.state === 'outgoing') await this.#becomeFriends(session, contact);
        return;
      case FrameType.FriendDecline:
        decodeJsonBody(body, emptyFrame);
        if (contact.state === 'outgoing') {
          await this.contacts.update(id, { state: 'declined', invite: undefined });
          this.#connections.drop(id);
          this.#o.onChange();
        }
        return;
    }
    if (contact.state !== 'friend') return;
    if (await this.#files.onFrame(session, type, body)) return;
    switch (type) {
      case FrameType.Heads:
        await this.#onHeads(session, id, decodeJsonBody(body, headsFrame));
        return;
      case FrameType.Entries:
        await this.#onEntries(session, id, decodeJsonBody(body, entriesFrame).entries);
        return;
      case FrameType.Receipt:
        await this.#onReceipt(id, decodeJsonBody(body, receiptFrame), session);
        return;
      case FrameType.Typing: {
        const { on } = decodeJsonBody(body, typingFrame);
        if (this.#o.privacy().typing) this.#o.onTyping(id, on);
        return;
      }
      default:
      // Unknown frame types are ignored: a newer friend may speak more than we do.
    }
  }

  async #onFriendRequest(session: SecureSession, note: string | undefined): Promise<void> {
    const id = session.peer.profileId;
    const contact = this.contacts.get(id);
    if (contact?.state === 'blocked' || contact?.state === 'declined') return;
    if (contact?.state === 'friend') {
      this.#trySend(session, FrameType.FriendAccept, {});
      return;
    }
    if (contact?.state === 'outgoing') {
      // We both asked: that is a yes from both sides.
      await this.#becomeFriends(session, contact);
      this.#trySend(session, FrameType.FriendAccept, {});
      return;
    }
    if (contact?.state === 'incoming') return;
    const request = await this.contacts.put({
      id,
      name: session.peer.displayName,
      state: 'incoming',
      verified: false,
      createdAt: this.#now(),
      ...(note ? { note } : {}),
      ...(session.inviteId ? { viaInvite: true } : {}),
    });
    this.#o.onFriendRequest(request);
    this.#o.onChange();
  }

  async #becomeFriends(session: SecureSession, contact: Contact): Promise<void> {
    const friend = await this.contacts.update(contact.id, { state: 'friend', invite: undefined, pinnedKey: toHex(session.peerStaticKey) });
    // A session that began as a stranger's (manual signaling, both adding at once) now counts.
    this.#connections.promote(contact.id);
    this.#o.onFriend(friend!);
    this.#o.onChange();
    await this.#sendHeads(session, contact.id);
  }

  async #sendHeads(session: SecureSession, friendId: string): Promise<void> {
    const log = await this.#log(friendId);
    const receipts = await this.#receiptsOf(friendId);
    const frame: { vv: Record<string, number>; read?: number } = { vv: log.versionVector() };
    if (this.#o.privacy().receipts) frame.read = receipts.myRead;
    this.#trySend(session, FrameType.Heads, frame);
  }

  /** The friend told us what they hold: send them what they lack, note what they got. */
  async #onHeads(session: SecureSession, friendId: string, heads: { vv: Record<string, number>; read?: number | undefined }): Promise<void> {
    const me = this.identity.profileId;
    await this.#onReceipt(friendId, { delivered: heads.vv[me] ?? 0, ...(heads.read !== undefined ? { read: heads.read } : {}) });
    const window = this.#window(session);
    if (window.until === 0) {
      // The first heads of a session: send everything they lack, window by window.
      await this.#pump(session, friendId, 'new');
    } else {
      // Mid-session heads report a gap: fill it.
      await this.#pump(session, friendId, 'resend');
    }
  }

  async #sendEntries(session: SecureSession, friendId: string, entries: Entry[]): Promise<void> {
    const now = this.#now();
    let batch: Entry[] = [];
    let size = 0;
    const flush = (): boolean => {
      if (batch.length === 0) return true;
      const ok = this.#trySend(session, FrameType.Entries, { entries: batch });
      if (ok) {
        for (const e of batch) {
          if (!this.#sent.has(e.id)) {
            this.#sent.add(e.id);
            this.#o.onMessageStatus(friendId, e.id, 'sent');
          }
        }
      }
      batch = [];
      size = 0;
      return ok;
    };
    for (const entry of entries) {
      // An expired entry travels without its body, so sync never brings it back.
      const wire = entry.expiresAt !== undefined && entry.expiresAt <= now ? { ...entry, body: undefined } : entry;
      const bytes = JSON.stringify(wire).length;
      if (size + bytes > MAX_BATCH_BYTES || batch.length >= 400) {
        if (!flush()) return;
      }
      batch.push(wire);
      size += bytes;
    }
    flush();
  }

  async #onEntries(session: SecureSession, friendId: string, values: unknown[]): Promise<void> {
    const me = this.identity.profileId;
    const log = await this.#log(friendId);
    let stored = 0;
    let gap = false;
    const checked: Entry[] = [];
    for (const value of values) {
      const shaped = checkEntryShape(value);
      if ('error' in shaped) {
        this.#o.onWarning('bad-frame', friendId, `refused an entry: ${shaped.error}`);
        continue;
      }
      if (shaped.entry.author !== friendId && shaped.entry.author !== me) {
        this.#o.onWarning('bad-frame', friendId, 'refused an entry by a third party');
        continue;
      }
      // Already held: a resend after a lost receipt. Skip before paying for a signature check.
      if (shaped.entry.seq <= (log.head(shaped.entry.author)?.seq ?? 0)) continue;
      const verified = await verifyEntry(shaped.entry, this.#now());
      if ('error' in verified) {
        this.#o.onWarning('bad-frame', friendId, `refused an entry: ${verified.error}`);
        continue;
      }
      const entry = verified.entry;
      if (entry.kind === 'file' && entry.body !== undefined) {
        try {
          parseManifest(entry.body);
        } catch (error) {
          this.#o.onWarning('bad-frame', friendId, `refused an entry: ${error instanceof Error ? error.message : 'bad manifest'}`);
          continue;
        }
      }
      checked.push(entry);
    }
    // The whole batch is stored with one write.
    const results = await log.appendMany(checked, this.#now());
    for (const [i, result] of results.entries()) {
      const entry = checked[i]!;
      if (result === 'stored') {
        stored++;
        await this.#onStored(friendId, entry);
      } else if (result === 'gap') {
        gap = true;
        const early = this.#early.get(friendId) ?? new Map<number, Entry>();
        this.#early.set(friendId, early);
        if (entry.author === friendId && early.size < MAX_EARLY_ENTRIES) early.set(entry.seq, entry);
      } else if (result !== 'duplicate') {
        this.#o.onWarning('bad-frame', friendId, `refused an entry (${result})`);
      }
    }
    if (stored) stored += await this.#drainEarly(log, friendId);
    if (stored) {
      this.#scheduleExpiry(friendId, log);
      this.#o.onChange();
    }
    const delivered = log.head(friendId)?.seq ?? 0;
    if (delivered > 0) this.#trySend(session, FrameType.Receipt, { delivered });
    if (gap) {
      const window = this.#window(session);
      if (performance.now() - window.headsAt > GAP_HEADS_INTERVAL) {
        window.headsAt = performance.now();
        await this.#sendHeads(session, friendId);
      }
    }
  }

  /** Appends held entries that now follow the friend's head; returns how many. */
  async #drainEarly(log: ConversationLog, friendId: string): Promise<number> {
    const early = this.#early.get(friendId);
    if (!early || early.size === 0) return 0;
    let count = 0;
    for (;;) {
      const head = log.head(friendId)?.seq ?? 0;
      for (const seq of early.keys()) if (seq <= head) early.delete(seq);
      const next = early.get(head + 1);
      if (!next) return count;
      early.delete(head + 1);
      if ((await log.append(next, this.#now())) !== 'stored') return count;
      count++;
      await this.#onStored(friendId, next);
    }
  }

  /** A friend's entry is in the log: tell the page, and start fetching a file's chunks. */
  async #onStored(friendId: string, entry: Entry): Promise<void> {
    if (entry.author !== friendId) return;
    if (entry.kind === 'file' && entry.body !== undefined) {
      try {
        await this.#files.addIncoming(friendId, entry.id, parseManifest(entry.body));
      } catch (error) {
        this.#o.onError(toFriendsChatError(error, 'storage-failed'));
      }
    }
    this.#o.onMessage(toMessage(entry, this.conversationOf(friendId), friendId, this.identity.profileId, undefined, entry.kind === 'file' ? await this.#files.progress(entry.id) : undefined));
  }

  async #onReceipt(
    friendId: string,
    receipt: { delivered?: number | undefined; read?: number | undefined },
    session?: SecureSession,
  ): Promise<void> {
    const receipts = await this.#receiptsOf(friendId);
    const log = await this.#log(friendId);
    const mine = log.head(this.identity.profileId)?.seq ?? 0;
    const delivered = Math.min(mine, Math.max(receipts.delivered, receipt.delivered ?? 0));
    const read = Math.min(delivered, Math.max(receipts.read, receipt.read ?? 0));
    if (delivered === receipts.delivered && read === receipts.read) return;
    const before = { ...receipts };
    receipts.delivered = delivered;
    receipts.read = read;
    await this.#saveReceipts(friendId, receipts);
    if (delivered > before.delivered) {
      const outbox = await this.#outbox(friendId);
      const confirmed = outbox.findIndex((e) => e.seq > delivered);
      const done = outbox.splice(0, confirmed === -1 ? outbox.length : confirmed);
      for (const entry of done) if (entry.seq > read) this.#o.onMessageStatus(friendId, entry.id, 'delivered');
    }
    if (read > before.read) {
      // Read receipts are rare (the friend opened the chat): a scan back to the last one is fine.
      for (const entry of await log.entriesAfter(this.identity.profileId, before.read)) {
        if (entry.seq <= read) this.#o.onMessageStatus(friendId, entry.id, 'read');
      }
    }
    this.#o.onChange();
    if (session && delivered > before.delivered) await this.#pump(session, friendId, 'new');
  }

  // ---- helpers ----------------------------------------------------------------------------

  #statusOf(entry: Entry, receipts: Receipts): MessageStatus | undefined {
    if (entry.author !== this.identity.profileId) return undefined;
    if (entry.seq <= receipts.read) return 'read';
    if (entry.seq <= receipts.delivered) return 'delivered';
    return this.#sent.has(entry.id) ? 'sent' : 'sending';
  }

  async #failPending(friendId: string, reason: string): Promise<void> {
    if (!this.contacts.isFriend(friendId)) return;
    // The outbox holds exactly the own entries the friend has not confirmed.
    for (const entry of await this.#outbox(friendId)) this.#o.onMessageStatus(friendId, entry.id, 'failed', reason);
  }

  #requireContact(id: string): Contact {
    if (typeof id !== 'string' || !isProfileId(id)) throw new FriendsChatError('bad-input', 'expected a 64-hex profile ID');
    const contact = this.contacts.get(id);
    if (!contact) throw new FriendsChatError('unknown-friend', 'no such friend');
    return contact;
  }

  #trySend(session: SecureSession | undefined, type: number, value: unknown): boolean {
    if (!session || session.closed) return false;
    try {
      session.send(type, encodeJsonFrame(type, value).subarray(1));
      return true;
    } catch {
      session.close('send failed');
      return false;
    }
  }

  #log(friendId: string): Promise<ConversationLog> {
    let log = this.#logs.get(friendId);
    if (!log) {
      log = ConversationLog.open(this.#o.store, friendId);
      this.#logs.set(friendId, log);
      log.catch(() => this.#logs.delete(friendId));
    }
    return log;
  }

  async #receiptsOf(friendId: string): Promise<Receipts> {
    let receipts = this.#receipts.get(friendId);
    if (!receipts) {
      receipts = (await this.#o.store.get<Receipts>(`receipts:${friendId}`)) ?? { delivered: 0, read: 0, myRead: 0 };
      this.#receipts.set(friendId, receipts);
    }
    return receipts;
  }

  #saveReceipts(friendId: string, receipts: Receipts): Promise<void> {
    return this.#o.store.set(`receipts:${friendId}`, receipts);
  }

  #serialSend<T>(friendId: string, run: () => Promise<T>): Promise<T> {
    const previous = this.#sendQueues.get(friendId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(run);
    this.#sendQueues.set(friendId, next);
    return next;
  }

  #scheduleExpiry(friendId: string, log: ConversationLog): void {
    clearTimeout(this.#expiryTimers.get(friendId));
    const at = log.nextExpiry();
    if (at === undefined || this.#stopped) return;
    const delay = Math.max(0, Math.min(at - this.#now(), 2 ** 31 - 1));
    this.#expiryTimers.set(
      friendId,
      setTimeout(() => {
        void log.expire(this.#now()).then((ids) => {
          if (ids.length) this.#o.onChange();
          this.#scheduleExpiry(friendId, log);
        });
      }, delay),
    );
  }
}

function requireMessageId(id: unknown): void {
  if (typeof id !== 'string' || !/^[0-9a-f]{64}$/.test(id)) throw new FriendsChatError('bad-input', 'expected a 64-hex message ID');
}
