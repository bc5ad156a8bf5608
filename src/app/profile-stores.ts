import type { StorageKind } from '../config/attributes.js';
import { IdbStore } from '../storage/idb-store.js';
import { MemoryStore } from '../storage/memory-store.js';
import type { Store } from '../storage/store.js';

/**
 * The store of the profile in use, kept across engine restarts, so that `storage="memory"`
 * keeps its data when another attribute (say `signaling`) changes.
 */
export class ProfileStores {
  #current: { key: string; store: Store } | null = null;

  get(config: { storage: StorageKind; profile: string }): Store {
    const key = `${config.storage}:${config.profile}`;
    if (this.#current?.key !== key) {
      this.#current = { key, store: config.storage === 'memory' ? new MemoryStore() : new IdbStore(config.profile) };
    }
    return this.#current.store;
  }
}
