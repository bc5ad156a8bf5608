import { sha256Async } from '../crypto/index.js';
import { FriendsChatError, toFriendsChatError } from '../errors.js';
import { FrameType } from '../session/frame.js';
import type { SecureSession } from '../session/secure-session.js';
import { equalBytes } from '../util/bytes.js';
import type { FileContext } from './context.js';
import { chunkCount, chunkHashes, chunkLength, HASH_BYTES, sniffMedia, type FileManifest } from './manifest.js';
import { browserEstimate, DEFAULT_FILE_QUOTA, quotaRefusal } from './quota.js';
import { sha256OfBlob, type FileRecord } from './store.js';
import { decodePiece } from './wire.js';

/** Friends' files up to this size are fetched without asking. */
export const DEFAULT_AUTO_DOWNLOAD_LIMIT = 16 * 1024 * 1024;
/**
 * Verified chunks are written together once this many bytes are waiting (or the link goes
 * quiet): a transaction per 64 KiB chunk costs more than the bytes do. Progress is reported
 * after each write, so it is small enough for a smooth progress bar.
 */
const WRITE_BATCH = 256 * 1024;
/** Bad chunks (wrong hash, wrong size) tolerated per file before the transfer fails. */
const MAX_BAD_CHUNKS = 8;
/** A receiver that heard nothing for this long while chunks are missing asks again (ms). */
const STALL_AFTER = 1500;
/**
 * Flow control: at most this many bytes of chunks are asked for and not yet stored; the
 * next ones are asked for when half of them are in. Storage that is slower than the
 * network so holds back the sender instead of filling memory.
 */
const WANT_WINDOW = 8 * 1024 * 1024;
/** Files finished in this run whose confirmation is repeated to their sender on each new session. */
const MAX_FINISHED = 64;

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
 * The receiving side drives a transfer: it asks for the chunks it lacks (`FileWant`, a
 * window at a time), verifies each chunk against the manifest's hash, stores it, and
 * reports as progress only what is stored — so a reload resumes exactly there and the
 * progress never goes back. A file above the auto-download limit waits for `download()`;
 * every file must fit the quotas before any of its bytes is asked for.
 */
export class FileReceiver {
  readonly #c: FileContext;
  readonly #incoming = new Map<string, Incoming>();
  /**
   * Files finished in this run, with their friend and size. The confirmation that a file is
   * whole is the only word of it the sender gets; lost with its session, the sender would show
   * the file as under way for good. So every new session with the friend repeats it.
   */
  readonly #finished = new Map<string, { friendId: string; size: number }>();
  /** Quota checks and reservations run one after another. */
  #accepting: Promise<void> = Promise.resolve();

  constructor(context: FileContext) {
    this.#c = context;
  }

  /** A friend's file entry was stored: fetch it, leave it for the user, or refuse it. */
  async addIncoming(friendId: string, id: string, manifest: FileManifest): Promise<void> {
    const { store, o } = this.#c;
    if (await store.record(id)) return;
    const record: FileRecord = {
      friendId,
      name: manifest.name,
      direction: 'receive',
      state: 'waiting',
      total: manifest.size,
      have: new Uint8Array(Math.ceil(chunkCount(manifest) / 8)),
      accepted: false,
    };
    if (manifest.size > o.maxFileSize()) {
      record.state = 'failed';
      record.reason = 'too large';
    }
    await store.addIncoming(id, manifest, record);
    if (record.state === 'failed') {
      this.#c.emit(id, record, 0);
      o.send(o.session(friendId), FrameType.FileCancel, { file: id, reason: record.reason });
      return;
    }
    if (manifest.size > (o.autoDownloadLimit?.() ?? DEFAULT_AUTO_DOWNLOAD_LIMIT)) {
      this.#c.emit(id, record, 0);
      return;
    }
    await this.#accept(id, record, manifest);
  }

