import { sha256Stream } from '../crypto/index.js';
import type { FileDirection, FileState } from '../model/index.js';
import type { Store } from '../storage/store.js';
import { toHex } from '../util/bytes.js';
import { Keyspace } from '../storage/keyspace.js';
import { chunkCount, chunkLength, type FileManifest, type MediaKind } from './manifest.js';

/** What is kept per file (`file:<id>:meta`); the bytes live in `file:<id>:data` or in chunks. */
export interface FileRecord {
  friendId: string;
  /** The manifest's (safe) file name. */
  name: string;
  direction: FileDirection;
  state: FileState;
  reason?: string;
  total: number;
  /** Receiving: one bit per verified, stored chunk. */
  have?: Uint8Array;
  /**
   * Receiving: false while a file above the auto-download limit waits for the user's
   * click. Records of earlier releases lack it: those were all fetched automatically.
   */
  accepted?: boolean;
  /** Receiving: the size is counted against the friend's quota (given back if the transfer ends unfinished). */
  counted?: true;
  /** What the bytes are, sniffed from their first bytes: only these show inline. */
  media?: { kind: MediaKind; type: string } | null;
}

/** The assembled file is read and hashed this much at a time. */
const HASH_SLICE = 4 * 1024 * 1024;

/**
 * The storage layout of files (key names in `storage/keyspace.ts`): a record per file, the whole
 * file as one Blob once it is here, and while it arrives its manifest and each verified
 * chunk as a Blob of its own, so the bytes live in IndexedDB, not in memory.
 */
export class FileStore {
  readonly #store: Store;
  readonly #records = new Map<string, Promise<FileRecord | undefined>>();
  readonly #blobs = new Map<string, Blob>();
  /** Files whose transfer is not finished, either way (persisted, so a reload resumes them). */
  readonly #open: Promise<Set<string>>;
  /** Bytes of received files kept or reserved, per friend. */
  #usage: Promise<Record<string, number>>;

