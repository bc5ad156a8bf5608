import { FriendsChatError } from '../errors.js';
import type { FileProgress } from '../model/index.js';
import { decodeJsonBody, FrameType } from '../session/frame.js';
import type { SecureSession } from '../session/secure-session.js';
import type { FileContext, FileTransfersOptions } from './context.js';
import { chunkCount, sniffMedia, type FileManifest, type MediaKind } from './manifest.js';
import { FileReceiver } from './receiver.js';
import { FileSender } from './sender.js';
import { FileStore, type FileRecord } from './store.js';
import { cancelFrame, wantFrame } from './wire.js';

export type { FileDirection, FileProgress, FileState } from '../model/index.js';
export type { FileTransfersOptions } from './context.js';
export { encodePiece } from './wire.js';

/** A file whose bytes are all here. */
export interface StoredFile {
  blob: Blob;
  name: string;
  /** What the bytes were sniffed as; null: download only. */
  media: { kind: MediaKind; type: string } | null;
}

/**
 * File transfer for one engine (the protocol: docs/files.md). The receiver drives it: it
 * asks for the chunks it lacks, the sender streams them as ≤ 16 KiB pieces with
 * back-pressure, the receiver verifies and stores each chunk, so a cut transfer resumes
 * where it stopped. A finished file is assembled from the stored chunks, checked against
 * the manifest's SHA-256 and kept. This class only routes between the parts.
 */
export class FileTransfers {
  /** Counts of pieces and chunks dropped: wrong hash or size, unknown file, out of range. */
  readonly dropped = { badChunks: 0, unknownFile: 0, outOfRange: 0 };
  readonly #o: FileTransfersOptions;
  readonly #store: FileStore;
  readonly #sender: FileSender;
  readonly #receiver: FileReceiver;
  #stopped = false;

  constructor(options: FileTransfersOptions) {
    this.#o = options;
    this.#store = new FileStore(options.store);
    const context: FileContext = {
      o: options,
      store: this.#store,
      dropped: this.dropped,
      stopped: () => this.#stopped,
      emit: (id, record, bytes) => this.#emit(id, record, bytes),
      fail: (id, record, reason, session) => this.#fail(id, record, reason, session),
    };
    this.#sender = new FileSender(context);
    this.#receiver = new FileReceiver(context);
  }

  /** File bytes handed to sessions as pieces (re-sent bytes included). */
  get sent(): { bytes: number } {
    return this.#sender.sent;
  }

  stop(): void {
    this.#stopped = true;
  }

  /** Keeps the file's bytes before its manifest entry is appended, so history never lacks them. */
  async addOutgoing(friendId: string, id: string, blob: Blob, manifest: FileManifest): Promise<void> {
    const head = new Uint8Array(await blob.slice(0, 16).arrayBuffer());
    const record: FileRecord = { friendId, name: manifest.name, direction: 'send', state: 'waiting', total: manifest.size, media: sniffMedia(head) };
    await this.#store.addOutgoing(id, blob, record);
    await this.#store.markOpen(id, true);
    this.#emit(id, record, 0);
  }

  /** The entry could not be stored after all: forget the bytes. */
  dropOutgoing(id: string): Promise<void> {
    return this.#store.dropOutgoing(id);
  }

  /** A friend's file entry was stored: fetch it (up to the auto-download limit), keep it waiting, or refuse it. */
  addIncoming(friendId: string, id: string, manifest: FileManifest): Promise<void> {
    return this.#receiver.addIncoming(friendId, id, manifest);
  }

  /**
   * Fetches a friend's file that waits because it is above the auto-download limit. Does
   * nothing for a file that is already fetched, under way or ended; refuses (on the
   * progress event) one that would exceed a quota.
   */
  download(id: string): Promise<void> {
    return this.#receiver.download(id);
  }

  /** A session with a friend opened: resume what is missing of their files. */
  onSession(session: SecureSession): Promise<void> {
    return this.#receiver.onSession(session);
  }

  onBeat(session: SecureSession): Promise<void> {
    return this.#receiver.onBeat(session);
  }

