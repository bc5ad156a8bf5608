import { ed25519Verify, sha256 } from '../crypto/index.js';
import { FriendsChatError } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import type { Entry } from '../log/entry.js';
import { MAX_ENVELOPE_PAYLOAD, mailboxTopic, sealEnvelope } from '../mailbox/index.js';
import { decodeJsonBody } from '../session/frame.js';
import { arr, hexOf, int, literal, obj } from '../session/schema.js';
import type { SignalingState } from '../transport/signaling.js';
import { fromHex, toHex, utf8 } from '../util/bytes.js';
import type { Conversation } from './conversation.js';
import type { DeliverySink } from './delivery.js';

/** A mailbox on a broker, as the core sees it: publish to a friend's topic, and whether it is up. */
export interface MailboxPort {
  readonly state: SignalingState;
  /** Resolves once the broker has taken the envelope (QoS 1). */
  publish(topic: string, envelope: Uint8Array): Promise<void>;
}

const conversation = hexOf(32);
/** What an envelope carries once opened: a batch of signed entries, or a signed receipt. */
const entriesMail = obj({ t: literal('entries'), c: conversation, entries: arr((v) => v, 500) });
const receiptMail = obj({ t: literal('receipt'), c: conversation, from: hexOf(32), delivered: int(0, 2 ** 40), sig: hexOf(64) });
/** A group's entries (`c` is the group ID), checked like group sync's (docs/groups.md). */
const groupMail = obj({ t: literal('group'), c: conversation, entries: arr((v) => v, 500) });
export type Mail = ReturnType<typeof entriesMail> | ReturnType<typeof receiptMail> | ReturnType<typeof groupMail>;

const RECEIPT_LABEL = 'friends-chat/mailbox-receipt/1';

/** What a receipt signs: the label, the conversation, and how far the receiver holds the sender's entries. */
function receiptDigest(c: string, delivered: number): Uint8Array {
  return sha256(utf8(JSON.stringify([RECEIPT_LABEL, c, delivered])));
}

/** Reads an opened envelope; a `FrameError` if it is neither kind. */
export function parseMail(payload: Uint8Array): Mail {
  const value = decodeJsonBody(payload, (v) => v);
  const kind = typeof value === 'object' && value !== null ? (value as { t?: unknown }).t : undefined;
  if (kind === 'entries') return entriesMail(value, 'mail');
  if (kind === 'receipt') return receiptMail(value, 'mail');
  if (kind === 'group') return groupMail(value, 'mail');
  throw new FriendsChatError('bad-input', 'not a friends-chat mail');
}

/** A receipt's signature by its sender (`from`, a profile key). */
export function receiptIsSigned(mail: ReturnType<typeof receiptMail>): Promise<boolean> {
  return ed25519Verify(fromHex(mail.sig), receiptDigest(mail.c, mail.delivered), fromHex(mail.from));
}

export interface MailboxSinkOptions {
  mailbox: MailboxPort;
  identity: Identity;
  /** A friend's pinned static X25519 key: their mailbox topic and the key envelopes are sealed to. */
  staticKey(friendId: string): Uint8Array | undefined;
  now(): number;
}

/**
 * The mailbox as a delivery sink: when no live session reaches a friend, the conversation's
 * unconfirmed own entries (already signed and stored) are sealed to the friend's static key
 * and published to their mailbox topic, where the broker keeps them until the friend's
 * widget connects. The outbox keeps every entry until the friend's receipt, so a broker that
 * loses a queue costs delay, never data; a resend is harmless (receiving is idempotent).
 */
export class MailboxSink implements DeliverySink {
  readonly #o: MailboxSinkOptions;
  /** Per conversation: the highest own seq already mailed in this run. */
  readonly #mailed = new Map<string, number>();

  constructor(options: MailboxSinkOptions) {
    this.#o = options;
  }

  async deliver(conversation: Conversation, peer: string): Promise<boolean> {
    const key = this.#o.staticKey(peer);
    if (this.#o.mailbox.state !== 'online' || !key) return false;
    const from = this.#mailed.get(conversation.id) ?? 0;
    const now = this.#o.now();
    // An expired entry travels without its body, so the mailbox never brings it back.
    const due = (await conversation.outbox()).filter((e) => e.seq > from).map((e) => (e.expiresAt !== undefined && e.expiresAt <= now ? { ...e, body: undefined } : e));
    for (const batch of batches(conversation.id, due)) {
      await this.#publish(key, { t: 'entries', c: conversation.id, entries: batch });
      this.#mailed.set(conversation.id, batch.at(-1)!.seq);
    }
    return true;
  }

  /** A group's own new entries, for a member no live session reaches (`dh`: their X25519 key from the membership). */
  async sendGroup(groupId: string, dh: string, entries: Entry[]): Promise<void> {
    if (this.#o.mailbox.state !== 'online') return;
    for (const batch of batches(groupId, entries)) await this.#publish(fromHex(dh), { t: 'group', c: groupId, entries: batch });
  }

  async #publish(key: Uint8Array, mail: object): Promise<void> {
    const topic = mailboxTopic(key);
    await this.#o.mailbox.publish(topic, await sealEnvelope(topic, key, utf8(JSON.stringify(mail))));
  }

  /** Tells a friend, through their mailbox, how far we hold their entries (signed). */
  /** Rejects while the mailbox is not online (a queue drains before its SUBACK): the caller sends it again. */
  async sendReceipt(conversation: Conversation, peer: string, delivered: number): Promise<void> {
    const key = this.#o.staticKey(peer);
    if (!key) return;
    const sig = toHex(await this.#o.identity.sign(receiptDigest(conversation.id, delivered)));
    const payload = utf8(JSON.stringify({ t: 'receipt', c: conversation.id, from: this.#o.identity.profileId, delivered, sig }));
    const topic = mailboxTopic(key);
    await this.#o.mailbox.publish(topic, await sealEnvelope(topic, key, payload));
  }

  /** A new session (or run) starts from the outbox again: what was mailed may have been lost. */
  forget(conversationId: string): void {
    this.#mailed.delete(conversationId);
  }
}

/** Entries in envelope-sized batches (an expired entry travels without its body). */
function batches(c: string, entries: Entry[]): Entry[][] {
  const out: Entry[][] = [];
  let batch: Entry[] = [];
  let size = 64 + c.length;
  for (const entry of entries) {
    const bytes = JSON.stringify(entry).length + 1;
    if (bytes + 128 > MAX_ENVELOPE_PAYLOAD) throw new FriendsChatError('message-too-large', 'an entry is larger than a mailbox envelope');
    if (batch.length && (size + bytes > MAX_ENVELOPE_PAYLOAD - 64 || batch.length >= 500)) {
      out.push(batch);
      batch = [];
      size = 64 + c.length;
    }
    batch.push(entry);
    size += bytes;
  }
  if (batch.length) out.push(batch);
  return out;
}
