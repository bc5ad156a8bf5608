import type { SecurityWarningReason } from '../model/index.js';
import { checkEntryShape, verifyEntry, type Entry } from '../log/entry.js';
import { FrameType } from '../session/frame.js';
import type { SecureSession } from '../session/secure-session.js';
import type { Conversation } from './conversation.js';
import type { DeliverySink } from './delivery.js';
import type { FrameRouter } from './frame-router.js';
import { entriesFrame, headsFrame, receiptFrame } from './frames.js';

/** Entry batches fit one ≤ 16 KiB wire message, so every message that arrives is progress. */
const MAX_BATCH_BYTES = 15 * 1024;
/** Own entries sent ahead of the friend's last confirmation. */
const SEND_WINDOW = 256;
/** A gap asks the friend for its entries again, but not more often than this (ms). */
const GAP_HEADS_INTERVAL = 50;
/** What is resent when something seems lost: the first missing entries only. */
const RESEND_BATCH = 24;

/** Per session and conversation: own entries sent up to this seq, progress seen, last gap ask. */
interface Window {
  until: number;
  delivered: number;
  stalledBeats: number;
  headsAt: number;
}

export interface SessionSyncOptions {
  /** The conversation a frame of this session names, or undefined if it may not name it. */
  conversation(session: SecureSession, conversationId: string): Conversation | undefined;
  /** The live session to a peer, if any. */
  session(peer: string): SecureSession | undefined;
  send(session: SecureSession | undefined, type: number, value: unknown): boolean;
  receiptsOn(): boolean;
  now(): number;
  /** A clock for rate limits (monotonic). */
  monotonic(): number;
  /**
   * Checks a verified entry's body beyond the entry format (a file's manifest, what an action
   * acts on, looked up in the log and the batch so far): a reason to refuse it, or null to
   * drop it silently (it acts on a message still missing behind a gap; it comes again).
   */
  checkBody(entry: Entry, conversation: Conversation, batch: Entry[]): Promise<string | null | undefined>;
  /** An entry of someone else was stored. */
  onStored(conversation: Conversation, entry: Entry): Promise<void>;
  onMessageStatus(conversation: Conversation, messageId: string, status: 'sent'): void;
  onWarning(reason: SecurityWarningReason, peer: string, detail: string): void;
  onChange(): void;
}

/**
 * The sync protocol over one live session: both sides send heads (version vectors), then
 * what the other lacks, window by window; the receiver confirms with receipts; a gap asks
 * for heads again; a quiet link resends the first unconfirmed entries. Also the live
 * session's delivery sink: new own entries go out at once while a session is up.
 */
export class SessionSync implements DeliverySink {
  readonly #o: SessionSyncOptions;
  readonly #windows = new WeakMap<SecureSession, Map<string, Window>>();

  constructor(options: SessionSyncOptions) {
    this.#o = options;
  }

