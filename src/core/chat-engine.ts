import { FriendsChatError, toFriendsChatError } from '../errors.js';
import { buildManifest, checkFileSize, DEFAULT_MAX_FILE_SIZE, encodeManifest, parseManifest } from '../files/manifest.js';
import { FileTransfers, type StoredFile } from '../files/file-transfers.js';
import { Identity } from '../identity/identity.js';
import { safetyNumber } from '../identity/safety-number.js';
import { MAX_TEXT_BYTES, type Entry } from '../log/entry.js';
import { migrateStore } from '../log/migrate-v1.js';
import type { FileProgress, OwnProfile, Presence, SearchResult } from '../model/index.js';
import { FrameType } from '../session/frame.js';
import { fromHex } from '../util/bytes.js';
import type { SecureSession } from '../session/secure-session.js';
import { Keyspace } from '../storage/keyspace.js';
import type { Store } from '../storage/store.js';
import type { SignalingState } from '../transport/signaling.js';
import { checkIncoming, quoteOf } from './actions.js';
import { Connections } from './connections.js';
import { Contacts, type Contact } from './contacts.js';
import type { Conversation, OwnEntry } from './conversation.js';
import { Conversations } from './conversations.js';
import { deliver, type DeliverySink } from './delivery.js';
import type { ChatEngineOptions } from './engine-options.js';
import { FrameRouter } from './frame-router.js';
import { GroupFiles } from './group-files.js';
import { Groups } from './groups.js';
import { sendJson, typingFrame } from './frames.js';
import { Friendship } from './friendship.js';
import { exportIdentity, importIdentity } from './identity-backup.js';
import { checkExpiresIn, checkFileBody, checkText, requireMessageId } from './input-checks.js';
import { MailboxSink } from './mailbox.js';
import { Mailroom, type MailStats } from './mailroom.js';
import { MessageActions } from './message-actions.js';
import { OwnStatus, statusFrame, type StatusFrame } from './own-status.js';
import { decodeInvite, encodeInvite, Invites } from './invite.js';
import { toMessage, type ChatMessage, type MessageStatus } from './message.js';
import { checkQuery, historySource, logSource, searchSources } from './search.js';
import { SessionSync } from './session-sync.js';

export type { ChatEngineEvents, ChatEngineOptions } from './engine-options.js';

/**
 * The chat engine of one widget: wires identity, contacts, invites, connections, the frame
 * router, the friendship state machine, conversations and their sync, and files. No DOM;
 * all I/O goes through the ports it was given, so tests run it over the loopback network.
 * Its methods check the page's input and reject with a `FriendsChatError`.
 */
export class ChatEngine {
  readonly identity: Identity;
  readonly contacts: Contacts;
  readonly #o: ChatEngineOptions;
  readonly #invites: Invites;
  readonly #connections: Connections;
  readonly #files: FileTransfers;
  readonly #groupFiles: GroupFiles;
  readonly #friendship: Friendship;
  readonly #conversations: Conversations;
  readonly #sync: SessionSync;
  readonly #router: FrameRouter;
  /** Carriers of own entries, tried in order: the live session first. */
  readonly #sinks: DeliverySink[];
  readonly #mailroom: Mailroom | undefined;
  readonly #mailbox: MailboxSink | undefined;
  readonly #unsubscribe: (() => void)[] = [];
  /** The own status and about text, told to friends only. */
  readonly #own: OwnStatus;
  /** Reactions, edits and deletions of messages (replies go through sendMessage). */
  readonly actions: MessageActions;
  #stopped = false;
  /** The groups (docs/groups.md); group IDs go wherever a friend ID goes for messages. */
  groups!: Groups;

