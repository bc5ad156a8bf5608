import { hmacSha256, randomBytes } from '../crypto/index.js';
import { aesKey, aesOpen, aesSeal, hmacKey, mac } from '../crypto/subtle.js';
import { FriendsChatError } from '../errors.js';
import { concat, toBase64Url, utf8 } from '../util/bytes.js';
import { Serial } from '../util/serial.js';
import { decodeRecord, encodeRecord } from './record-codec.js';
import { RecordVersions, isVersionsName, type VersionsRoot, type VersionsShard } from './record-versions.js';
import type { Store } from './store.js';

const VERSION = 1;
const NONCE = 12;
const TAG = 16;
/** Disk names of sealed records: `~` and 22 base64url characters (128 bits of HMAC). */
const SEALED_NAME = /^~[A-Za-z0-9_-]{22}$/;

/** True for the raw key of a sealed record (not a plaintext one, not the lock's own records). */
export function isSealedName(key: string): boolean {
  return SEALED_NAME.test(key);
}

/**
 * The Store port over another store, with every record sealed under the data key
 * (docs/storage-lock.md). On disk a record is `~HMAC(name)` → `1 ‖ nonce ‖ AES-256-GCM(
 * name and value, padded)`, with the disk name as associated data: a record moved to
 * another key, swapped with another, cut short or altered does not open. Such a record is
 * reported (once per record) as `storage-tampered` and read as absent, so the rest keeps working.
 * So is a record put back from an older copy of the store (`RecordVersions`): each record
 * carries the generation it was written in, and writes are serialised so the index and the
 * records always go to disk together.
 */
export class SealedStore implements Store {
  readonly #raw: Store;
  readonly #aes: CryptoKey;
  readonly #names: CryptoKey;
  readonly #onTampered: (error: FriendsChatError) => void;
  readonly #diskNames = new Map<string, string>();
  readonly #reported = new Set<string>();
  #versions = RecordVersions.fresh();
  readonly #writes = new Serial();

  private constructor(raw: Store, aes: CryptoKey, names: CryptoKey, onTampered: (error: FriendsChatError) => void) {
    this.#raw = raw;
    this.#aes = aes;
    this.#names = names;
    this.#onTampered = onTampered;
  }

  /** Two keys from the 32-byte data key: one seals values, one hashes key names. */
  static async open(raw: Store, dataKey: Uint8Array, onTampered: (error: FriendsChatError) => void): Promise<SealedStore> {
        const seal = hmacSha256(dataKey, utf8('friends-chat/at-rest/1/seal'));
    const names = hmacSha256(dataKey, utf8('friends-chat/at-rest/1/names'));
    const store = new SealedStore(raw, await aesKey(seal), await hmacKey(names), onTampered);
    seal.fill(0);
    names.fill(0);
    await store.#loadVersions();
    return store;
  }