  /** Stops a transfer on this side and tells the friend. */
  async cancel(id: string): Promise<void> {
    const record = await this.#store.record(id);
    if (!record) throw new FriendsChatError('bad-input', 'no such file');
    if (isEnded(record)) return;
    await this.#end(id, record, 'cancelled', 'cancelled');
    this.#o.send(this.#o.session(record.friendId), FrameType.FileCancel, { file: id, reason: 'cancelled' });
  }

  async onFrame(session: SecureSession, type: number, body: Uint8Array): Promise<boolean> {
    const friendId = session.peer.profileId;
    switch (type) {
      case FrameType.FileChunk:
        this.#receiver.onPiece(session, friendId, body);
        return true;
      case FrameType.FileWant: {
        const { file, ...frame } = decodeJsonBody(body, wantFrame);
        await this.#sender.onWant(session, friendId, file, frame);
        return true;
      }
      case FrameType.FileCancel: {
        const { file, reason } = decodeJsonBody(body, cancelFrame);
        const record = await this.#store.record(file);
        if (!record || record.friendId !== friendId || isEnded(record)) return true;
        this.#sender.forget(session, file);
        await this.#end(file, record, 'cancelled', reason === 'cancelled' ? 'cancelled by your friend' : reason);
        return true;
      }
    }
    return false;
  }

  /** Where a file stands (for history after a reload), or undefined if unknown. */
  async progress(id: string): Promise<FileProgress | undefined> {
    const record = await this.#store.record(id);
    if (!record) return undefined;
    return this.#progressOf(id, record, this.#receiver.storedBytes(id, record));
  }

  /**
   * Destroys a file on this side (its message expired, or its friend was removed): a running
   * transfer stops, the friend is told, and no record, chunk or byte of it stays stored.
   */
  async forget(id: string, reason: string): Promise<void> {
    const record = await this.#store.record(id);
    if (!record) return;
    const manifest = record.direction === 'receive' ? await this.#store.manifest(id) : undefined;
    if (!isEnded(record)) {
      await this.#end(id, record, 'cancelled', reason);
      this.#o.send(this.#o.session(record.friendId), FrameType.FileCancel, { file: id, reason });
    } else if (record.counted) {
      // A finished file still counts against its friend's quota until it is gone.
      await this.#store.addUsage(record.friendId, -record.total);
    }
    this.#receiver.forget(id, record);
    await this.#store.forget(id, manifest ? chunkCount(manifest) : 0);
  }

  /** The file's bytes when they are all here, with the media kind they were sniffed as. */
  async file(id: string): Promise<StoredFile | undefined> {
    const record = await this.#store.record(id);
    if (!record || (record.direction === 'receive' && record.state !== 'done')) return undefined;
    const blob = await this.#store.blobOf(id);
    return blob ? { blob, name: record.name, media: record.media ?? null } : undefined;
  }

  async #end(id: string, record: FileRecord, state: 'cancelled' | 'failed', reason: string): Promise<void> {
    const known = this.#receiver.storedBytes(id, record);
    const count = this.#receiver.forget(id, record);
    record.state = state;
    record.reason = reason;
    const receiving = record.direction === 'receive';
    const counted = receiving && record.counted === true;
    if (receiving) {
      delete record.have;
      delete record.counted;
    }
    await this.#store.saveRecord(id, record);
    await this.#store.markOpen(id, false);
    if (counted) await this.#store.addUsage(record.friendId, -record.total);
    if (receiving) await this.#store.dropChunks(id, count);
    this.#emit(id, record, known);
  }

  async #fail(id: string, record: FileRecord, reason: string, session?: SecureSession): Promise<void> {
    await this.#end(id, record, 'failed', reason);
    this.#o.send(session, FrameType.FileCancel, { file: id, reason });
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
      ...(record.state === 'waiting' && record.accepted === false ? { awaitingDownload: true } : {}),
    };
  }

  #emit(id: string, record: FileRecord, bytes: number): void {
    this.#o.onProgress(this.#progressOf(id, record, bytes));
  }
}

function isEnded(record: FileRecord): boolean {
  return record.state === 'done' || record.state === 'cancelled' || record.state === 'failed';
}
