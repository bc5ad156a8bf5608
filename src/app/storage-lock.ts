import { randomBytes } from '../crypto/index.js';
import { aesOpen, aesSeal } from '../crypto/subtle.js';
import { FriendsChatError } from '../errors.js';
import { concat, utf8 } from '../util/bytes.js';
import { checkLockRecord, checkPassphrase, unwrapDataKey, wrapDataKey, type LockRecord } from '../storage/key-wrap.js';
import { checkPasskeyRecord, unwrapWithPasskey, wrapWithPasskey } from '../storage/passkey-wrap.js';
import { openInPlace, sealInPlace } from '../storage/seal-in-place.js';
import { SealedStore } from '../storage/sealed-store.js';
import type { Store } from '../storage/store.js';

/** The raw keys of the lock's own records (never produced by the keyspace: they start with `~`). */
export const LOCK_KEY = '~lock';
const TRIES_KEY = '~tries';
/** "Remember this device": the data key wrapped by a non-extractable AES key kept beside it. */
const DEVICE_KEY = '~device';
/** A passkey that opens the lock too (never the only way: the passphrase always does). */
const PASSKEY_KEY = '~passkey';
const DEVICE_AD = 'friends-chat/device/1/';
/** Bound to the lock record it came from: a key remembered under an earlier lock never opens. */
const deviceAd = (record: LockRecord): Uint8Array => concat(utf8(DEVICE_AD), record.salt);

interface DeviceRecord {
  key: CryptoKey;
  nonce: Uint8Array;
  wrapped: Uint8Array;
}
/** Wrong passphrases that cost nothing; after them each one doubles the wait, up to the cap. */
const FREE_TRIES = 3;
const FIRST_WAIT = 250;
const MAX_WAIT = 5 * 60_000;

export type LockState = 'none' | 'locked' | 'unlocked';

/**
 * The lock of one profile's store (docs/storage-lock.md): whether it is sealed, the data key
 * while unlocked, turning the lock on and off, and the back-off on wrong passphrases (a wait
 * that doubles, kept on disk across reloads, never a permanent lock-out).
 */
export class StorageLock {
  readonly #raw: Store;
  readonly #onError: (error: FriendsChatError) => void;
  #record: LockRecord | null | undefined;
  #sealed: SealedStore | null = null;
  #dataKey: Uint8Array | null = null;

  constructor(raw: Store, onError: (error: FriendsChatError) => void) {
    this.#raw = raw;
    this.#onError = onError;
  }

