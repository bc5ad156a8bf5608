import { sha256Async, sha256Stream } from '../crypto/index.js';
import { FriendsChatError, toFriendsChatError } from '../errors.js';
import { decodeJsonBody, FrameType } from '../session/frame.js';
import { arr, bool, int, obj, str } from '../session/schema.js';
import { FRAGMENT_SIZE, type SecureSession } from '../session/secure-session.js';
import type { Store } from '../storage/store.js';
import { equalBytes, fromHex, toHex } from '../util/bytes.js';
import {
  chunkCount,
  chunkHashes,
  chunkLength,
  chunkSizeFor,
  HASH_IN_ONE_GO,
  HASH_BYTES,
  MAX_CHUNKS,
  MAX_FILE_SIZE,
  sniffMedia,
  type FileManifest,
  type MediaKind,
} from './file-manifest.js';

import type { FileDirection, FileProgress, FileState } from '../model/index.js';

export type { FileDirection, FileProgress, FileState } from '../model/index.js';

/** A file whose bytes are all here. */
export interface StoredFile {
  blob: Blob;
  name: string;
  /** What the bytes were sniffed as; null: download only. */
  media: { kind: MediaKind; type: string } | null;
}

/** What is kept per file (`file:<id>:meta`); the bytes live in `file:<id>:data` or chunks. */
interface FileRecord {
  friendId: string;
  /** The manifest's (safe) file name. */
  name: string;
  direction: FileDirection;
  state: FileState;
  reason?: string;
  total: number;
  /** Receiving: one bit per verified, stored chunk. */
  have?: Uint8Array;
  /** What the bytes are, sniffed from their first bytes: only these show inline. */
  media?: { kind: MediaKind; type: string } | null;
}

/** The wire piece header: file ID, chunk index, offset in the chunk. */
const PIECE_HEADER = 32 + 4 + 4;
/** Piece payload: the frame (type byte, header, data) fits exactly one ≤ 16 KiB wire message. */
export const PIECE_SIZE = FRAGMENT_SIZE - 1 - PIECE_HEADER;
/** Blobs are read this much at a time: each read has a fixed cost of milliseconds. */
const READ_AHEAD = 2 * 1024 * 1024;
/** Verified chunks are written together once this many bytes are waiting (or the link goes quiet). */
const WRITE_BATCH = 1024 * 1024;
/** Stop queueing pieces above this much buffered in the channel; resume at its low-water mark. */
const HIGH_WATER = 1024 * 1024;
/** Bad chunks (wrong hash, wrong size) tolerated per file before the transfer fails. */
const MAX_BAD_CHUNKS = 8;
/** A receiver that heard nothing for this long while chunks are missing asks again (ms). */
const STALL_AFTER = 1500;
/**
 * Receiver flow control: at most this many bytes of chunks are asked for and not yet
 * stored; the next ones are asked for when half of them are in. Storage that is slower
 * than the network so holds back the sender instead of filling memory.
 */
const WANT_WINDOW = 8 * 1024 * 1024;
const OPEN_KEY = 'files:open';

/**
 * `want`: chunk ranges [from, to) to send next; `reset`: forget what was queued before (a
 * new session, or lost pieces); `have`: bytes the receiver holds, verified (all = done).
 */
const wantFrame = obj({
  file: str({ min: 64, max: 64, pattern: /^[0-9a-f]*$/ }),
  want: arr(arr(int(0, MAX_CHUNKS), 2), 256),
  reset: bool,
  have: int(0, MAX_FILE_SIZE),
});
const cancelFrame = obj({ file: str({ min: 64, max: 64, pattern: /^[0-9a-f]*$/ }), reason: str({ max: 100 }) });

export interface FileTransfersOptions {
  store: Store;
  session(friendId: string): SecureSession | undefined;
  /** The conversation a friend's files belong to. */
  conversationOf(friendId: string): string;
  maxFileSize(): number;
  onProgress(progress: FileProgress): void;
  onError(error: FriendsChatError): void;
  onWarning(friendId: string, detail: string): void;
  /** Sends a JSON frame if the session is live (the engine's own sender: a failure closes it). */
  send(session: SecureSession | undefined, type: number, value: unknown): boolean;
}

