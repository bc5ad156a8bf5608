import { toFriendsChatError } from '../errors.js';
import { FrameType } from '../session/frame.js';
import type { SecureSession } from '../session/secure-session.js';
import type { FileContext } from './context.js';
import { chunkCount, chunkSizeFor } from './manifest.js';
import type { FileRecord } from './store.js';
import { encodePiece, PIECE_SIZE, type FileWant } from './wire.js';

/** Blobs are read this much at a time: each read has a fixed cost of milliseconds. */
const READ_AHEAD = 2 * 1024 * 1024;
/** Stop queueing pieces above this much buffered in the channel; resume at its low-water mark. */
const HIGH_WATER = 1024 * 1024;

interface Queue {
  /** Per file, the chunk indexes still to send, in order. */
  files: Map<string, number[]>;
  running: boolean;
}

/** Sending side, per file: bytes the friend confirmed, bytes sent since, and what was shown. */
interface Sending {
  confirmed: number;
  sent: number;
  shown: number;
}

/**
 * The sending side: answers a friend's `FileWant` by streaming the chunks asked for as
 * ≤ 16 KiB pieces, one file after another per session, waiting whenever the channel's
 * buffer is full.
 */
export class FileSender {
  /** File bytes handed to sessions as pieces (re-sent bytes included). */
  readonly sent = { bytes: 0 };
  readonly #c: FileContext;
  readonly #queues = new WeakMap<SecureSession, Queue>();
  readonly #sending = new Map<string, Sending>();
  #readCache: { file: string; start: number; bytes: Uint8Array } | null = null;

  constructor(context: FileContext) {
    this.#c = context;
  }

  async onWant(session: SecureSession, friendId: string, file: string, frame: FileWant): Promise<void> {
    const { store, o, dropped } = this.#c;
    const record = await store.record(file);
    if (!record || (record.friendId !== friendId && !o.shares?.(record.friendId, friendId)) || record.direction !== 'send') {
      dropped.unknownFile++;
      o.send(session, FrameType.FileCancel, { file, reason: 'unknown file' });
      return;
    }
    if (record.state === 'cancelled' || record.state === 'failed') {
      o.send(session, FrameType.FileCancel, { file, reason: record.reason ?? 'cancelled' });
      return;
    }
    const count = chunkCount({ size: record.total, chunkSize: chunkSizeFor(record.total) });
    if (frame.have > record.total) throw new Error('bad file progress');
    const queue = this.#queue(session);
    const progress = this.#sending.get(file) ?? { confirmed: 0, sent: 0, shown: 0 };
    this.#sending.set(file, progress);
    progress.confirmed = frame.have;
    progress.sent = 0;
    if (frame.have === record.total && frame.want.length === 0) {
      queue.files.delete(file);
      this.#sending.delete(file);
      // The receiver repeats this confirmation on every new session: once is news.
      if (record.state === 'done') return;
      record.state = 'done';
      await store.saveRecord(file, record);
      await store.markOpen(file, false);
      this.#c.emit(file, record, record.total);
      return;
    }
    const chunks = frame.reset ? [] : (queue.files.get(file) ?? []);
    const queued = new Set(chunks);
    for (const range of frame.want) {
      const [from, to] = range as [number, number];
      if (range.length !== 2 || from >= to || to > count) throw new Error('bad chunk range');
      for (let i = from; i < to; i++) if (!queued.has(i)) queued.add(i) && chunks.push(i);
    }
    if (chunks.length) queue.files.set(file, chunks);
    else queue.files.delete(file);
    if (record.state !== 'transferring') {
      record.state = 'transferring';
      await store.saveRecord(file, record);
    }
    this.#emitSending(file, record, progress);
    void this.#pump(session);
  }

  /** The friend cancelled: nothing more of this file goes to them. */
  forget(session: SecureSession, file: string): void {
    this.#queue(session).files.delete(file);
    this.#sending.delete(file);
  }

  /** Sender-side progress: what the friend confirmed plus what was sent since, never going back. */
  #emitSending(id: string, record: FileRecord, progress: Sending): void {
    progress.shown = Math.max(progress.shown, Math.min(record.total, progress.confirmed + progress.sent));
    this.#c.emit(id, record, progress.shown);
  }

  /** Streams queued chunks, one file after another, waiting whenever the channel is full. */
  async #pump(session: SecureSession): Promise<void> {
    const queue = this.#queue(session);
    if (queue.running) return;
    queue.running = true;
    try {
      while (!session.closed && !this.#c.stopped()) {
        const next = queue.files.entries().next();
        if (next.done) return;
        const [file, chunks] = next.value;
        const index = chunks.shift();
        if (index === undefined) {
          queue.files.delete(file);
          continue;
        }
        const record = await this.#c.store.record(file);
        if (!record || record.state !== 'transferring') {
          queue.files.delete(file);
          continue;
        }
        const blob = await this.#c.store.blobOf(file);
        if (!blob) {
          queue.files.delete(file);
          await this.#c.fail(file, record, 'the file is no longer stored here', session);
          continue;
        }
        const bytes = await this.#readChunk(file, blob, index, chunkSizeFor(record.total));
        for (let offset = 0; offset < bytes.length || offset === 0; offset += PIECE_SIZE) {
          if (session.bufferedAmount > HIGH_WATER) await drained(session);
          if (session.closed) return;
          const piece = bytes.subarray(offset, offset + PIECE_SIZE);
          session.send(FrameType.FileChunk, encodePiece(file, index, offset, piece));
          this.sent.bytes += piece.length;
          if (bytes.length === 0) break;
        }
        const progress = this.#sending.get(file);
        if (progress) {
          progress.sent += bytes.length;
          this.#emitSending(file, record, progress);
        }
      }
    } catch (error) {
      if (!session.closed) this.#c.o.onError(toFriendsChatError(error, 'internal'));
    } finally {
      queue.running = false;
    }
  }

  /** One chunk of an own file, read through a window of READ_AHEAD bytes (chunks are asked for in order). */
  async #readChunk(file: string, blob: Blob, index: number, chunkSize: number): Promise<Uint8Array> {
    const start = index * chunkSize;
    const end = Math.min(blob.size, start + chunkSize);
    let cached = this.#readCache;
    if (!cached || cached.file !== file || start < cached.start || end > cached.start + cached.bytes.length) {
      const windowEnd = Math.min(blob.size, Math.max(end, start + READ_AHEAD));
      cached = this.#readCache = { file, start, bytes: new Uint8Array(await blob.slice(start, windowEnd).arrayBuffer()) };
    }
    return cached.bytes.subarray(start - cached.start, end - cached.start);
  }

  #queue(session: SecureSession): Queue {
    let queue = this.#queues.get(session);
    if (!queue) this.#queues.set(session, (queue = { files: new Map(), running: false }));
    return queue;
  }
}

/** Resolves when the session's channel has drained to its low-water mark (or closed). */
function drained(session: SecureSession): Promise<void> {
  return new Promise((resolve) => {
    const offDrain = session.channel.onDrain(done);
    const offClose = session.onClose(done);
    // Some adapters report no drain event (loopback); look again now and then.
    const timer = setInterval(() => session.bufferedAmount <= HIGH_WATER / 4 && done(), 50);
    function done(): void {
      offDrain();
      offClose();
      clearInterval(timer);
      resolve();
    }
  });
}
