import { hmacSha256, randomBytes } from '../crypto/index.js';
import { aesKey, aesOpen, aesSeal, hmacKey, mac } from '../crypto/subtle.js';
import { FriendsChatError } from '../errors.js';
import { concat, toBase64Url, utf8 } from '../util/bytes.js';
import { decodeRecord, encodeRecord } from './record-codec.js';
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
 */
export class SealedStore implements Store {
  readonly #raw: Store;
  readonly #aes: CryptoKey;
  readonly #names: CryptoKey;
  readonly #onTampered: (error: FriendsChatError) => void;
  readonly #diskNames = new Map<string, string>();
  readonly #reported = new Set<string>();

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
    return store;
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

  async seal(key: string, value: unknown): Promise<[string, Uint8Array]> {
    const disk = await this.diskName(key);
    const nonce = randomBytes(NONCE);
    const sealed = await aesSeal(this.#aes, nonce, await encodeRecord({ n: key, v: value }), ad(disk));
    return [disk, concat(Uint8Array.of(VERSION), nonce, sealed)];
  }

  /** The name and value of a raw record, or null (and one report) if it does not open. */
  async unseal(disk: string, stored: unknown): Promise<{ n: string; v: unknown } | null> {
    try {
      if (!(stored instanceof Uint8Array) || stored.length < 1 + NONCE + TAG || stored[0] !== VERSION) throw new Error('shape');
      const plain = await aesOpen(this.#aes, stored.subarray(1, 1 + NONCE), stored.subarray(1 + NONCE), ad(disk));
      const record = decodeRecord(plain) as { n: string; v: unknown };
      if (typeof record?.n !== 'string' || (await this.diskName(record.n)) !== disk) throw new Error('name');
      return record;
    } catch {
      if (this.#reported.has(disk)) return null;
      this.#reported.add(disk);
      this.#onTampered(new FriendsChatError('storage-tampered', 'a stored record was altered; it was not read'));
      return null;
    }
  }

  async get<T>(key: string): Promise<T | undefined> {
    return (await this.getMany<T>([key]))[0];
  }

  async getMany<T>(keys: string[]): Promise<(T | undefined)[]> {
    const disk = await Promise.all(keys.map((k) => this.diskName(k)));
    const stored = await this.#raw.getMany<unknown>(disk);
    return Promise.all(stored.map(async (s, i) => (s === undefined ? undefined : ((await this.unseal(disk[i]!, s))?.v as T | undefined))));
  }

  set(key: string, value: unknown): Promise<void> {
    return this.setMany([[key, value]]);
  }

  async setMany(entries: [string, unknown][]): Promise<void> {
    await this.#raw.setMany(await Promise.all(entries.map(([k, v]) => this.seal(k, v))));
  }

  async del(key: string): Promise<void> {
    await this.#raw.del(await this.diskName(key));
  }

  async delMany(keys: string[]): Promise<void> {
    await this.#raw.delMany(await Promise.all(keys.map((k) => this.diskName(k))));
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

  /** Removes every sealed record; the lock itself stays. */
  async clear(): Promise<void> {
    await this.#raw.delMany((await this.#raw.keys()).filter(isSealedName));
  }
}

function ad(disk: string): Uint8Array {
  return utf8(`friends-chat/record/1 ${disk}`);
}
