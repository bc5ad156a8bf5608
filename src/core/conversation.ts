import { FriendsChatError } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import { ConversationLog } from '../log/conversation-log.js';
import { createEntry, type Entry, type EntryKind } from '../log/entry.js';
import type { MessageStatus } from '../model/index.js';
import { Keyspace } from '../storage/keyspace.js';
import type { Store } from '../storage/store.js';
import { actionBody, isMessageKind } from './actions.js';
import { EarlyEntries } from './early-entries.js';
import { Serial } from '../util/serial.js';

/** How far each side of a one-to-one conversation has got, persisted. */
export interface Receipts {
  /** My entries the friend holds (highest contiguous seq). */
  delivered: number;
  /** My entries the friend has read. */
  read: number;
  /** Their entries I have read. */
  myRead: number;
  /**
   * The clock of my entry at `delivered`: the friend had seen everything up to it, so an
   * entry of theirs arriving later with a lower clock is back-dated, or very late.
   */
  deliveredClock?: number;
}

export interface ConversationContext {
  store: Store;
  identity: Identity;
  now: () => number;
  onMessageStatus(conversation: Conversation, messageId: string, status: MessageStatus, reason?: string): void;
  /** Entries lost their bodies at their expiry time. */
  onExpired(conversation: Conversation, ids: string[]): void;
}

/** What an own entry is made of; `before` runs once its ID is known, before it is stored. */
export interface OwnEntry {
  kind: EntryKind;
  body: string;
  expiresIn?: number;
  before?(entry: Entry): Promise<void>;
  undo?(entry: Entry): Promise<void>;
  /** Runs once the entry is stored and in the outbox, before the next own entry is made. */
  after?(entry: Entry): Promise<void>;
}

/**
 * One conversation: its log, receipts, outbox (own entries not yet confirmed), the
 * entries that arrived ahead of a gap, the queue own entries are appended in, and the
 * expiry timer. A one-to-one conversation has one peer, the friend; its ID is the one
 * both derive from their two keys (log/conversation-id.ts).
 */
