import { toFriendsChatError, type FriendsChatError } from '../errors.js';
import type { SecurityWarningReason } from '../model/index.js';
import type { Contacts } from './contacts.js';
import type { Conversation } from './conversation.js';
import { DEFAULT_MAIL_LIMIT, MailBudget, type MailLimit } from './mail-budget.js';
import { parseMail, receiptIsSigned, type MailboxSink, type Mail } from './mailbox.js';
import type { SessionSync } from './session-sync.js';

export interface MailroomOptions {
  sink: MailboxSink;
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
}

/** What the mailroom did with each piece of mail it was handed. */
export interface MailStats {
  accepted: number;
  /** Not a friends-chat mail at all. */
  malformed: number;
  /** Claims an author who is not a friend, or a conversation that is not ours with them. */
  notFriend: number;
  /** Claims a friend, but the friend's key did not sign it. */
  forged: number;
  /** A friend's, but over their budget (it comes again through the sync). */
  limited: number;
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
  readonly stats: MailStats = { accepted: 0, malformed: 0, notFriend: 0, forged: 0, limited: 0 };

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
    if (mail.t === 'receipt') {
      if (!(await receiptIsSigned(mail))) return this.#refund(conversation.friendId, 'forged');
      this.stats.accepted++;
      return this.#o.sync.applyReceipt(conversation, mail.delivered);
    }
    const { delivered, forged, authentic } = await this.#o.sync.accept(conversation, conversation.friendId, mail.entries);
    // The friend's own widget never sends an entry it did not sign: someone else made this one.
    if (forged > 0) this.#refund(conversation.friendId, 'forged');
    else if (authentic === 0) this.#refund(conversation.friendId, 'malformed');
    else this.stats.accepted++;
    if (delivered > 0) void this.#o.sink.sendReceipt(conversation, conversation.friendId, delivered).catch(() => {});
  }

  /** Mail that turned out not to be the friend's (forged, or nothing in it theirs): counted, and the budget it claimed given back. */
  #refund(friendId: string, reason: 'forged' | 'malformed'): void {
    this.stats[reason]++;
    this.#budget.refund(friendId);
  }

  /** The mailbox is up: friends without a live session get what waits in their outboxes. */
  async flush(): Promise<void> {
    for (const contact of this.#o.contacts.all()) {
      if (contact.state !== 'friend' || this.#o.live(contact.id)) continue;
      await this.#o.sink.deliver(this.#o.conversation(contact.id), contact.id).catch((error) => this.#o.onError(toFriendsChatError(error, 'signaling-failed')));
    }
  }
}
