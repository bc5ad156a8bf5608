import { clear, createStore, del, delMany, get, getMany, keys, set, setMany, type UseStore } from 'idb-keyval';
import { FriendsChatError } from '../errors.js';
import type { Store } from './store.js';

/** Profile names become database names; keep them to a safe alphabet. */
export const PROFILE_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * IndexedDB through idb-keyval (the only idb-keyval importer): one database per profile,
 * so two widgets with different profiles share nothing. Failures (quota, private mode)
 * become `storage-failed` errors that say what happened.
 */
export class IdbStore implements Store {
  readonly #store: UseStore;

  constructor(profile: string) {
    if (!PROFILE_PATTERN.test(profile)) throw new FriendsChatError('bad-attribute', 'profile must be 1–64 letters, digits, . _ or -');
    this.#store = createStore(`friends-chat:${profile}`, 'kv');
  }

  get<T>(key: string): Promise<T | undefined> {
    return wrap(get<T>(key, this.#store));
  }

  getMany<T>(keys: string[]): Promise<(T | undefined)[]> {
    return wrap(getMany<T>(keys, this.#store));
  }

  set(key: string, value: unknown): Promise<void> {
    return wrap(set(key, value, this.#store));
  }

  setMany(entries: [string, unknown][]): Promise<void> {
    return wrap(setMany(entries, this.#store));
  }

  del(key: string): Promise<void> {
    return wrap(del(key, this.#store));
  }

  delMany(keys: string[]): Promise<void> {
    return wrap(delMany(keys, this.#store));
  }

  async keys(): Promise<string[]> {
    return (await wrap(keys(this.#store))).map(String);
  }

  clear(): Promise<void> {
    return wrap(clear(this.#store));
  }
}

async function wrap<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    const reason = name === 'QuotaExceededError' ? 'storage quota exceeded' : `storage failed${name ? ` (${name})` : ''}`;
    throw new FriendsChatError('storage-failed', reason, { cause: error });
  }
}