  register(router: FrameRouter): void {
    router
      .on(FrameType.Heads, headsFrame, (session, heads) => this.#withConversation(session, heads.c, (c) => this.#onHeads(session, c, heads)))
      .on(FrameType.Entries, entriesFrame, (session, frame) => this.#withConversation(session, frame.c, (c) => this.#onEntries(session, c, frame.entries)))
      .on(FrameType.Receipt, receiptFrame, (session, receipt) =>
        this.#withConversation(session, receipt.c, (c) => this.#onReceipt(c, receipt, session)),
      );
  }

  async deliver(conversation: Conversation, peer: string): Promise<boolean> {
    const session = this.#o.session(peer);
    if (!session || session.closed) return false;
    // While sent entries await their receipt, new ones wait for it too (the receipt pumps):
    // a burst then travels in a few large frames, not one frame (and receipt) per message.
    const { delivered } = await conversation.receipts();
    if (this.#window(session, conversation).until <= delivered) await this.#pump(session, conversation, 'new');
    return true;
  }

  /** What a session between friends starts with: our heads (and our read mark). */
  async sendHeads(session: SecureSession, conversation: Conversation): Promise<void> {
    const log = await conversation.log();
    const receipts = await conversation.receipts();
    const frame: { c: string; vv: Record<string, number>; read?: number } = { c: conversation.id, vv: log.versionVector() };
    if (this.#o.receiptsOn()) frame.read = receipts.myRead;
    this.#o.send(session, FrameType.Heads, frame);
  }

  /**
   * Retransmission on a lossy link: own entries the friend has not confirmed since the
   * last two beats are offered again (the friend drops duplicates before checking any
   * signature).
   */
  async onBeat(session: SecureSession, conversation: Conversation): Promise<void> {
    const window = this.#window(session, conversation);
    const { delivered } = await conversation.receipts();
    if ((await conversation.outbox()).length === 0) return;
    if (delivered === window.delivered && ++window.stalledBeats >= 2) {
      window.stalledBeats = 0;
      await this.#pump(session, conversation, 'resend');
    } else if (delivered !== window.delivered) {
      window.delivered = delivered;
      window.stalledBeats = 0;
    }
  }

  async #withConversation(session: SecureSession, id: string, run: (conversation: Conversation) => Promise<void>): Promise<void> {
    const conversation = this.#o.conversation(session, id);
    if (!conversation) {
      this.#o.onWarning('bad-frame', session.peer.profileId, 'a frame named a conversation this friend is not in');
      return;
    }
    await run(conversation);
  }

  /** The friend told us what they hold: send them what they lack, note what they got. */
  async #onHeads(session: SecureSession, conversation: Conversation, heads: { vv: Record<string, number>; read?: number | undefined }): Promise<void> {
    await this.#onReceipt(conversation, { delivered: heads.vv[conversation.me] ?? 0, ...(heads.read !== undefined ? { read: heads.read } : {}) });
    // The first heads of a session: send everything they lack, window by window;
    // mid-session heads report a gap: fill it.
    await this.#pump(session, conversation, this.#window(session, conversation).until === 0 ? 'new' : 'resend');
  }

  async #onEntries(session: SecureSession, conversation: Conversation, values: unknown[]): Promise<void> {
    const { gap, delivered } = await this.accept(conversation, session.peer.profileId, values);
    if (delivered > 0) this.#o.send(session, FrameType.Receipt, { c: conversation.id, delivered });
    if (gap) {
      const window = this.#window(session, conversation);
      if (this.#o.monotonic() - window.headsAt > GAP_HEADS_INTERVAL) {
        window.headsAt = this.#o.monotonic();
        await this.sendHeads(session, conversation);
      }
    }
  }

  /**
   * Checks entries that `peer` sent (over a session or through the mailbox) and stores the
   * good ones in one write: shape, author, signature for this conversation, body. Returns
   * whether a gap is left, how far we now hold the friend's entries, how many entries were
   * forged (by a third party, or not signed as they are by their author) and how many were
   * authentic (signed by their author, or already held).
   */
  async accept(conversation: Conversation, peer: string, values: unknown[]): Promise<{ gap: boolean; delivered: number; forged: number; authentic: number }> {
    const log = await conversation.log();
    const candidates: Entry[] = [];
    let forged = 0;
    let held = 0;
    for (const value of values) {
      const shaped = checkEntryShape(value);
      if ('error' in shaped) {
        this.#o.onWarning('bad-frame', peer, `refused an entry: ${shaped.error}`);
        continue;
      }
      if (!conversation.mayAuthor(shaped.entry.author)) {
        this.#o.onWarning('bad-frame', peer, 'refused an entry by a third party');
        forged++;
        continue;
      }
      // Already held: a resend after a lost receipt. Skip before paying for a signature check.
      // An old seq with an ID we do not know is checked: it may be a fork.
      if (shaped.entry.seq <= (log.head(shaped.entry.author)?.seq ?? 0) && log.knows(shaped.entry.id)) {
        held++;
        continue;
      }
      candidates.push(shaped.entry);
    }
    // The signatures of a batch are checked side by side (the browser's Ed25519 pipelines them);
    // the bodies one after another, since an action may refer to an earlier entry of the batch.
    const now = this.#o.now();
    const verdicts = await Promise.all(candidates.map((entry) => verifyEntry(entry, conversation.id, now, { legacy: true })));
    const checked: Entry[] = [];
    for (const [i, verified] of verdicts.entries()) {
      const refusal = 'error' in verified ? verified.error : await this.#o.checkBody(verified.entry, conversation, checked);
      if (refusal === null) continue;
      if (refusal !== undefined) {
        this.#o.onWarning('bad-frame', peer, `refused an entry: ${refusal}`);
        if ('forged' in verified) forged++;
        continue;
      }
      checked.push(candidates[i]!);
    }
    // The whole batch is stored with one write.
    const { stored, gap, refused } = await conversation.accept(checked);
    for (const reason of refused) {
      if (reason === 'fork') this.#o.onWarning('fork', peer, 'this friend signed two different messages for the same place in their history; the second is refused and kept as evidence');
      else if (reason !== 'skipped') this.#o.onWarning('bad-frame', peer, `refused an entry (${reason})`);
    }
    for (const entry of stored) if (entry.author !== conversation.me) await this.#o.onStored(conversation, entry);
    if (stored.length) this.#o.onChange();
    return { gap, delivered: log.head(conversation.friendId)?.seq ?? 0, forged, authentic: held + checked.length };
  }

  /** A receipt that came another way (the mailbox): what the friend holds of ours. */
  async applyReceipt(conversation: Conversation, delivered: number): Promise<void> {
    await this.#onReceipt(conversation, { delivered });
  }

  async #onReceipt(conversation: Conversation, receipt: { delivered?: number | undefined; read?: number | undefined }, session?: SecureSession): Promise<void> {
    const moved = await conversation.applyReceipt(receipt);
    if (!moved.delivered && !moved.read) return;
    this.#o.onChange();
    if (session && moved.delivered) await this.#pump(session, conversation, 'new');
  }

