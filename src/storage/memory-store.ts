import type { Store } from './store.js';

/**
 * `storage="memory"`: nothing touches the disk; everything is gone with the element.
 * Values are cloned on the way in and out, as IndexedDB would, so callers can't alias.
 */
export class MemoryStore implements Store {
  readonly #map = new Map<string, unknown>();

  async get<T>(key: string): Promise<T | undefined> {
    const value = this.#map.get(key);
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  async getMany<T>(keys: string[]): Promise<(T | undefined)[]> {
    return Promise.all(keys.map((key) => this.get<T>(key)));
  }

  async set(key: string, value: unknown): Promise<void> {
    this.#map.set(key, structuredClone(value));
  }

  async setMany(entries: [string, unknown][]): Promise<void> {
    const cloned = entries.map(([k, v]) => [k, structuredClone(v)] as const);
    for (const [k, v] of cloned) this.#map.set(k, v);
  }

  async del(key: string): Promise<void> {
    this.#map.delete(key);
  }

  async delMany(keys: string[]): Promise<void> {
    for (const key of keys) this.#map.delete(key);
  }

  async keys(): Promise<string[]> {
    return [...this.#map.keys()];
  }

  async clear(): Promise<void> {
    this.#map.clear();
  }
}