export class Conversation {
  readonly id: string;
  /** The friend of this one-to-one conversation. */
  readonly friendId: string;
  /** Own entries transmitted on a live session in this run ('sent'). */
  readonly sent = new Set<string>();
  readonly early = new EarlyEntries();
  readonly #c: ConversationContext;
  #log: Promise<ConversationLog> | undefined;
  #receipts: Promise<Receipts> | undefined;
  #outbox: Promise<Entry[]> | undefined;
  #receiptsWrite: Promise<void> = Promise.resolve();
  #receiptsQueued: Promise<void> | null = null;
  readonly #queue = new Serial();
  #expiryTimer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(id: string, friendId: string, context: ConversationContext) {
    this.id = id;
    this.friendId = friendId;
    this.#c = context;
  }

  get me(): string {
    return this.#c.identity.profileId;
  }

  /** Who may author entries here: the two people of a one-to-one conversation. */
  mayAuthor(author: string): boolean {
    return author === this.friendId || author === this.me;
  }

  log(): Promise<ConversationLog> {
    if (!this.#log) {
      const log = ConversationLog.open(this.#c.store, this.id);
      this.#log = log;
      log.catch(() => (this.#log = undefined));
    }
    return this.#log;
  }

  receipts(): Promise<Receipts> {
    if (!this.#receipts) {
      const receipts = this.#c.store
        .get<Receipts>(Keyspace.receipts(this.id))
        .then((stored) => stored ?? { delivered: 0, read: 0, myRead: 0 });
      this.#receipts = receipts;
      receipts.catch(() => (this.#receipts = undefined));
    }
    return this.#receipts;
  }

  /**
   * Writes the (live, cached) receipts record. Writes coalesce: one that is still queued
   * behind another already carries the newest values.
   */
  saveReceipts(receipts: Receipts): Promise<void> {
    if (this.#receiptsQueued) return this.#receiptsQueued;
    const write = this.#receiptsWrite
      .catch(() => {})
      .then(() => {
        this.#receiptsQueued = null;
        return this.#c.store.set(Keyspace.receipts(this.id), receipts);
      });
    this.#receiptsQueued = this.#receiptsWrite = write;
    return write;
  }

  /** Own entries the friend has not confirmed yet, in seq order (loaded on first use). */
  outbox(): Promise<Entry[]> {
    if (!this.#outbox) {
      const outbox = (async () => {
        const log = await this.log();
        const { delivered } = await this.receipts();
        return log.entriesAfter(this.me, delivered);
      })();
      this.#outbox = outbox;
      outbox.catch(() => (this.#outbox = undefined));
    }
    return this.#outbox;
  }

  statusOf(entry: Entry, receipts: Receipts): MessageStatus | undefined {
    if (entry.author !== this.me) return undefined;
    if (entry.seq <= receipts.read) return 'read';
    if (entry.seq <= receipts.delivered) return 'delivered';
    return this.sent.has(entry.id) ? 'sent' : 'sending';
  }

  /**
   * Signs and stores an own entry, then adds it to the outbox: persisted before anything
   * sends it, so a reload or crash never loses it. Own entries are appended one at a time
   * (seq order); the next one is signed while the previous write is still on its way to
   * disk, so a burst shares commits (docs/speed.md).
   */
  appendOwn(own: OwnEntry): Promise<Entry> {
    const staged = this.serial(async () => {
      const log = await this.log();
      // Loaded before the append, so the new entry is added to it exactly once.
      const outbox = await this.outbox();
      const mine = log.head(this.me);
      const theirs = log.head(this.friendId);
      const now = this.#c.now();
      const entry = await createEntry(this.#c.identity, this.id, {
        seq: (mine?.seq ?? 0) + 1,
        prev: mine?.id ?? '',
        deps: theirs ? [theirs.id] : [],
        clock: log.maxClock + 1,
        ts: Math.max(now, mine?.ts ?? 0),
        kind: own.kind,
        body: own.body,
        ...(own.expiresIn !== undefined ? { expiresAt: now + Math.round(own.expiresIn) } : {}),
      });
      await own.before?.(entry);
      let appended;
      try {
        appended = await log.appendStaged([entry], now);
      } catch (error) {
        await own.undo?.(entry);
        throw error;
      }
      if (appended.results[0] !== 'stored') {
        await own.undo?.(entry);
        throw new FriendsChatError('internal', `could not store the message (${appended.results[0]})`);
      }
      return { entry, outbox, durable: appended.durable };
    });
    // Durable writes settle in seq order, so entries reach the outbox in seq order.
    return staged.then(async ({ entry, outbox, durable }) => {
      try {
        await durable;
      } catch (error) {
        await own.undo?.(entry);
        throw error;
      }
      this.#c.onMessageStatus(this, entry.id, 'sending');
      outbox.push(entry);
      await this.#erase([entry]);
      await own.after?.(entry);
      return entry;
    });
  }

  /**
   * Stores verified entries of others in one write, then those held ahead of a gap that
   * now follow. Returns the entries stored and whether a gap is left.
   */
  async accept(entries: Entry[]): Promise<{ stored: Entry[]; gap: boolean; refused: string[] }> {
    const log = await this.log();
    const lateBelow = (await this.receipts()).deliveredClock ?? 0;
    // Sorting before own entries the friend had confirmed holding: marked (stored so), so
    // nothing slips into old history unnoticed.
    const mark = (entry: Entry): Entry => (entry.clock < lateBelow ? { ...entry, late: true } : entry);
    const marked = entries.map(mark);
    const results = await log.appendMany(marked, this.#c.now());
    const stored: Entry[] = [];
    const refused: string[] = [];
    let gap = false;
    for (const [i, result] of results.entries()) {
      const entry = marked[i]!;
      if (result === 'stored') stored.push(entry);
      else if (result === 'gap') {
        gap = true;
        if (entry.author !== this.me) this.early.hold(entries[i]!);
      } else if (result !== 'duplicate') refused.push(result);
    }
    if (stored.length) {
      for (;;) {
        const held = this.early.next((author) => log.head(author)?.seq ?? 0);
        if (!held) break;
        const next = mark(held);
        if ((await log.append(next, this.#c.now())) !== 'stored') break;
        stored.push(next);
      }
      await this.#erase(stored);
    }
    return { stored, gap, refused };
  }

  /**
   * The friend confirmed what it holds or has read. Returns own entries newly delivered
   * and newly read, so the caller can report them and send more.
   */
  async applyReceipt(receipt: { delivered?: number | undefined; read?: number | undefined }): Promise<{ delivered: boolean; read: boolean }> {
    const receipts = await this.receipts();
    const log = await this.log();
    const mine = log.head(this.me)?.seq ?? 0;
    const delivered = Math.min(mine, Math.max(receipts.delivered, receipt.delivered ?? 0));
    const read = Math.min(delivered, Math.max(receipts.read, receipt.read ?? 0));
    if (delivered === receipts.delivered && read === receipts.read) return { delivered: false, read: false };
    // Loaded before the receipts change: a first load reads what is unconfirmed so far.
    const outbox = delivered > receipts.delivered ? await this.outbox() : null;
    const before = { ...receipts };
    receipts.delivered = delivered;
    receipts.read = read;
    let done: Entry[] = [];
    if (outbox) {
      const confirmed = outbox.findIndex((e) => e.seq > delivered);
      done = outbox.splice(0, confirmed === -1 ? outbox.length : confirmed);
      if (done.length) receipts.deliveredClock = Math.max(receipts.deliveredClock ?? 0, done.at(-1)!.clock);
    }
    // The status is told before the write lands: receipts are re-derived from the friend's
    // heads on the next session, so a crash before the write costs a status, never data.
    const saved = this.saveReceipts(receipts);
    for (const entry of done) {
      this.sent.delete(entry.id);
      if (entry.seq > read) this.#c.onMessageStatus(this, entry.id, 'delivered');
    }
    if (read > before.read) {
      // Read receipts are rare (the friend opened the chat): a scan back to the last one is fine.
      for (const entry of await log.entriesAfter(this.me, before.read)) {
        if (entry.seq <= read) this.#c.onMessageStatus(this, entry.id, 'read');
      }
    }
    await saved;
    return { delivered: delivered > before.delivered, read: read > before.read };
  }

  /**
   * Unread messages of the friend: reactions, edits and deletions do not count (a backlog of
   * more than 200 entries is counted by seq, without reading it).
   */
  async unread(): Promise<number> {
    const log = await this.log();
    const { myRead } = await this.receipts();
    const behind = Math.max(0, (log.head(this.friendId)?.seq ?? 0) - myRead);
    return behind && behind <= 200 ? (await log.entriesAfter(this.friendId, myRead)).filter((e) => isMessageKind(e.kind)).length : behind;
  }

  /** The friend's oldest unread message (counted as `unread` counts), if any. */
  async firstUnread(): Promise<string | undefined> {
    const { myRead } = await this.receipts();
    return (await (await this.log()).entriesAfter(this.friendId, myRead)).find((e) => isMessageKind(e.kind))?.id;
  }

  /** Everything of the friend's so far is read; returns the new read mark, or null if none. */
  async markRead(): Promise<number | null> {
    const log = await this.log();
    const receipts = await this.receipts();
    const latest = log.head(this.friendId)?.seq ?? 0;
    if (latest <= receipts.myRead) return null;
    receipts.myRead = latest;
    await this.saveReceipts(receipts);
    return latest;
  }

  /** Own entries still unconfirmed fail with `reason` (the friend was removed or blocked). */
  async failPending(reason: string): Promise<void> {
    for (const entry of await this.outbox()) this.#c.onMessageStatus(this, entry.id, 'failed', reason);
  }

  /**
   * Deletes the conversation's log and receipts from the store; returns the IDs of its file
   * entries so their bytes can be deleted too.
   */
  async destroy(): Promise<string[]> {
    this.stop();
    const files = await (await this.log()).clear();
    await this.#c.store.delMany([Keyspace.receipts(this.id), Keyspace.draft(this.id)]);
    return files;
  }

  serial<T>(run: () => Promise<T>): Promise<T> {
    return this.#queue.run(run);
  }

  /**
   * Stored tombstones (`delete` entries, checked to be by the message's author): the message
   * and its edits lose their bodies here, in the outbox too, as at a self-destruct expiry.
   */
  async #erase(entries: Entry[]): Promise<void> {
    const log = await this.log();
    const ids: string[] = [];
    for (const entry of entries) {
      const ref = entry.kind === 'delete' ? actionBody(entry)?.r : undefined;
      const target = ref ? await log.find(ref) : undefined;
      if (!target) continue;
      const edits = (await log.entriesAfter(target.author, target.seq)).filter((e) => e.kind === 'edit' && actionBody(e)?.r === ref);
      ids.push(target.id, ...edits.map((e) => e.id));
    }
    if (ids.length === 0) return this.scheduleExpiry();
    log.erase(ids);
    const outbox = await this.outbox();
    for (const [i, { body: _body, ...rest }] of outbox.entries()) if (ids.includes(rest.id)) outbox[i] = rest;
    await this.expire();
  }

  /** Strips expired bodies now and arms the timer for the next expiry. */
  async expire(): Promise<void> {
    const log = await this.log();
    const ids = await log.expire(this.#c.now());
    if (ids.length) this.#c.onExpired(this, ids);
    this.scheduleExpiry();
  }

  scheduleExpiry(): void {
    clearTimeout(this.#expiryTimer);
    if (this.#stopped || !this.#log) return;
    void this.#log.then((log) => {
      const at = log.nextExpiry();
      clearTimeout(this.#expiryTimer);
      if (at === undefined || this.#stopped) return;
      const delay = Math.max(0, Math.min(at - this.#c.now(), 2 ** 31 - 1));
      this.#expiryTimer = setTimeout(() => void this.expire(), delay);
    });
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#expiryTimer);
    this.early.clear();
  }
}