  /** The version index; a store sealed before there was one starts it with what it holds. */
  async #loadVersions(): Promise<void> {
    const names = RecordVersions.names();
    const stored = await this.#raw.getMany<unknown>(names);
    const [root, ...shards] = await Promise.all(stored.map(async (s, i) => (s === undefined ? undefined : (await this.#unsealAt(names[i]!, s, names[i]!))?.v)));
    // None yet (a store sealed before the index): its records count as generation 0.
    if (root === undefined) return;
    const { versions, stale } = RecordVersions.load(root as VersionsRoot, shards as (VersionsShard | undefined)[]);
    this.#versions = versions;
    for (const n of stale) this.#report(`~v.${n.toString(16)}`);
  }

  /** Where a logical key name lives on disk. */
  async diskName(key: string): Promise<string> {
    let name = this.#diskNames.get(key);
    if (!name) {
      name = `~${toBase64Url((await mac(this.#names, utf8(key))).subarray(0, 16))}`;
      if (this.#diskNames.size > 10000) this.#diskNames.clear();
      this.#diskNames.set(key, name);
    }
    return name;
  }

  /** `key`'s record as it goes to disk, written in generation `w`. */
  async #seal(key: string, value: unknown, w: number): Promise<[string, Uint8Array]> {
    return this.#sealAt(await this.diskName(key), key, value, w);
  }

  async #sealAt(disk: string, name: string, value: unknown, w: number): Promise<[string, Uint8Array]> {
    const nonce = randomBytes(NONCE);
    const sealed = await aesSeal(this.#aes, nonce, await encodeRecord({ n: name, v: value, w }), ad(disk));
    return [disk, concat(Uint8Array.of(VERSION), nonce, sealed)];
  }

  /** The name and value of a raw record, or null (and one report) if it does not open. */
  async unseal(disk: string, stored: unknown): Promise<{ n: string; v: unknown; w: number } | null> {
    return this.#unsealAt(disk, stored);
  }

  /** `name`: the index's own records carry their disk name; every other one its logical name. */
  async #unsealAt(disk: string, stored: unknown, name?: string): Promise<{ n: string; v: unknown; w: number } | null> {
    try {
      if (!(stored instanceof Uint8Array) || stored.length < 1 + NONCE + TAG || stored[0] !== VERSION) throw new Error('shape');
      const plain = await aesOpen(this.#aes, stored.subarray(1, 1 + NONCE), stored.subarray(1 + NONCE), ad(disk));
      const record = decodeRecord(plain) as { n: string; v: unknown; w?: unknown };
      if (typeof record?.n !== 'string' || (name === undefined ? await this.diskName(record.n) : record.n) !== disk) throw new Error('name');
      // Records sealed before the version index carry no generation: they are generation 0.
      return { n: record.n, v: record.v, w: Number.isSafeInteger(record.w) ? (record.w as number) : 0 };
    } catch {
      this.#report(disk);
      return null;
    }
  }

  #report(disk: string): void {
    if (this.#reported.has(disk)) return;
    this.#reported.add(disk);
    this.#onTampered(new FriendsChatError('storage-tampered', 'a stored record was altered or put back from an older copy; it was not read'));
  }

  async get<T>(key: string): Promise<T | undefined> {
    return (await this.getMany<T>([key]))[0];
  }

  async getMany<T>(keys: string[]): Promise<(T | undefined)[]> {
    const disk = await Promise.all(keys.map((k) => this.diskName(k)));
    // Taken before the read: a write that lands meanwhile can only make a record newer.
    const expected = disk.map((d) => this.#versions.expectation(d));
    const stored = await this.#raw.getMany<unknown>(disk);
    return Promise.all(
      stored.map(async (s, i) => {
        const record = s === undefined ? null : await this.unseal(disk[i]!, s);
        if (record && !RecordVersions.isOld(expected[i], record.w)) return record.v as T;
        if (record) this.#report(disk[i]!);
        return undefined;
      }),
    );
  }

  set(key: string, value: unknown): Promise<void> {
    return this.setMany([[key, value]]);
  }

  setMany(entries: [string, unknown][]): Promise<void> {
    return this.#write(entries, []);
  }

  del(key: string): Promise<void> {
    return this.#write([], [key]);
  }

  delMany(keys: string[]): Promise<void> {
    return this.#write([], keys);
  }

  /**
   * One batch, after the one before: the records and the index entries for them in one
   * `setMany`. Deletions go first, so a crash between leaves the index expecting a record
   * that is gone (read as absent), never a deleted one that is still there.
   */
  #write(entries: [string, unknown][], deleted: string[]): Promise<void> {
    const run = async (): Promise<void> => {
      const w = this.#versions.next;
      const records = await Promise.all(entries.map(([k, v]) => this.#seal(k, v, w)));
      const gone = await Promise.all(deleted.map((k) => this.diskName(k)));
      const { records: index, commit } = this.#versions.stage(records.map(([d]) => d), gone);
      const sealedIndex = await Promise.all(index.map(([name, value]) => this.#sealAt(name, name, value, w)));
      if (gone.length) await this.#raw.delMany(gone);
      await this.#raw.setMany([...records, ...sealedIndex]);
      commit();
    };
    return this.#writes.run(run);
  }

  /** Opens every record to learn its name: slow, and only a removal or a migration needs it. */
  async keys(): Promise<string[]> {
    const disk = (await this.#raw.keys()).filter(isSealedName);
    const stored = await this.#raw.getMany<unknown>(disk);
    const names: string[] = [];
    for (let i = 0; i < disk.length; i++) {
      if (stored[i] === undefined) continue;
      const record = await this.unseal(disk[i]!, stored[i]);
      if (record) names.push(record.n);
    }
    return names;
  }

  /** Removes every sealed record and the version index; the lock itself stays. */
  async clear(): Promise<void> {
    await this.#writes.settled();
    await this.#raw.delMany((await this.#raw.keys()).filter((k) => isSealedName(k) || isVersionsName(k)));
    this.#versions = RecordVersions.fresh();
  }
}

function ad(disk: string): Uint8Array {
  return utf8(`friends-chat/record/1 ${disk}`);
}
