import { FriendsChatError, toFriendsChatError } from '../errors.js';
import { Keyspace } from '../storage/keyspace.js';
import type { Store } from '../storage/store.js';
import type { SecurityWarningReason } from '../model/index.js';
import type { Contacts } from './contacts.js';
import type { Conversation } from './conversation.js';
import { DEFAULT_MAIL_LIMIT, MailBudget, type MailLimit } from './mail-budget.js';
import { parseMail, receiptIsSigned, type MailboxSink, type Mail } from './mailbox.js';
import type { SessionSync } from './session-sync.js';

export interface MailroomOptions {
  sink: MailboxSink;
  store: Store;
  sync: SessionSync;
  contacts: Contacts;
  conversation(friendId: string): Conversation;
  /** Whether a live session reaches the friend (then the mailbox is not needed). */
  live(friendId: string): boolean;
  onError(error: FriendsChatError): void;
  onWarning(reason: SecurityWarningReason, peer: string, detail: string): void;
  /** Monotonic ms, for the per-friend budget. */
  monotonic(): number;
  limit?: MailLimit;
  /** A group's entries (see `GroupSync.receiveMail`): how many were stored, -1 for a group we are not in. */
  group(id: string, entries: unknown[]): Promise<number>;
}

/** Entries kept ahead of a gap, per conversation, at most (more fails the envelope: it comes again). */
const MAX_HELD = 1024;

/** What the mailroom did with each piece of mail it was handed. */
export interface MailStats {
  accepted: number;
  /** Not a friends-chat mail at all. */
  malformed: number;
  /** Claims an author who is not a friend, a conversation that is not ours with them, or a group we are not in. */
  notFriend: number;
  /** Claims a friend, but the friend's key did not sign it. */
  forged: number;
  /** A friend's, but over their budget (it comes again through the sync). */
  limited: number;
  /** A friend's, but nothing in it was new (a resend, or anyone replaying what the broker carried). */
  replayed: number;
}

/**
 * What arrives through the mailbox, and what waits for it: a friend's signed entries are
 * checked exactly as over a live session and answered with a signed receipt through their
 * mailbox; a friend's signed receipt confirms our entries. Mail that is not a friend's, not
 * for the conversation with them, not signed by them, or malformed is dropped and counted,
 * never thrown. Each friend has a budget (`MailBudget`): a flood from one is cut off with a
 * `flood` warning, and everyone else's mail still gets through.
 */
export class Mailroom {
  readonly #o: MailroomOptions;
  readonly #budget: MailBudget;
  /** Friends already warned about in this flood (cleared once their mail is taken again). */
  readonly #warned = new Set<string>();
  readonly stats: MailStats = { accepted: 0, malformed: 0, notFriend: 0, forged: 0, limited: 0, replayed: 0 };
  /** Per friend: how far our last receipt through their mailbox confirmed (this run). */
  readonly #receipted = new Map<string, number>();
  readonly #owed = new Map<string, { conversation: Conversation; delivered: number }>();
  /** Conversations with entries held in the store ahead of a gap (see `#hold`). */
  readonly #held = new Set<string>();
  #scannedHeld = false;

  constructor(options: MailroomOptions) {
    this.#o = options;
    this.#budget = new MailBudget(options.limit ?? DEFAULT_MAIL_LIMIT, options.monotonic);
  }

  /** An opened envelope; resolves once what it carried is stored (the broker is acked after). */
  async receive(payload: Uint8Array): Promise<void> {
    let mail: Mail;
    try {
      mail = parseMail(payload);
    } catch {
      this.stats.malformed++;
      return;
    }
    if (mail.t === 'group') return this.#group(mail.c, mail.entries);
    const friendId = mail.t === 'receipt' ? mail.from : (mail.entries[0] as { author?: unknown } | undefined)?.author;
    const conversation = typeof friendId === 'string' && this.#o.contacts.isFriend(friendId) ? this.#o.conversation(friendId) : undefined;
    if (!conversation || conversation.id !== mail.c) {
      this.stats.notFriend++;
      return;
    }
    // Spent budgets are checked before any signature is, so a flood costs little to refuse.
    if (!this.#budget.take(conversation.friendId)) {
      this.stats.limited++;
      if (!this.#warned.has(conversation.friendId)) {
        this.#warned.add(conversation.friendId);
        this.#o.onWarning('flood', conversation.friendId, 'this friend sent more mailbox envelopes than allowed; the rest come with the next sync');
      }
      return;
    }
    this.#warned.delete(conversation.friendId);
    const friend = conversation.friendId;
    // Anyone who watches the broker can publish a friend's envelopes again: what confirms or
    // carries nothing new changes nothing and costs the friend none of their budget.
    if (mail.t === 'receipt') {
      if (mail.delivered <= (await conversation.receipts()).delivered) return this.#refund(friend, 'replayed');
      if (!(await receiptIsSigned(mail))) return this.#refund(friend, 'forged');
      this.stats.accepted++;
      return this.#o.sync.applyReceipt(conversation, mail.delivered);
    }
    const log = await conversation.log();
    const fresh = mail.entries.some((e) => !log.knows(String((e as { id?: unknown } | null)?.id)));
    const { delivered: reached, forged, authentic, gap } = await this.#o.sync.accept(conversation, friend, mail.entries);
    let delivered = reached;
    // The broker does not keep the order (NATS delivers again what a closed page left after
    // its ack_wait, behind newer mail): what lands ahead of a gap is kept in the store before
    // the ack, so a page closed before the gap fills loses nothing.
    if (gap && forged === 0) await this.#hold(conversation, mail.entries);
    else if (this.#held.has(conversation.id)) delivered = await this.#retryHeld(conversation);
    // The friend's own widget never sends an entry it did not sign: someone else made this one.
    if (forged > 0) this.#refund(friend, 'forged');
    else if (authentic === 0) this.#refund(friend, 'malformed');
    else if (!fresh) this.#refund(friend, 'replayed');
    else this.stats.accepted++;
    // Awaited: the broker is acked only once the receipt is on its way, so a page that goes
    // away now gets this envelope again on its next run and sends the receipt then.
    await this.#receipt(conversation, delivered);
  }

  /**
   * One receipt per step forward, so a replay does not make us mail the friend again. One that
   * could not go (the queue drains before the broker's SUBACK, or the page is going away) is
   * owed, and goes with `flush`. Settles once the receipt is published or owed; never rejects.
   */
  async #receipt(conversation: Conversation, delivered: number): Promise<void> {
    const friend = conversation.friendId;
    if (delivered <= (this.#receipted.get(friend) ?? 0)) return;
    this.#receipted.set(friend, delivered);
    this.#owed.delete(friend);
    await this.#o.sink.sendReceipt(conversation, friend, delivered).catch(() => {
      if (this.#receipted.get(friend) !== delivered) return;
      this.#receipted.delete(friend);
      this.#owed.set(friend, { conversation, delivered });
    });
  }

  /** Keeps the envelope's entries that are still ahead of the friend's head. */
  async #hold(conversation: Conversation, entries: unknown[]): Promise<void> {
    const key = Keyspace.mailHeld(conversation.id);
    const held = await this.#ahead(conversation, [...((await this.#o.store.get<unknown[]>(key)) ?? []), ...entries]);
    if (held.length > MAX_HELD) throw new FriendsChatError('storage-failed', 'too much mail ahead of a gap; it will be delivered again');
    await this.#o.store.set(key, held);
    this.#held.add(conversation.id);
  }