interface Incoming {
  manifest: FileManifest;
  hashes: Uint8Array;
  /** The chunk being assembled from pieces (pieces of one chunk arrive in order). */
  partial: { index: number; bytes: Uint8Array; filled: number } | null;
  /** Chunk writes and the final assembly run one after another. */
  queue: Promise<void>;
  /** Chunks asked for and not yet stored. */
  asked: Set<number>;
  /** Chunks complete in memory, waiting to be verified and stored. */
  pending: Set<number>;
  /** Verified chunks waiting for the next batched write. */
  unwritten: [number, Uint8Array][];
  unwrittenBytes: number;
  /** How many chunks may be asked for at once. */
  window: number;
  heardAt: number;
  bad: number;
}

/**
 * File transfer for one engine. The receiver drives it: it asks for the chunks it lacks
 * (`FileWant`), the sender streams them as ≤ 16 KiB pieces with back-pressure, the receiver
 * verifies each chunk's hash and stores it at once, so a cut transfer resumes where it
 * stopped. A finished file is assembled, checked against the manifest's SHA-256 and kept.
 */
export class FileTransfers {
  /** Counts of pieces and chunks dropped: wrong hash or size, unknown file, out of range. */
  readonly dropped = { badChunks: 0, unknownFile: 0, outOfRange: 0 };
  /** File bytes handed to sessions as pieces (re-sent bytes included). */
  readonly sent = { bytes: 0 };
  readonly #o: FileTransfersOptions;
  readonly #records = new Map<string, Promise<FileRecord | undefined>>();
  readonly #incoming = new Map<string, Incoming>();
  readonly #blobs = new Map<string, Blob>();
  /** Per session: per file, the chunk indexes still to send, in order. */
  readonly #queues = new WeakMap<SecureSession, { files: Map<string, number[]>; running: boolean }>();
  /** Sending side, per file: bytes the friend confirmed, bytes sent since, and what was shown. */
  readonly #sending = new Map<string, { confirmed: number; sent: number; shown: number }>();
  #readCache: { file: string; start: number; bytes: Uint8Array } | null = null;
  /** Files whose transfer is not finished, either way (persisted, so a reload resumes them). */
  readonly #open: Promise<Set<string>>;
  #stopped = false;