  /** The user asked for a file that waits for a click. Anything else is left as it is. */
  async download(id: string): Promise<void> {
    const record = await this.#c.store.record(id);
    if (!record || record.direction !== 'receive') throw new FriendsChatError('bad-input', 'no such file');
    if (record.state !== 'waiting' || record.accepted !== false) return;
    const manifest = await this.#c.store.manifest(id);
    if (!manifest) throw new FriendsChatError('storage-failed', 'the file’s manifest is no longer stored');
    await this.#accept(id, record, manifest);
  }

  #accept(id: string, record: FileRecord, manifest: FileManifest): Promise<void> {
    const run = this.#accepting.then(async () => {
      const { store, o } = this.#c;
      if (record.accepted !== false || record.state !== 'waiting') return;
      const refusal = await quotaRefusal(manifest.size, await store.usage(record.friendId), o.quota?.() ?? DEFAULT_FILE_QUOTA, o.estimate ?? browserEstimate);
      if (refusal) {
        await this.#c.fail(id, record, refusal, o.session(record.friendId));
        return;
      }
      await store.addUsage(record.friendId, manifest.size);
      record.accepted = true;
      record.counted = true;
      await store.saveRecord(id, record);
      await store.markOpen(id, true);
      this.#incoming.set(id, newIncoming(manifest));
      this.#c.emit(id, record, 0);
      const session = o.session(record.friendId);
      if (session && !session.closed) await this.#want(session, id, record, true);
    });
    this.#accepting = run.catch(() => {});
    return run;
  }

  /**
   * A session with a friend opened: ask for whatever is missing of their files (after a
   * reload, the manifests are read back from the store).
   */
  async onSession(session: SecureSession): Promise<void> {
    const friendId = session.peer.profileId;
    for (const [id, done] of this.#finished) if (done.friendId === friendId) this.#confirm(session, id, done.size);
    for (const id of await this.#c.store.openIds()) {
      const record = await this.#c.store.record(id);
      if (!record || record.friendId !== friendId || record.direction !== 'receive' || record.accepted === false) continue;
      if (record.state !== 'waiting' && record.state !== 'transferring') continue;
      if (!this.#incoming.has(id)) {
        const manifest = await this.#c.store.manifest(id);
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
      const record = await this.#c.store.record(id);
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
      await this.#c.store.saveRecord(id, record);
      this.#c.emit(id, record, storedBytes(incoming.manifest, record));
    }
    // An empty file has no chunk to wait for: it is complete as soon as it is announced.
    if (count === 0) {
      await this.#assemble(session, id, record, incoming);
      return;
    }
    if (ranges.length === 0 && !reset) return;
    this.#c.o.send(session, FrameType.FileWant, { file: id, want: ranges, reset, have: storedBytes(incoming.manifest, record) });
  }

  onPiece(session: SecureSession, friendId: string, body: Uint8Array): void {
    const { file: id, index, offset, data } = decodePiece(body);
    const { dropped } = this.#c;
    const incoming = this.#incoming.get(id);
    if (!incoming) {
      dropped.unknownFile++;
      return;
    }
    const { manifest } = incoming;
    if (index >= chunkCount(manifest)) {
      dropped.outOfRange++;
      return;
    }
    incoming.heardAt = performance.now();
    const length = chunkLength(manifest, index);
    if (offset + data.length > length) {
      dropped.outOfRange++;
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
    const record = await this.#c.store.record(id);
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
      this.#c.dropped.badChunks++;
      this.#c.o.onWarning(friendId, `a file chunk failed its hash check (${++incoming.bad} so far)`);
      if (incoming.bad >= MAX_BAD_CHUNKS) await this.#c.fail(id, record, 'too many damaged chunks', session);
      return;
    }
    incoming.unwritten.push([index, chunk]);
    incoming.unwrittenBytes += chunk.length;
    const count = chunkCount(incoming.manifest);
    const complete = allChunksBut(record, count, incoming.unwritten);
    // What is not written yet is asked for again after a crash, so it is not progress yet.
    const quiet = incoming.asked.size <= 1 && incoming.pending.size <= 1;
    if (incoming.unwrittenBytes < WRITE_BATCH && !quiet && !complete) return;
    const batch = incoming.unwritten.splice(0);
    incoming.unwrittenBytes = 0;
    for (const [i] of batch) record.have![i >> 3]! |= 1 << (i & 7);
    await this.#c.store.writeChunks(id, batch, record);
    if (complete) await this.#assemble(session, id, record, incoming);
    else this.#c.emit(id, record, storedBytes(incoming.manifest, record));
  }

  /** Every chunk is stored: put the file together from them and check it against the manifest. */
  async #assemble(session: SecureSession, id: string, record: FileRecord, incoming: Incoming): Promise<void> {
    const { manifest } = incoming;
    const blob = await this.#c.store.assemble(id, manifest);
    if (!blob) {
      await this.#c.fail(id, record, 'a stored chunk went missing', session);
      return;
    }
    if ((await sha256OfBlob(blob)) !== manifest.sha256) {
      this.#c.dropped.badChunks++;
      await this.#c.fail(id, record, 'the file does not match its checksum', session);
      return;
    }
    record.media = sniffMedia(new Uint8Array(await blob.slice(0, 16).arrayBuffer()));
    record.state = 'done';
    delete record.have;
    await this.#c.store.keepAssembled(id, record, blob, chunkCount(manifest));
    this.#incoming.delete(id);
    this.#finished.set(id, { friendId: record.friendId, size: manifest.size });
    if (this.#finished.size > MAX_FINISHED) this.#finished.delete(this.#finished.keys().next().value!);
    this.#confirm(session, id, manifest.size);
    this.#c.emit(id, record, manifest.size);
  }

  /** Tells the sender the file is whole here (nothing more wanted). */
  #confirm(session: SecureSession, id: string, size: number): void {
    this.#c.o.send(session, FrameType.FileWant, { file: id, want: [], reset: true, have: size });
  }

  async #onStoreError(id: string, error: unknown, session: SecureSession): Promise<void> {
    const failure = toFriendsChatError(error, 'storage-failed');
    this.#c.o.onError(failure);
    const record = await this.#c.store.record(id);
    if (record) await this.#c.fail(id, record, failure.message, session).catch(() => {});
  }

  /** Bytes of the file stored here. */
  storedBytes(id: string, record: FileRecord): number {
    if (record.state === 'done') return record.total;
    const incoming = this.#incoming.get(id);
    return incoming ? storedBytes(incoming.manifest, record) : 0;
  }

  /** The transfer ended: forget it; returns its chunk count, for dropping what is stored. */
  forget(id: string, record: FileRecord): number {
    const incoming = this.#incoming.get(id);
    this.#incoming.delete(id);
    this.#finished.delete(id);
    return incoming ? chunkCount(incoming.manifest) : record.have ? record.have.length * 8 : 0;
  }
}

function newIncoming(manifest: FileManifest): Incoming {
  return {
    manifest,
    hashes: chunkHashes(manifest),
    partial: null,
    queue: Promise.resolve(),
    asked: new Set(),
    pending: new Set(),
    unwritten: [],
    unwrittenBytes: 0,
    window: Math.max(4, Math.floor(WANT_WINDOW / manifest.chunkSize)),
    heardAt: performance.now(),
    bad: 0,
  };
}

function hasChunk(record: Pick<FileRecord, 'have'>, index: number): boolean {
  return ((record.have?.[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
}

function storedBytes(manifest: FileManifest, record: FileRecord): number {
  let bytes = 0;
  const count = chunkCount(manifest);
  for (let i = 0; i < count; i++) if (hasChunk(record, i)) bytes += chunkLength(manifest, i);
  return bytes;
}

/** True when every chunk is stored or in `unwritten`: the batch completes the file. */
function allChunksBut(record: FileRecord, count: number, unwritten: [number, Uint8Array][]): boolean {
  const extra = new Set(unwritten.map(([i]) => i));
  for (let i = 0; i < count; i++) if (!hasChunk(record, i) && !extra.has(i)) return false;
  return true;
}