  private constructor(identity: Identity, contacts: Contacts, invites: Invites, own: OwnStatus, options: ChatEngineOptions) {
    this.identity = identity;
    this.#own = own;
    this.contacts = contacts;
    this.#invites = invites;
    this.#o = options;
    const now = options.now ?? Date.now;
    this.#conversations = new Conversations({
      store: options.store,
      identity,
      now,
      onMessageStatus: (c, id, status, reason) => options.onMessageStatus(c.friendId, id, status, reason),
      onExpired: (c, ids) => void this.#onExpired(c, ids),
    });
    this.#files = new FileTransfers({
      store: options.store,
      session: (id) => this.#liveSession(id),
      conversationOf: (id) => this.conversationOf(id),
      maxFileSize: options.maxFileSize ?? (() => DEFAULT_MAX_FILE_SIZE),
      ...(options.autoDownloadLimit ? { autoDownloadLimit: options.autoDownloadLimit } : {}),
      onProgress: (p) => options.onFileProgress(this.#groupFiles.view(p)),
      onError: options.onError,
      onWarning: (peer, detail) => options.onWarning('bad-frame', peer, detail),
      shares: (owner, peer) => this.#groupFiles.shares(owner, peer),
      send: sendJson,
    });
    this.#groupFiles = new GroupFiles(
      this.#files,
      (g, id) => !!this.groups?.isMember(g, id),
      (id) => contacts.isFriend(id),
      (error) => options.onError(toFriendsChatError(error, 'storage-failed')),
    );
    this.#friendship = new Friendship({
      me: identity.profileId,
      contacts,
      invites,
      connections: () => this.#connections,
      now,
      send: sendJson,
      onFriendSession: (session) => this.#startSync(session),
      onLost: (id, reason) => this.#forget(id, reason),
      onFriendRequest: options.onFriendRequest,
      onFriend: options.onFriend,
      onWarning: options.onWarning,
      onChange: options.onChange,
    });
    this.#sync = new SessionSync({
      conversation: (session, id) => {
        const conversation = this.#conversations.direct(session.peer.profileId);
        return conversation.id === id ? conversation : undefined;
      },
      session: (peer) => this.#liveSession(peer),
      send: sendJson,
      receiptsOn: () => options.privacy().receipts,
      now,
      monotonic: options.monotonic ?? (() => performance.now()),
      checkBody: async (entry, c, batch) => checkFileBody(entry) ?? checkIncoming(entry, await c.log(), batch),
      onStored: (conversation, entry) => this.#onStored(conversation, entry),
      onMessageStatus: (c, id, status) => options.onMessageStatus(c.friendId, id, status),
      onWarning: options.onWarning,
      onChange: options.onChange,
    });
    this.#sinks = [this.#sync];
    if (options.mailbox) {
      const sink = new MailboxSink({ mailbox: options.mailbox, identity, now, staticKey: (id) => this.#pinnedKey(id) });
      this.#sinks.push(sink);
      this.#mailbox = sink;
      this.#mailroom = new Mailroom({
        sink,
        store: options.store,
        group: (id, entries) => this.groups.receiveMail(id, entries),
        sync: this.#sync,
        contacts,
        conversation: (friendId) => this.#conversations.direct(friendId),
        live: (friendId) => !!this.#liveSession(friendId),
        onError: options.onError,
        onWarning: options.onWarning,
        monotonic: options.monotonic ?? (() => performance.now()),
        ...(options.mailLimit ? { limit: options.mailLimit } : {}),
      });
    }
    this.actions = new MessageActions({
      me: identity.profileId,
      log: (friendId) => this.#conversations.direct(friendId).log(),
      requireSendable: (friendId) => this.#friendship.requireSendable(friendId),
      append: (friendId, own) => this.#appendOwn(friendId, own),
      group: (friendId) => (this.groups?.has(friendId) ? this.groups : undefined),
    });
    this.#router = new FrameRouter((session) => this.#friendship.standing(session));
    this.#friendship.register(this.#router);
    this.#sync.register(this.#router);
    for (const type of [FrameType.FileChunk, FrameType.FileWant, FrameType.FileCancel]) {
      this.#router.onBinary(type, async (session, body) => void (await this.#files.onFrame(session, type, body)));
    }
    this.#router
      .onBinary(FrameType.Ping, () => {}, { audience: 'anyone' })
      .onBinary(FrameType.Pong, () => {}, { audience: 'anyone' })
      .on(FrameType.Typing, typingFrame, (session, { c, on }) => {
        const friendId = session.peer.profileId;
        if (c === this.conversationOf(friendId) && options.privacy().typing) options.onTyping(friendId, on);
      })
      .on(FrameType.Status, statusFrame, (session, value) => this.#onStatus(session.peer.profileId, value as StatusFrame));
    this.#connections = new Connections({
      identity,
      signaling: options.signaling,
      displayName: options.displayName,
      ...this.#friendship.connectionHooks(),
      admit: (session) => this.#friendship.admit(session),
      onSession: (session) => this.#onSession(session),
      onBeat: (session) => void this.#onBeat(session),
      onPresence: (id, presence) => {
        options.onPresence(id, this.#shown(id, presence));
        options.onChange();
      },
      onWarning: options.onWarning,
      onError: options.onError,
      ...(options.heartbeatInterval ? { heartbeatInterval: options.heartbeatInterval } : {}),
      ...(options.deadAfter ? { deadAfter: options.deadAfter } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.handshakeTimeout ? { handshakeTimeout: options.handshakeTimeout } : {}),
      ...(options.maxFramesPerSecond ? { maxFramesPerSecond: options.maxFramesPerSecond } : {}),
    });
  }

  /**
   * Loads (or creates) the identity — unless the caller already loaded it from the same
   * store — and the contacts, migrates an older store, then starts signaling and dialling.
   */
  static async open(options: ChatEngineOptions, loaded?: Identity): Promise<ChatEngine> {
    const now = options.now ?? Date.now;
    const identity = loaded ?? (await Identity.load(options.store));
    const [contacts, invites, own] = await Promise.all([Contacts.load(options.store), Invites.load(options.store, now), OwnStatus.load(options.store)]);
    await migrateStore(
      options.store,
      identity.profileId,
      contacts.all().map((c) => c.id),
    );
    const engine = new ChatEngine(identity, contacts, invites, own, options);
    engine.groups = await Groups.load({
      store: options.store,
      identity,
      contacts,
      now,
      session: (peer) => engine.#liveSession(peer),
      send: sendJson,
      onGroup: (type, group) => options.onGroup?.(type, group),
      onMessage: options.onMessage,
      onMessageStatus: (g, id, status, reach) => options.onMessageStatus(g, id, status, undefined, reach),
      onWarning: options.onWarning,
      onChange: options.onChange,
      files: engine.#groupFiles,
      mail: (id, dh, entries) => void engine.#mailbox?.sendGroup(id, dh, entries).catch(() => {}),
    });
    engine.groups.register(engine.#router);
    await engine.#start();
    return engine;
  }

  /** Restores a backup into `store` (see identity-backup.ts); returns the restored profile ID. */
  static importIdentity(store: Store, backup: string, passphrase: string): Promise<string> {
    return importIdentity(store, backup, passphrase);
  }

  get signalingState(): SignalingState {
    return this.#o.signaling.state;
  }

  /** Friend requests from strangers not kept: over the rate limit, or the oldest beyond the cap. */
  get droppedRequests(): number {
    return this.#friendship.droppedRequests;
  }

  /** File pieces dropped as bad, and file bytes sent (for tests and the benchmarks). */
  /** What arrived through the mailbox and what of it was dropped, by reason (undefined without one). */
  get mailStats(): Readonly<MailStats> | undefined {
    return this.#mailroom?.stats;
  }

  get fileStats(): { dropped: FileTransfers['dropped']; sent: FileTransfers['sent'] } {
    return { dropped: this.#files.dropped, sent: this.#files.sent };
  }

  /** The one-to-one conversation with a friend. */
  conversationOf(friendId: string): string {
    return this.#conversations.direct(friendId).id;
  }

  /** A friend's pinned X25519 key by the rendezvous ID it listens at (sealed signaling). */
  staticKeyAt(rendezvousId: string): Uint8Array | undefined {
    return this.#friendship.staticKeyAt(rendezvousId);
  }

  /**
   * An opened mailbox envelope (see Mailroom): resolves once what it carried is stored, so
   * the broker is acknowledged only then.
   */
  receiveMail(payload: Uint8Array): Promise<void> {
    return this.#mailroom?.receive(payload) ?? Promise.resolve();
  }

  /** The mailbox is up: friends without a live session get what waits in their outboxes. */
  flushMailbox(): Promise<void> {
    return this.#mailroom?.flush() ?? Promise.resolve();
  }

  /** Adds a carrier for own entries, tried after the live session (the mailbox). */
  addSink(sink: DeliverySink): void {
    this.#sinks.push(sink);
  }

  /** A friend's presence as shown: `offline` while they are invisible, even with a live session. */
  presence(friendId: string): Presence {
    return this.#shown(friendId, this.#connections.presence(friendId));
  }

  /** The own status, status text and about text. */
  get ownProfile(): OwnProfile {
    return this.#own.get();
  }

  /** Checks and stores a change of the own status or about text, then tells every friend online. */
  async updateProfile(change: unknown): Promise<OwnProfile> {
    const profile = await this.#own.update(change);
    const frame = this.#own.frame();
    for (const c of this.contacts.all()) if (c.state === 'friend') sendJson(this.#liveSession(c.id), FrameType.Status, frame);
    return profile;
  }

  nudge(): void {
    this.#o.signaling.nudge();
    this.#connections.retryAll();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#conversations.stop();
    this.#files.stop();
    this.#connections.stop();
    this.#o.signaling.close();
  }

  // ---- friends ----------------------------------------------------------------------

  async createInvite(): Promise<string> {
    return encodeInvite(await this.#invites.create(this.identity.profileId));
  }

  /** Whether an invite of ours (or a link carrying one) can still be used: not used yet, not expired. */
  inviteOpen(invite: string): boolean {
    try {
      const parsed = decodeInvite(invite);
      return parsed.profileId === this.identity.profileId && this.#invites.isOpen(parsed.id);
    } catch {
      return false;
    }
  }

  addFriend(inviteOrProfileId: string, note?: string): Promise<Contact> {
    return this.#friendship.add(inviteOrProfileId, note);
  }

  acceptFriend(id: string): Promise<Contact> {
    return this.#friendship.accept(id);
  }

  declineFriend(id: string): Promise<void> {
    return this.#friendship.decline(id);
  }

  removeFriend(id: string): Promise<void> {
    return this.#friendship.remove(id);
  }

  block(id: string): Promise<void> {
    return this.#friendship.block(id);
  }

  safetyNumber(id: string): string {
    this.#friendship.require(id);
    return safetyNumber(this.identity.profileId, id);
  }

  verifyFriend(id: string): Promise<Contact> {
    return this.#friendship.verify(id);
  }

  // ---- messages -----------------------------------------------------------------------

  /** A text message; with `replyTo` (a message ID of the conversation) a reply that quotes it. */
  async sendMessage(friendId: string, text: string, options: { expiresIn?: number; replyTo?: string } = {}): Promise<ChatMessage> {
    if (this.groups.has(friendId)) return this.groups.sendMessage(friendId, text, options?.replyTo);
    checkText(text);
    const expiresIn = checkExpiresIn(options?.expiresIn);
    if (options?.replyTo !== undefined) return this.actions.act(friendId, 'reply', options.replyTo, text, expiresIn);
    this.#friendship.requireSendable(friendId);
    return this.#appendOwn(friendId, { kind: 'text', body: text, ...(expiresIn !== undefined ? { expiresIn } : {}) });
  }

  /**
   * Sends a file: its manifest (name, size, type, SHA-256 of the whole and of every chunk)
   * goes through the log like a message; the friend then fetches the chunks.
   */
  async sendFile(friendId: string, blob: Blob, name?: string, options: { expiresIn?: number } = {}): Promise<ChatMessage> {
    if (!(blob instanceof Blob)) throw new FriendsChatError('bad-input', 'sendFile needs a Blob or File');
    const expiresIn = checkExpiresIn(options?.expiresIn);
    const group = this.groups.has(friendId);
    if (!group) this.#friendship.requireSendable(friendId);
    checkFileSize(blob.size, this.#o.maxFileSize?.() ?? DEFAULT_MAX_FILE_SIZE);
    const fileName = name ?? (blob instanceof File ? blob.name : '');
    let manifest;
    try {
      manifest = await buildManifest(blob, fileName);
    } catch (error) {
      throw new FriendsChatError('bad-input', 'the file could not be read', { cause: error });
    }
    if (group) return this.groups.sendFile(friendId, blob, encodeManifest(manifest));
    return this.#appendOwn(friendId, {
      kind: 'file',
      body: encodeManifest(manifest),
      ...(expiresIn !== undefined ? { expiresIn } : {}),
      before: (entry) => this.#files.addOutgoing(friendId, entry.id, blob, manifest),
      undo: (entry) => this.#files.dropOutgoing(entry.id),
    });
  }

  /** Stops a file transfer in either direction; the friend is told. */
  async cancelFile(friendId: string, messageId: string): Promise<void> {
    if (!(await this.#fileProgress(friendId, messageId))) throw new FriendsChatError('bad-input', 'no such file in this conversation');
    await this.#files.cancel(messageId);
  }

  /** Fetches a friend's file that waits for the user (larger than the auto-download limit). */
  async downloadFile(friendId: string, messageId: string): Promise<void> {
    if ((await this.#fileProgress(friendId, messageId))?.direction !== 'receive') throw new FriendsChatError('bad-input', 'no such file from this friend');
    await this.#files.download(messageId);
  }

  /** A file that is completely here (sent, or received and verified), or undefined. */
  async file(friendId: string, messageId: string): Promise<StoredFile | undefined> {
    return (await this.#fileProgress(friendId, messageId)) ? this.#files.file(messageId) : undefined;
  }

  /** Older messages (`before`), or with `from` that message and the ones after it (not in groups). */
  async history(friendId: string, options: { before?: string; from?: string; limit?: number } = {}): Promise<ChatMessage[]> {
    if (this.groups.has(friendId)) return this.groups.history(friendId, options);
    this.#friendship.require(friendId);
    const conversation = this.#conversations.direct(friendId);
    const entries = await (await conversation.log()).history(options);
    const receipts = await conversation.receipts();
    return Promise.all(entries.map(async (e) => this.#toMessage(conversation, e, conversation.statusOf(e, receipts))));
  }

  /**
   * Messages whose text (or file name) holds `query`, ignoring case and accents, newest
   * first: in one conversation (`id`, a friend's or group's), else in all of them.
   */
  async search(query: string, options: { id?: string; limit?: number } = {}): Promise<SearchResult[]> {
    const folded = checkQuery(query);
    const limit = options?.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new FriendsChatError('bad-input', 'limit must be a whole number from 1 to 500');
    const id = options?.id;
    if (id !== undefined && !this.groups.has(id)) this.#friendship.require(id);
    const friends = id === undefined ? this.contacts.all().filter((c) => c.state !== 'incoming' && c.state !== 'blocked').map((c) => c.id) : this.groups.has(id) ? [] : [id];
    const groups = id === undefined ? this.groups.list().map((g) => g.id) : this.groups.has(id) ? [id] : [];
    const sources = await Promise.all(friends.map(async (f) => logSource(await this.#conversations.direct(f).log(), f)));
    for (const g of groups) sources.push(historySource(g, (o) => this.groups.history(g, o)));
    return searchSources(sources, folded, limit);
  }

  /** How many entries the conversation with a friend holds. */
  async count(friendId: string): Promise<number> {
    return (await this.#conversations.direct(friendId).log()).count;
  }

  /** Unread messages from a friend. */
  unread(friendId: string): Promise<number> {
    if (this.groups.has(friendId)) return Promise.resolve(this.groups.info(friendId).unread);
    return this.#conversations.direct(friendId).unread();
  }

  /** The user has seen the conversation: everything so far is read. */
  async markRead(friendId: string): Promise<void> {
    if (this.groups.has(friendId)) return this.groups.markRead(friendId);
    if (!this.contacts.isFriend(friendId)) return;
    const conversation = this.#conversations.direct(friendId);
    const read = await conversation.markRead();
    if (read === null) return;
    if (this.#o.privacy().receipts) sendJson(this.#liveSession(friendId), FrameType.Receipt, { c: conversation.id, read });
    this.#o.onChange();
  }

  /** The oldest unread message of a conversation (what `unread` counts), if any. */
  firstUnread(friendId: string): Promise<string | undefined> {
    if (this.groups.has(friendId)) return this.groups.firstUnread(friendId);
    return this.contacts.isFriend(friendId) ? this.#conversations.direct(friendId).firstUnread() : Promise.resolve(undefined);
  }

  /** What the composer held for a conversation ('' none): kept on this device, never sent. */
  async draft(id: string): Promise<string> {
    const text = await this.#o.store.get<unknown>(this.#draftKey(id));
    return typeof text === 'string' ? text : '';
  }

  /** Keeps (blank: forgets) a conversation's draft, cut to what one message may hold. */
  async saveDraft(id: string, text: string): Promise<void> {
    if (typeof text !== 'string') throw new FriendsChatError('bad-input', 'a draft is text');
    const key = this.#draftKey(id);
    // encodeInto stops before the first character that does not fit, never inside one.
    const { read } = new TextEncoder().encodeInto(text, new Uint8Array(MAX_TEXT_BYTES));
    return text.trim() ? this.#o.store.set(key, text.slice(0, read)) : this.#o.store.del(key);
  }

  #draftKey(id: string): string {
    if (this.groups.has(id)) return Keyspace.draft(id);
    this.#friendship.require(id);
    return Keyspace.draft(this.conversationOf(id));
  }

  setTyping(friendId: string, typing: boolean): void {
    if (!this.#o.privacy().typing || !this.contacts.isFriend(friendId)) return;
    sendJson(this.#liveSession(friendId), FrameType.Typing, { c: this.conversationOf(friendId), on: !!typing });
  }

  exportIdentity(passphrase: string): Promise<string> {
    return exportIdentity(this.identity, this.contacts.all(), passphrase);
  }

  // ---- internals ----------------------------------------------------------------------------

  async #start(): Promise<void> {
    const { signaling, onError, onSignalingState } = this.#o;
    this.#unsubscribe.push(signaling.onError(onError), signaling.onState(onSignalingState), signaling.onWarning(this.#o.onWarning));
    // Every log is expired at start (later ones on a timer); logs of removed contacts are gone.
    for (const contact of this.contacts.all()) await this.#conversations.direct(contact.id).expire();
    try {
      signaling.start(this.identity.rendezvousId);
    } catch (error) {
      onError(toFriendsChatError(error, 'signaling-failed'));
    }
    for (const contact of this.contacts.all()) {
      if (contact.state === 'friend' || contact.state === 'outgoing') this.#connections.want(contact.id);
    }
  }

  /** Signs, stores and hands an own entry to the first sink that can carry it. */
  #appendOwn(friendId: string, own: OwnEntry): Promise<ChatMessage> {
    const conversation = this.#conversations.direct(friendId);
    let message: ChatMessage | undefined;
    return conversation
      .appendOwn({
        ...own,
        after: async (entry) => {
          message = await this.#toMessage(conversation, entry, 'sending');
          if (this.contacts.isFriend(friendId)) await deliver(this.#sinks, conversation, friendId);
        },
      })
      .then((entry) => {
        if (conversation.sent.has(entry.id)) message!.status = 'sent';
        return message!;
      });
  }

  #onSession(session: SecureSession): void {
    const id = session.peer.profileId;
    session.onFrame((type, body) => {
      void this.#router.dispatch(session, type, body).catch((error) => {
        this.#o.onWarning('bad-frame', id, error instanceof Error ? error.message : 'bad frame');
        session.close('bad frame');
      });
    });
    this.#friendship.greet(session);
  }

  /** A friend's session: exchange heads, and resume files. */
  #startSync(session: SecureSession): void {
    sendJson(session, FrameType.Status, this.#own.frame());
    const conversation = this.#conversations.direct(session.peer.profileId);
    conversation.early.clear();
    void this.#sync.sendHeads(session, conversation).catch((error) => this.#o.onError(toFriendsChatError(error, 'storage-failed')));
    void this.#files.onSession(session).catch((error) => this.#o.onError(toFriendsChatError(error, 'internal')));
    this.groups.onSession(session);
  }

  async #onBeat(session: SecureSession): Promise<void> {
    this.#friendship.onBeat(session);
    const id = session.peer.profileId;
    if (!this.contacts.isFriend(id) || this.#friendship.quarantined(session)) return;
    await this.#files.onBeat(session);
    this.groups.onBeat(session);
    await this.#sync.onBeat(session, this.#conversations.direct(id));
  }

  /** A friend's entry is in the log: tell the page, and start fetching a file's chunks. */
  async #onStored(conversation: Conversation, entry: Entry): Promise<void> {
    if (entry.kind === 'file' && entry.body !== undefined) {
      try {
        await this.#files.addIncoming(conversation.friendId, entry.id, parseManifest(entry.body));
      } catch (error) {
        this.#o.onError(toFriendsChatError(error, 'storage-failed'));
      }
    }
    this.#o.onMessage(await this.#toMessage(conversation, entry));
  }

  /**
   * The friend is gone (removed or blocked): pending messages fail, then the conversation's
   * log, receipts and files are deleted and its state in memory is freed.
   */
  async #forget(friendId: string, reason: 'removed' | 'blocked'): Promise<void> {
    const conversation = this.#conversations.direct(friendId);
    await conversation.failPending(reason);
    const files = await conversation.destroy();
    for (const id of files) await this.#files.forget(id, reason);
    this.#conversations.forget(conversation.id);
  }

  /** Expired messages: their files go too, and the page is told so it can patch what it shows. */
  async #onExpired(conversation: Conversation, ids: string[]): Promise<void> {
    for (const id of ids) await this.#files.forget(id, 'expired').catch((error) => this.#o.onError(toFriendsChatError(error, 'storage-failed')));
    this.#o.onExpired?.(conversation.friendId, ids);
    this.#o.onChange();
  }

  async #toMessage(conversation: Conversation, entry: Entry, status?: MessageStatus): Promise<ChatMessage> {
    const progress = entry.kind === 'file' ? await this.#files.progress(entry.id) : undefined;
    const message = toMessage(entry, conversation.id, conversation.friendId, this.identity.profileId, status, progress);
    const log = entry.kind === 'reply' ? await conversation.log() : undefined;
    const quote = log && (await quoteOf(entry, (id) => log.find(id)));
    return quote ? { ...message, quote } : message;
  }

  /** Where a file of the conversation with `friendId` stands; undefined if it is not one of theirs. */
  async #fileProgress(friendId: string, messageId: string): Promise<FileProgress | undefined> {
    if (!this.groups.has(friendId)) this.#friendship.require(friendId);
    requireMessageId(messageId);
    const progress = await this.#files.progress(messageId);
    return progress && this.#groupFiles.view(progress).friendId === friendId ? progress : undefined;
  }

  /** A friend's Status frame (the router let only friends' through): kept on the contact, shown. */
  async #onStatus(friendId: string, value: StatusFrame): Promise<void> {
    const contact = this.contacts.get(friendId);
    if (!contact || JSON.stringify(contact.status) === JSON.stringify(value)) return;
    const before = this.presence(friendId);
    await this.contacts.update(friendId, { status: value });
    const after = this.presence(friendId);
    if (after !== before) this.#o.onPresence(friendId, after);
    this.#o.onChange();
  }

  #shown(friendId: string, presence: Presence): Presence {
    return this.contacts.get(friendId)?.status?.s === 'invisible' ? 'offline' : presence;
  }

  #pinnedKey(friendId: string): Uint8Array | undefined {
    const key = this.contacts.get(friendId)?.pinnedKey;
    return key ? fromHex(key) : undefined;
  }

  /** A friend's session that may carry the conversation: live, and with the pinned key. */
  #liveSession(peer: string): SecureSession | undefined {
    const session = this.contacts.isFriend(peer) ? this.#connections.session(peer) : undefined;
    return session && !session.closed && !this.#friendship.quarantined(session) ? session : undefined;
  }

}