  constructor(store: Store) {
    this.#store = store;
    this.#open = store.get<string[]>(Keyspace.openFiles).then(
      (ids) => new Set(ids ?? []),
      () => new Set<string>(),
    );
    this.#usage = store.get<Record<string, number>>(Keyspace.fileUsage).then(
      (usage) => ({ ...usage }),
      () => ({}),
    );
  }

  record(id: string): Promise<FileRecord | undefined> {
    let record = this.#records.get(id);
    if (!record) {
      record = this.#store.get<FileRecord>(Keyspace.file(id, 'meta'));
      this.#records.set(id, record);
      record.then(
        (r) => r === undefined && this.#records.delete(id),
        () => this.#records.delete(id),
      );
    }
    return record;
  }

  saveRecord(id: string, record: FileRecord): Promise<void> {
    return this.#store.set(Keyspace.file(id, 'meta'), record);
  }

  /** Keeps an own file's bytes and record together. */
  async addOutgoing(id: string, blob: Blob, record: FileRecord): Promise<void> {
    await this.#store.setMany([
      [Keyspace.file(id, 'data'), blob],
      [Keyspace.file(id, 'meta'), record],
    ]);
    this.#records.set(id, Promise.resolve(record));
    this.#blobs.set(id, blob);
  }

  async dropOutgoing(id: string): Promise<void> {
    this.#records.delete(id);
    this.#blobs.delete(id);
    await Promise.allSettled([this.#store.delMany([Keyspace.file(id, 'data'), Keyspace.file(id, 'meta')]), this.markOpen(id, false)]);
  }

  /** Keeps a friend's manifest (until the file is whole) and the new record. */
  async addIncoming(id: string, manifest: FileManifest, record: FileRecord): Promise<void> {
    await this.#store.setMany([
      [Keyspace.file(id, 'manifest'), manifest],
      [Keyspace.file(id, 'meta'), record],
    ]);
    this.#records.set(id, Promise.resolve(record));
  }

  manifest(id: string): Promise<FileManifest | undefined> {
    return this.#store.get<FileManifest>(Keyspace.file(id, 'manifest'));
  }

  async openIds(): Promise<string[]> {
    return [...(await this.#open)];
  }

  async markOpen(id: string, open: boolean): Promise<void> {
    const set = await this.#open;
    if (set.has(id) === open) return;
    if (open) set.add(id);
    else set.delete(id);
    await this.#store.set(Keyspace.openFiles, [...set]);
  }

  /** Verified chunks and the record that marks them held, in one transaction. */
  async writeChunks(id: string, chunks: [number, Uint8Array][], record: FileRecord): Promise<void> {
    const entries = chunks.map(([i, bytes]): [string, unknown] => [Keyspace.file(id, i), new Blob([bytes as Uint8Array<ArrayBuffer>])]);
    await this.#store.setMany([...entries, [Keyspace.file(id, 'meta'), record]]);
  }

  /**
   * The stored chunks as one Blob that refers to them (nothing is copied into memory), or
   * undefined when one is missing or has the wrong size.
   */
  async assemble(id: string, manifest: FileManifest): Promise<Blob | undefined> {
    const count = chunkCount(manifest);
    const stored = await this.#store.getMany<Blob | Uint8Array>(Array.from({ length: count }, (_, i) => Keyspace.file(id, i)));
    const parts: Blob[] = [];
    for (let i = 0; i < count; i++) {
      const chunk = stored[i];
      // Chunks written by earlier releases are byte arrays.
      const part = chunk instanceof Blob ? chunk : chunk instanceof Uint8Array ? new Blob([chunk as Uint8Array<ArrayBuffer>]) : undefined;
      if (!part || part.size !== chunkLength(manifest, i)) return undefined;
      parts.push(part);
    }
    return new Blob(parts, { type: 'application/octet-stream' });
  }

  /** The file is whole: keep it as one Blob and drop the chunks and the manifest. */
  async keepAssembled(id: string, record: FileRecord, blob: Blob, count: number): Promise<void> {
    await this.#store.setMany([
      [Keyspace.file(id, 'data'), blob],
      [Keyspace.file(id, 'meta'), record],
    ]);
    this.#blobs.set(id, blob);
    await this.markOpen(id, false);
    await this.dropChunks(id, count);
  }

  /** Deletes everything kept of a file: record, manifest, bytes and chunks (`count` of them). */
  async forget(id: string, count: number): Promise<void> {
    this.#records.delete(id);
    this.#blobs.delete(id);
    await this.#store.delMany([Keyspace.file(id, 'meta'), Keyspace.file(id, 'data'), Keyspace.file(id, 'manifest'), ...Array.from({ length: count }, (_, i) => Keyspace.file(id, i))]);
    await this.markOpen(id, false);
  }

  async dropChunks(id: string, count: number): Promise<void> {
    await this.#store.delMany([Keyspace.file(id, 'manifest'), ...Array.from({ length: count }, (_, i) => Keyspace.file(id, i))]);
  }

  async blobOf(id: string): Promise<Blob | undefined> {
    let blob = this.#blobs.get(id);
    if (!blob) {
      blob = await this.#store.get<Blob>(Keyspace.file(id, 'data'));
      if (blob) this.#blobs.set(id, blob);
    }
    return blob;
  }

  /** Bytes of received files kept or reserved: from one friend, and from everyone. */
  async usage(friendId: string): Promise<{ friend: number; total: number }> {
    const usage = await this.#usage;
    return { friend: usage[friendId] ?? 0, total: Object.values(usage).reduce((a, b) => a + b, 0) };
  }

  /** Counts (or, with a negative `bytes`, gives back) a received file's size against its friend. */
  addUsage(friendId: string, bytes: number): Promise<void> {
    const next = this.#usage.then((before) => {
      const usage = { ...before, [friendId]: Math.max(0, (before[friendId] ?? 0) + bytes) };
      if (usage[friendId] === 0) delete usage[friendId];
      return usage;
    });
    this.#usage = next;
    return next.then((usage) => this.#store.set(Keyspace.fileUsage, usage));
  }
}

/** SHA-256 of a Blob, hex, read slice by slice: no buffer of the file's size is ever held. */
export async function sha256OfBlob(blob: Blob): Promise<string> {
  const whole = sha256Stream();
  for (let at = 0; at < blob.size; at += HASH_SLICE) whole.update(new Uint8Array(await blob.slice(at, at + HASH_SLICE).arrayBuffer()));
  return toHex(whole.digest());
}
