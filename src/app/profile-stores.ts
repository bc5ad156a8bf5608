import type { StorageKind } from '../config/attributes.js';
import type { FriendsChatError } from '../errors.js';
import { IdbStore } from '../storage/idb-store.js';
import { MemoryStore } from '../storage/memory-store.js';
import type { Store } from '../storage/store.js';
import { StorageLock } from './storage-lock.js';

/**
 * The store of the profile in use, kept across engine restarts, so that `storage="memory"`
 * keeps its data when another attribute (say `signaling`) changes. An IndexedDB profile
 * comes with its lock (docs/storage-lock.md); a memory store writes nothing and has none.
 */
export class ProfileStores {
  #current: { key: string; store: Store; lock: StorageLock | null } | null = null;
  readonly #onError: (error: FriendsChatError) => void;

  constructor(onError: (error: FriendsChatError) => void = () => {}) {
    this.#onError = onError;
  }

  #entry(config: { storage: StorageKind; profile: string }): { store: Store; lock: StorageLock | null } {
    const key = `${config.storage}:${config.profile}`;
    if (this.#current?.key !== key) {
      const memory = config.storage === 'memory';
      const store = memory ? new MemoryStore() : new IdbStore(config.profile);
      this.#current = { key, store, lock: memory ? null : new StorageLock(store, this.#onError) };
    }
    return this.#current;
  }

  /** The store the engine runs on (sealed while unlocked); rejects with `locked` while locked. */
  get(config: { storage: StorageKind; profile: string }): Promise<Store> {
    const { store, lock } = this.#entry(config);
    return lock ? lock.store() : Promise.resolve(store);
  }

  /** The profile's lock; null for a memory store. */
  lock(config: { storage: StorageKind; profile: string }): StorageLock | null {
    return this.#entry(config).lock;
  }
}