  /**
   * The held entries once more mail arrived: those now in the log (this run's early entries
   * followed the gap) are dropped; the rest are offered again once the next one is due (an
   * earlier run's). Returns how far the friend's history now reaches.
   */
  async #retryHeld(conversation: Conversation): Promise<number> {
    const key = Keyspace.mailHeld(conversation.id);
    const log = await conversation.log();
    const held = (await this.#o.store.get<unknown[]>(key)) ?? [];
    let left = await this.#ahead(conversation, held);
    const due = left.some((e) => (e as { seq: number }).seq === (log.head((e as { author: string }).author)?.seq ?? 0) + 1);
    if (due) {
      await this.#o.sync.accept(conversation, conversation.friendId, left);
      left = await this.#ahead(conversation, left);
    }
    if (left.length === 0) {
      await this.#o.store.del(key);
      this.#held.delete(conversation.id);
    } else if (left.length < held.length) await this.#o.store.set(key, left);
    return log.head(conversation.friendId)?.seq ?? 0;
  }

  /** Entries past the author's head in the log, each once. */
  async #ahead(conversation: Conversation, entries: unknown[]): Promise<unknown[]> {
    const log = await conversation.log();
    const seen = new Set<string>();
    return entries.filter((value) => {
      const e = value as { id?: unknown; author?: unknown; seq?: unknown } | null;
      if (typeof e?.id !== 'string' || typeof e.author !== 'string' || typeof e.seq !== 'number' || seen.has(e.id)) return false;
      seen.add(e.id);
      return e.seq > (log.head(e.author)?.seq ?? 0);
    });
  }

  /** A group's entries, on the group's budget: signed by members, checked as group sync checks them. */
  async #group(id: string, entries: unknown[]): Promise<void> {
    if (!this.#budget.take(id)) return void this.stats.limited++;
    const stored = await this.#o.group(id, entries);
    if (stored < 0) this.#refund(id, 'notFriend');
    else if (stored === 0) this.#refund(id, 'replayed');
    else this.stats.accepted++;
  }

  /** Mail that turned out not to be the friend's, or nothing new: counted, and the budget it claimed given back. */
  #refund(friendId: string, reason: 'forged' | 'malformed' | 'replayed' | 'notFriend'): void {
    this.stats[reason]++;
    this.#budget.refund(friendId);
  }

  /** The mailbox is up: friends without a live session get what waits in their outboxes. */
  async flush(): Promise<void> {
    for (const { conversation, delivered } of [...this.#owed.values()]) void this.#receipt(conversation, delivered);
    for (const contact of this.#o.contacts.all()) {
      if (contact.state !== 'friend' || this.#o.live(contact.id)) continue;
      await this.#o.sink.deliver(this.#o.conversation(contact.id), contact.id).catch((error) => this.#o.onError(toFriendsChatError(error, 'signaling-failed')));
    }
    // Once a run, after the outbox went: entries an earlier run held ahead of a gap (later
    // ones are in `#held` as they are held). The mail that fills the gap may be on its way.
    if (this.#scannedHeld) return;
    this.#scannedHeld = true;
    for (const contact of this.#o.contacts.all()) {
      if (contact.state !== 'friend') continue;
      const conversation = this.#o.conversation(contact.id);
      if (!this.#held.has(conversation.id) && (await this.#o.store.get(Keyspace.mailHeld(conversation.id))) === undefined) continue;
      this.#held.add(conversation.id);
      const delivered = await this.#retryHeld(conversation).catch((error) => (this.#o.onError(toFriendsChatError(error, 'storage-failed')), 0));
      void this.#receipt(conversation, delivered);
    }
  }
}