  constructor(options: FileTransfersOptions) {
    this.#o = options;
    this.#open = options.store.get<string[]>(OPEN_KEY).then(
      (ids) => new Set(ids ?? []),
      () => new Set<string>(),
    );
  }

  stop(): void {
    this.#stopped = true;
  }

  // ---- sending --------------------------------------------------------------------------

  /** Keeps the file's bytes before its manifest entry is appended, so history never lacks them. */
  async addOutgoing(friendId: string, id: string, blob: Blob, manifest: FileManifest): Promise<void> {
    const head = new Uint8Array(await blob.slice(0, 16).arrayBuffer());
    const record: FileRecord = { friendId, name: manifest.name, direction: 'send', state: 'waiting', total: manifest.size, media: sniffMedia(head) };
    await this.#o.store.setMany([
      [`file:${id}:data`, blob],
      [`file:${id}:meta`, record],
    ]);
    this.#records.set(id, Promise.resolve(record));
    this.#blobs.set(id, blob);
    await this.#markOpen(id, true);
    this.#emit(id, record, 0);
  }

  /** The entry could not be stored after all: forget the bytes. */
  async dropOutgoing(id: string): Promise<void> {
    this.#records.delete(id);
    this.#blobs.delete(id);
    await Promise.allSettled([this.#o.store.del(`file:${id}:data`), this.#o.store.del(`file:${id}:meta`), this.#markOpen(id, false)]);
  }

  async #onWant(session: SecureSession, friendId: string, file: string, frame: { want: number[][]; reset: boolean; have: number }): Promise<void> {
    const record = await this.#record(file);
    if (!record || record.friendId !== friendId || record.direction !== 'send') {
      this.dropped.unknownFile++;
      this.#o.send(session, FrameType.FileCancel, { file, reason: 'unknown file' });
      return;
    }
    if (record.state === 'cancelled' || record.state === 'failed') {
      this.#o.send(session, FrameType.FileCancel, { file, reason: record.reason ?? 'cancelled' });
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
      await this.#setState(file, record, 'done');
      this.#emit(file, record, record.total);
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
    if (record.state !== 'transferring') await this.#setState(file, record, 'transferring');
    this.#emitSending(file, record, progress);
    void this.#pump(session);
  }

  /** Sender-side progress: what the friend confirmed plus what was sent since, never going back. */
  #emitSending(id: string, record: FileRecord, progress: { confirmed: number; sent: number; shown: number }): void {
    progress.shown = Math.max(progress.shown, Math.min(record.total, progress.confirmed + progress.sent));
    this.#emit(id, record, progress.shown);
  }

  /** Streams queued chunks, one file after another, waiting whenever the channel is full. */
  async #pump(session: SecureSession): Promise<void> {
    const queue = this.#queue(session);
    if (queue.running) return;
    queue.running = true;
    try {
      while (!session.closed && !this.#stopped) {
        const next = queue.files.entries().next();
        if (next.done) return;
        const [file, chunks] = next.value;
        const index = chunks.shift();
        if (index === undefined) {
          queue.files.delete(file);
          continue;
        }
        const record = await this.#record(file);
        if (!record || record.state !== 'transferring') {
          queue.files.delete(file);
          continue;
        }
        const chunkSize = chunkSizeFor(record.total);
        const blob = await this.#blobOf(file);
        if (!blob) {
          queue.files.delete(file);
          await this.#fail(file, record, 'the file is no longer stored here', session);
          continue;
        }
        const bytes = await this.#readChunk(file, blob, index, chunkSize);
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
      if (!session.closed) this.#o.onError(toFriendsChatError(error, 'internal'));
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

  // ---- receiving ------------------------------------------------------------------------

  /** A friend's file entry was stored: start (or refuse) the transfer. */
  async addIncoming(friendId: string, id: string, manifest: FileManifest): Promise<void> {
    if (await this.#record(id)) return;
    const count = chunkCount(manifest);
    const record: FileRecord = {
      friendId,
      name: manifest.name,
      direction: 'receive',
      state: 'waiting',
      total: manifest.size,
      have: new Uint8Array(Math.ceil(count / 8)),
    };
    const max = this.#o.maxFileSize();
    if (manifest.size > max) {
      record.state = 'failed';
      record.reason = 'too large';
    }
    await this.#o.store.setMany([
      [`file:${id}:manifest`, manifest],
      [`file:${id}:meta`, record],
    ]);
    this.#records.set(id, Promise.resolve(record));
    if (record.state === 'failed') {
      this.#emit(id, record, 0);
      this.#o.send(this.#o.session(friendId), FrameType.FileCancel, { file: id, reason: record.reason });
      return;
    }
    await this.#markOpen(id, true);
    this.#incoming.set(id, newIncoming(manifest));
    this.#emit(id, record, 0);
    const session = this.#o.session(friendId);
    if (session && !session.closed) await this.#want(session, id, record, true);
  }

  /**
   * A session with a friend opened: ask for whatever is missing of their files (after a
   * reload, the manifests are read back from the store).
   */
  async onSession(session: SecureSession): Promise<void> {
    const friendId = session.peer.profileId;
    for (const id of await this.#open) {
      const record = await this.#record(id);
      if (!record || record.friendId !== friendId || record.direction !== 'receive') continue;
      if (record.state !== 'waiting' && record.state !== 'transferring') continue;
      if (!this.#incoming.has(id)) {
        const manifest = await this.#o.store.get<FileManifest>(`file:${id}:manifest`);
        if (!manifest) continue;
        this.#incoming.set(id, newIncoming(manifest));
      }
      await this.#want(session, id, record, true);
    }
  }

  /** Heartbeat: a transfer that went quiet with chunks missing asks again (pieces may be lost). */
  async onBeat(session: SecureSession): Promise<void> {
    const friendId = session.peer.profileId;
    for (const [id, incoming] of this.#incoming) {
      const record = await this.#record(id);
      if (!record || record.friendId !== friendId || record.state !== 'transferring') continue;
      // Quiet, with nothing waiting to be stored: pieces were lost; ask for everything again.
      if (performance.now() - incoming.heardAt > STALL_AFTER && incoming.pending.size === 0) await this.#want(session, id, record, true);
    }
  }

  /**
   * Asks for the next missing chunks that are neither asked for nor waiting to be stored,
   * up to the window. `reset` starts over: what was asked before is asked again.
   */
  async #want(session: SecureSession, id: string, record: FileRecord, reset: boolean): Promise<void> {
    const incoming = this.#incoming.get(id);
    if (!incoming) return;
    if (reset) incoming.asked.clear();
    const count = chunkCount(incoming.manifest);
    const ranges: number[][] = [];
    for (let i = 0; i < count && incoming.asked.size < incoming.window; i++) {
      if (hasChunk(record, i) || incoming.asked.has(i) || incoming.pending.has(i) || incoming.unwritten.some(([u]) => u === i)) continue;
      const last = ranges.at(-1);
      if (last && last[1] === i) last[1] = i + 1;
      else if (ranges.length < 256) ranges.push([i, i + 1]);
      else break;
      incoming.asked.add(i);
    }
    incoming.heardAt = performance.now();
    if (record.state === 'waiting') {
      record.state = 'transferring';
      await this.#o.store.set(`file:${id}:meta`, record);
      this.#emit(id, record, this.#verifiedBytes(incoming.manifest, record));
    }
    // An empty file has no chunk to wait for: it is complete as soon as it is announced.
    if (count === 0) {
      await this.#assemble(session, id, record, incoming);
      return;
    }
    if (ranges.length === 0 && !reset) return;
    this.#o.send(session, FrameType.FileWant, { file: id, want: ranges, reset, have: this.#verifiedBytes(incoming.manifest, record) });
  }

  #onPiece(session: SecureSession, friendId: string, body: Uint8Array): void {
    if (body.length < PIECE_HEADER || body.length > PIECE_HEADER + PIECE_SIZE) throw new Error('bad file piece');
    const id = toHex(body.subarray(0, 32));
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const index = view.getUint32(32);
    const offset = view.getUint32(36);
    const data = body.subarray(PIECE_HEADER);
    const incoming = this.#incoming.get(id);
    const recordPromise = this.#records.get(id);
    if (!incoming || !recordPromise) {
      this.dropped.unknownFile++;
      return;
    }
    const { manifest } = incoming;
    if (index >= chunkCount(manifest)) {
      this.dropped.outOfRange++;
      return;
    }
    incoming.heardAt = performance.now();
    const length = chunkLength(manifest, index);
    if (offset + data.length > length) {
      this.dropped.outOfRange++;
      incoming.partial = null;
      return;
    }
    let partial = incoming.partial;
    if (offset === 0) {
      partial = incoming.partial = { index, bytes: new Uint8Array(length), filled: 0 };
    } else if (!partial || partial.index !== index || partial.filled !== offset) {
      // A piece went missing: this chunk is asked for again once the transfer goes quiet.
      incoming.partial = null;
      return;
    }
    partial.bytes.set(data, offset);
    partial.filled += data.length;
    if (partial.filled < length) return;
    incoming.partial = null;
    const chunk = partial.bytes;
    incoming.pending.add(index);
    incoming.queue = incoming.queue.then(() => this.#storeChunk(session, friendId, id, index, chunk)).catch((error) => this.#onStoreError(id, error, session));
  }

  async #storeChunk(session: SecureSession, friendId: string, id: string, index: number, chunk: Uint8Array): Promise<void> {
    const record = await this.#record(id);
    const incoming = this.#incoming.get(id);
    if (!incoming) return;
    try {
      const held = hasChunk(record ?? {}, index) || incoming.unwritten.some(([u]) => u === index);
      if (!record || record.friendId !== friendId || record.state !== 'transferring' || held) return;
      await this.#verifyAndStore(session, friendId, id, index, chunk, record, incoming);
    } finally {
      incoming.pending.delete(index);
      incoming.asked.delete(index);
      incoming.heardAt = performance.now();
    }
    if (record.state === 'transferring' && incoming.asked.size <= incoming.window / 2) await this.#want(session, id, record, false);
  }

  async #verifyAndStore(session: SecureSession, friendId: string, id: string, index: number, chunk: Uint8Array, record: FileRecord, incoming: Incoming): Promise<void> {
    const expected = incoming.hashes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
    if (!equalBytes(await sha256Async(chunk), expected)) {
      this.dropped.badChunks++;
      this.#o.onWarning(friendId, `a file chunk failed its hash check (${++incoming.bad} so far)`);
      if (incoming.bad >= MAX_BAD_CHUNKS) await this.#fail(id, record, 'too many damaged chunks', session);
      return;
    }
    incoming.unwritten.push([index, chunk]);
    incoming.unwrittenBytes += chunk.length;
    const count = chunkCount(incoming.manifest);
    const complete = allChunksBut(record, count, incoming.unwritten);
    if (!complete) this.#emit(id, record, this.#verifiedBytes(incoming.manifest, record) + incoming.unwrittenBytes);
    // Written in batches: a transaction per 64 KiB chunk costs more than the bytes do. What
    // is not written yet is asked for again after a crash.
    const quiet = incoming.asked.size <= 1 && incoming.pending.size <= 1;
    if (incoming.unwrittenBytes < WRITE_BATCH && !quiet && !complete) return;
    const batch = incoming.unwritten.splice(0);
    incoming.unwrittenBytes = 0;
    for (const [i] of batch) record.have![i >> 3]! |= 1 << (i & 7);
    await this.#o.store.setMany([...batch.map(([i, bytes]): [string, unknown] => [`file:${id}:${i}`, bytes]), [`file:${id}:meta`, record]]);
    if (complete) await this.#assemble(session, id, record, incoming);
  }

  /** Every chunk is here: put the file together and check it against the manifest. */
  async #assemble(session: SecureSession, id: string, record: FileRecord, incoming: Incoming): Promise<void> {
    const { manifest } = incoming;
    const count = chunkCount(manifest);
    const parts: Uint8Array[] = [];
    const chunks = await this.#o.store.getMany<Uint8Array>(Array.from({ length: count }, (_, i) => `file:${id}:${i}`));
    for (let i = 0; i < count; i++) {
      const chunk = chunks[i];
      if (!chunk || chunk.length !== chunkLength(manifest, i)) {
        await this.#fail(id, record, 'a stored chunk went missing', session);
        return;
      }
      parts.push(chunk);
    }
    const blob = new Blob(parts as Uint8Array<ArrayBuffer>[], { type: 'application/octet-stream' });
    if ((await hashParts(parts, blob)) !== manifest.sha256) {
      this.dropped.badChunks++;
      await this.#fail(id, record, 'the file does not match its checksum', session);
      return;
    }
    record.media = sniffMedia(parts[0]?.subarray(0, 16) ?? new Uint8Array(0));
    record.state = 'done';
    delete record.have;
    await this.#o.store.setMany([
      [`file:${id}:data`, blob],
      [`file:${id}:meta`, record],
    ]);
    this.#incoming.delete(id);
    this.#blobs.set(id, blob);
    await this.#markOpen(id, false);
    await this.#dropChunks(id, count);
    this.#o.send(session, FrameType.FileWant, { file: id, want: [], reset: true, have: manifest.size });
    this.#emit(id, record, manifest.size);
  }

  async #onStoreError(id: string, error: unknown, session: SecureSession): Promise<void> {
    const failure = toFriendsChatError(error, 'storage-failed');
    this.#o.onError(failure);
    const record = await this.#record(id);
    if (record) await this.#fail(id, record, failure.message, session).catch(() => {});
  }

  // ---- both sides -------------------------------------------------------------------------

  /** Stops a transfer on this side and tells the friend. */
  async cancel(id: string): Promise<void> {
    const record = await this.#record(id);
    if (!record) throw new FriendsChatError('bad-input', 'no such file');
    if (record.state === 'done' || record.state === 'cancelled' || record.state === 'failed') return;
    await this.#end(id, record, 'cancelled', 'cancelled');
    this.#o.send(this.#o.session(record.friendId), FrameType.FileCancel, { file: id, reason: 'cancelled' });
  }

  async onFrame(session: SecureSession, type: number, body: Uint8Array): Promise<boolean> {
    const friendId = session.peer.profileId;
    switch (type) {
      case FrameType.FileChunk:
        this.#onPiece(session, friendId, body);
        return true;
      case FrameType.FileWant: {
        const { file, ...frame } = decodeJsonBody(body, wantFrame);
        await this.#onWant(session, friendId, file, frame);
        return true;
      }
      case FrameType.FileCancel: {
        const { file, reason } = decodeJsonBody(body, cancelFrame);
        const record = await this.#record(file);
        if (!record || record.friendId !== friendId || record.state === 'done' || record.state === 'cancelled' || record.state === 'failed') return true;
        this.#queue(session).files.delete(file);
        await this.#end(file, record, 'cancelled', reason === 'cancelled' ? 'cancelled by your friend' : reason);
        return true;
      }
    }
    return false;
  }

  /** Where a file stands (for history after a reload), or undefined if unknown. */
  async progress(id: string): Promise<FileProgress | undefined> {
    const record = await this.#record(id);
    if (!record) return undefined;
    return this.#progressOf(id, record, this.#knownBytes(id, record));
  }

  /** The file's bytes when they are all here, with the media kind they were sniffed as. */
  async file(id: string): Promise<StoredFile | undefined> {
    const record = await this.#record(id);
    if (!record || (record.direction === 'receive' && record.state !== 'done')) return undefined;
    const blob = await this.#blobOf(id);
    return blob ? { blob, name: record.name, media: record.media ?? null } : undefined;
  }

  async #end(id: string, record: FileRecord, state: 'cancelled' | 'failed', reason: string): Promise<void> {
    const incoming = this.#incoming.get(id);
    this.#incoming.delete(id);
    record.state = state;
    record.reason = reason;
    const count = incoming ? chunkCount(incoming.manifest) : record.have ? record.have.length * 8 : 0;
    const known = this.#knownBytes(id, record, incoming);
    if (record.direction === 'receive') delete record.have;
    await this.#o.store.set(`file:${id}:meta`, record);
    await this.#markOpen(id, false);
    if (record.direction === 'receive') await this.#dropChunks(id, count);
    this.#emit(id, record, known);
  }

  async #fail(id: string, record: FileRecord, reason: string, session?: SecureSession): Promise<void> {
    await this.#end(id, record, 'failed', reason);
    this.#o.send(session, FrameType.FileCancel, { file: id, reason });
  }

  async #setState(id: string, record: FileRecord, state: FileState): Promise<void> {
    record.state = state;
    await this.#o.store.set(`file:${id}:meta`, record);
    if (state === 'done') await this.#markOpen(id, false);
  }

  async #dropChunks(id: string, count: number): Promise<void> {
    await this.#o.store.delMany([`file:${id}:manifest`, ...Array.from({ length: count }, (_, i) => `file:${id}:${i}`)]);
  }

  #record(id: string): Promise<FileRecord | undefined> {
    let record = this.#records.get(id);
    if (!record) {
      record = this.#o.store.get<FileRecord>(`file:${id}:meta`);
      this.#records.set(id, record);
      record.then(
        (r) => r === undefined && this.#records.delete(id),
        () => this.#records.delete(id),
      );
    }
    return record;
  }

  async #blobOf(id: string): Promise<Blob | undefined> {
    let blob = this.#blobs.get(id);
    if (!blob) {
      blob = await this.#o.store.get<Blob>(`file:${id}:data`);
      if (blob) this.#blobs.set(id, blob);
    }
    return blob;
  }

  async #markOpen(id: string, open: boolean): Promise<void> {
    const set = await this.#open;
    if (set.has(id) === open) return;
    if (open) set.add(id);
    else set.delete(id);
    await this.#o.store.set(OPEN_KEY, [...set]);
  }

  #queue(session: SecureSession): { files: Map<string, number[]>; running: boolean } {
    let queue = this.#queues.get(session);
    if (!queue) this.#queues.set(session, (queue = { files: new Map(), running: false }));
    return queue;
  }

  #verifiedBytes(manifest: FileManifest, record: FileRecord): number {
    let bytes = 0;
    const count = chunkCount(manifest);
    for (let i = 0; i < count; i++) if (hasChunk(record, i)) bytes += chunkLength(manifest, i);
    return bytes;
  }

  #knownBytes(id: string, record: FileRecord, incoming = this.#incoming.get(id)): number {
    if (record.state === 'done') return record.total;
    return incoming ? this.#verifiedBytes(incoming.manifest, record) : 0;
  }

  #progressOf(id: string, record: FileRecord, bytes: number): FileProgress {
    return {
      conversationId: this.#o.conversationOf(record.friendId),
      friendId: record.friendId,
      messageId: id,
      direction: record.direction,
      state: record.state,
      bytes,
      total: record.total,
      ...(record.reason ? { reason: record.reason } : {}),
    };
  }

  #emit(id: string, record: FileRecord, bytes: number): void {
    this.#o.onProgress(this.#progressOf(id, record, bytes));
  }


}