  /**
   * Sends own unconfirmed entries within the window ahead of the friend's confirmation:
   * `new` sends what was not sent yet; `resend` sends the first unconfirmed entries again
   * (the friend holds later ones that arrived early, so only the gap needs filling).
   */
  async #pump(session: SecureSession, conversation: Conversation, mode: 'new' | 'resend'): Promise<void> {
    const outbox = await conversation.outbox();
    const window = this.#window(session, conversation);
    const { delivered } = await conversation.receipts();
    const from = mode === 'resend' ? delivered : Math.max(delivered, window.until);
    const to = mode === 'resend' ? delivered + RESEND_BATCH : delivered + SEND_WINDOW;
    // Own seqs are contiguous, so the outbox is indexed by seq − its first seq.
    const base = outbox[0]?.seq ?? 0;
    const due = outbox.slice(Math.max(0, from + 1 - base), Math.max(0, to + 1 - base));
    if (due.length === 0) return;
    window.until = Math.max(window.until, due.at(-1)!.seq);
    this.#sendEntries(session, conversation, due);
  }

  #sendEntries(session: SecureSession, conversation: Conversation, entries: Entry[]): void {
    const now = this.#o.now();
    let batch: Entry[] = [];
    let size = 0;
    const flush = (): boolean => {
      if (batch.length === 0) return true;
      const ok = this.#o.send(session, FrameType.Entries, { c: conversation.id, entries: batch });
      if (ok) {
        for (const e of batch) {
          if (!conversation.sent.has(e.id)) {
            conversation.sent.add(e.id);
            this.#o.onMessageStatus(conversation, e.id, 'sent');
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

  #window(session: SecureSession, conversation: Conversation): Window {
    let windows = this.#windows.get(session);
    if (!windows) this.#windows.set(session, (windows = new Map()));
    let window = windows.get(conversation.id);
    if (!window) windows.set(conversation.id, (window = { until: 0, delivered: -1, stalledBeats: 0, headsAt: -Infinity }));
    return window;
  }
}
