import { toFriendsChatError, type FriendsChatError } from '../errors.js';
import type { Contacts } from './contacts.js';
import type { Conversation } from './conversation.js';
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
}

/**
 * What arrives through the mailbox, and what waits for it: a friend's signed entries are
 * checked exactly as over a live session and answered with a signed receipt through their
 * mailbox; a friend's signed receipt confirms our entries. Mail that is not a friend's, not
 * for the conversation with them, or malformed is dropped and counted, never thrown.
 */
export class Mailroom {
  readonly #o: MailroomOptions;
  readonly stats = { accepted: 0, dropped: 0 };

  constructor(options: MailroomOptions) {
    this.#o = options;
  }

  /** An opened envelope; resolves once what it carried is stored (the broker is acked after). */
  async receive(payload: Uint8Array): Promise<void> {
    let mail: Mail;
    try {
      mail = parseMail(payload);
    } catch {
      this.stats.dropped++;
      return;
    }
    const friendId = mail.t === 'receipt' ? mail.from : (mail.entries[0] as { author?: unknown } | undefined)?.author;
    const conversation = typeof friendId === 'string' && this.#o.contacts.isFriend(friendId) ? this.#o.conversation(friendId) : undefined;
    if (!conversation || conversation.id !== mail.c || (mail.t === 'receipt' && !receiptIsSigned(mail))) {
      this.stats.dropped++;
      return;
    }
    this.stats.accepted++;
    if (mail.t === 'receipt') return this.#o.sync.applyReceipt(conversation, mail.delivered);
    const { delivered } = await this.#o.sync.accept(conversation, conversation.friendId, mail.entries);
    if (delivered > 0) void this.#o.sink.sendReceipt(conversation, conversation.friendId, delivered).catch(() => {});
  }

  /** The mailbox is up: friends without a live session get what waits in their outboxes. */
  async flush(): Promise<void> {
    for (const contact of this.#o.contacts.all()) {
      if (contact.state !== 'friend' || this.#o.live(contact.id)) continue;
      await this.#o.sink.deliver(this.#o.conversation(contact.id), contact.id).catch((error) => this.#o.onError(toFriendsChatError(error, 'signaling-failed')));
    }
  }
}