/** SHA-256 of the assembled file: in one go through WebCrypto when small, else streaming. */
async function hashParts(parts: Uint8Array[], blob: Blob): Promise<string> {
  if (blob.size <= HASH_IN_ONE_GO) return toHex(await sha256Async(new Uint8Array(await blob.arrayBuffer())));
  const whole = sha256Stream();
  for (const part of parts) whole.update(part);
  return toHex(whole.digest());
}

/** A `FileChunk` frame body: file ID (32 bytes), chunk index and offset (u32 each), bytes. */
export function encodePiece(file: string, index: number, offset: number, data: Uint8Array): Uint8Array {
  const body = new Uint8Array(PIECE_HEADER + data.length);
  body.set(fromHex(file), 0);
  const view = new DataView(body.buffer);
  view.setUint32(32, index);
  view.setUint32(36, offset);
  body.set(data, PIECE_HEADER);
  return body;
}

function newIncoming(manifest: FileManifest): Incoming {
  const window = Math.max(4, Math.floor(WANT_WINDOW / manifest.chunkSize));
  return {
    manifest,
    hashes: chunkHashes(manifest),
    partial: null,
    queue: Promise.resolve(),
    asked: new Set(),
    pending: new Set(),
    unwritten: [],
    unwrittenBytes: 0,
    window,
    heardAt: performance.now(),
    bad: 0,
  };
}

function hasChunk(record: Pick<FileRecord, 'have'>, index: number): boolean {
  return ((record.have?.[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
}

/** True when every chunk is stored or in `unwritten`: the batch completes the file. */
function allChunksBut(record: FileRecord, count: number, unwritten: [number, Uint8Array][]): boolean {
  const extra = new Set(unwritten.map(([i]) => i));
  for (let i = 0; i < count; i++) if (!hasChunk(record, i) && !extra.has(i)) return false;
  return true;
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