  async state(): Promise<LockState> {
    if (this.#record === undefined) {
      const [stored, device] = await this.#raw.getMany<unknown>([LOCK_KEY, DEVICE_KEY]);
      this.#record = stored === undefined ? null : checkLockRecord(stored);
      if (this.#record && device) await this.#openRemembered(device as Partial<DeviceRecord>);
    }
    return !this.#record ? 'none' : this.#sealed ? 'unlocked' : 'locked';
  }

  /** Whether this device keeps the data key, so a reload does not ask for the passphrase. */
  async remembered(): Promise<boolean> {
    return (await this.#raw.get(DEVICE_KEY)) !== undefined;
  }

  /**
   * Keeps the open data key on this device, wrapped by a fresh non-extractable AES key stored
   * next to it (docs/storage-lock.md: a convenience that gives up the protection against
   * anyone who can use or copy this browser profile).
   */
  async remember(): Promise<void> {
    if (!this.#dataKey) throw new FriendsChatError('locked', 'the chat is locked');
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const nonce = randomBytes(12);
    const record: DeviceRecord = { key, nonce, wrapped: await aesSeal(key, nonce, this.#dataKey, deviceAd(this.#record!)) };
    await this.#raw.set(DEVICE_KEY, record);
  }

  /** Drops the remembered data key: the next start asks for the passphrase again. */
  forget(): Promise<void> {
    return this.#raw.del(DEVICE_KEY);
  }

  /** A remembered key that does not open (damaged, or from another lock) is dropped, never fatal. */
  async #openRemembered(device: Partial<DeviceRecord>): Promise<void> {
    try {
      if (!(device.key instanceof CryptoKey) || !(device.nonce instanceof Uint8Array) || !(device.wrapped instanceof Uint8Array)) throw new Error('malformed');
      const dataKey = await aesOpen(device.key, device.nonce, device.wrapped, deviceAd(this.#record!));
      if (dataKey.length !== 32 || this.#record!.stage !== 'sealed') throw new Error('not this lock');
      await this.#open(dataKey);
    } catch {
      await this.forget();
    }
  }

  /** The store the engine runs on: sealed while unlocked, raw without a lock; `locked` otherwise. */
  async store(): Promise<Store> {
    const state = await this.state();
    if (state === 'locked') throw new FriendsChatError('locked', 'the chat is locked');
    return state === 'unlocked' ? this.#sealed! : this.#raw;
  }

  /** Opens the data key; finishes a migration a crash interrupted. Wrong: `bad-passphrase`, nothing else changes. */
  async unlock(passphrase: string): Promise<void> {
    if ((await this.state()) !== 'locked') return;
    await this.#unlockWith(await this.#tryPassphrase(passphrase));
  }

  /** Whether a passkey can open this lock. */
  async hasPasskey(): Promise<boolean> {
    return checkPasskeyRecord(await this.#raw.get(PASSKEY_KEY)) !== undefined;
  }

  /** Registers a passkey that opens the lock too (the chat must be unlocked). */
  async addPasskey(name: string): Promise<void> {
    if (!this.#dataKey) throw new FriendsChatError('locked', 'the chat is locked');
    await this.#raw.set(PASSKEY_KEY, await wrapWithPasskey(this.#dataKey, name));
  }

  removePasskey(): Promise<void> {
    return this.#raw.del(PASSKEY_KEY);
  }

  /** Opens the data key with the passkey (the user confirms on the authenticator). */
  async unlockWithPasskey(): Promise<void> {
    if ((await this.state()) !== 'locked') return;
    const record = checkPasskeyRecord(await this.#raw.get(PASSKEY_KEY));
    if (!record) throw new FriendsChatError('passkey-unavailable', 'no passkey opens this chat');
    await this.#unlockWith(await unwrapWithPasskey(record));
  }

  async #unlockWith(dataKey: Uint8Array): Promise<void> {
    await this.#open(dataKey);
    if (this.#record!.stage === 'sealing') await this.#finishSealing();
    if (this.#record!.stage === 'opening') await this.#finishOpening();
  }

  /** Forgets the data key (the engine must be stopped first). */
  lock(): void {
    this.#dataKey?.fill(0);
    this.#dataKey = null;
    this.#sealed = null;
  }

  /** Seals the store in place under a new random data key (the engine must be stopped). */
  async enable(passphrase: string, limit?: number): Promise<void> {
    checkPassphrase(passphrase);
    if ((await this.state()) !== 'none') throw new FriendsChatError('bad-input', 'locked already');
    const dataKey = randomBytes(32);
    const record = await wrapDataKey(dataKey, passphrase, 'sealing');
    await this.#raw.set(LOCK_KEY, record);
    this.#record = record;
    await this.#open(dataKey);
    await this.#finishSealing(limit);
  }

  /** Writes every record back in plaintext and removes the lock (the engine must be stopped). */
  async disable(passphrase: string): Promise<void> {
    if ((await this.state()) === 'none') return;
    const dataKey = await this.#tryPassphrase(passphrase);
    if (!this.#sealed) await this.#open(dataKey);
    await this.#setStage('opening');
    await this.#finishOpening();
  }

  /** Checks a passphrase (under the back-off) without changing anything. */
  async verify(passphrase: string): Promise<void> {
    if ((await this.state()) !== 'none') (await this.#tryPassphrase(passphrase)).fill(0);
  }

  async change(old: string, passphrase: string): Promise<void> {
    checkPassphrase(passphrase);
    if ((await this.state()) === 'none') throw new FriendsChatError('bad-input', 'no lock');
    const dataKey = await this.#tryPassphrase(old);
    const record = await wrapDataKey(dataKey, passphrase, this.#record!.stage);
    dataKey.fill(0);
    await this.#raw.set(LOCK_KEY, record);
    this.#record = record;
    // A remembered key is bound to the old record: wrap it again for the new one.
    if (this.#dataKey && (await this.remembered())) await this.remember();
  }

  /** The data key, for a check of the passphrase under the back-off. */
  async #tryPassphrase(passphrase: string): Promise<Uint8Array> {
    const tries = (await this.#raw.get<{ n: number; at: number }>(TRIES_KEY)) ?? { n: 0, at: 0 };
    const wait = tries.n < FREE_TRIES ? 0 : Math.min(FIRST_WAIT * 2 ** (tries.n - FREE_TRIES), MAX_WAIT);
    const left = tries.at + wait - Date.now();
    if (left > 0) throw new FriendsChatError('try-later', `try again in ${Math.ceil(left / 1000)} s`);
    try {
      const key = await unwrapDataKey(this.#record!, passphrase);
      if (tries.n) await this.#raw.del(TRIES_KEY);
      return key;
    } catch (error) {
      await this.#raw.set(TRIES_KEY, { n: tries.n + 1, at: Date.now() });
      throw error;
    }
  }

  async #open(dataKey: Uint8Array): Promise<void> {
    this.#dataKey = dataKey;
    this.#sealed = await SealedStore.open(this.#raw, dataKey, this.#onError);
  }

  async #finishSealing(limit?: number): Promise<void> {
    if (await sealInPlace(this.#raw, this.#sealed!, limit)) await this.#setStage('sealed');
  }

  async #finishOpening(): Promise<void> {
    await openInPlace(this.#raw, this.#sealed!);
    await this.#sealed!.clear(); // drops the version index: openInPlace left no sealed record
    await this.#raw.delMany([LOCK_KEY, TRIES_KEY, DEVICE_KEY, PASSKEY_KEY]);
    this.lock();
    this.#record = null;
  }

  async #setStage(stage: LockRecord['stage']): Promise<void> {
    const record = { ...this.#record!, stage };
    await this.#raw.set(LOCK_KEY, record);
    this.#record = record;
  }
}
