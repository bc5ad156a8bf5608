/**
 * The Store port: a small async key-value store, one per profile. Values are structured-
 * cloneable. `setMany` is atomic, so an import or a page of log entries is written whole or
 * not at all.
 */
export interface Store {
  get<T>(key: string): Promise<T | undefined>;
  /** Several values in one read (one transaction). */
  getMany<T>(keys: string[]): Promise<(T | undefined)[]>;
  set(key: string, value: unknown): Promise<void>;
  setMany(entries: [string, unknown][]): Promise<void>;
  del(key: string): Promise<void>;
  delMany(keys: string[]): Promise<void>;
  keys(): Promise<string[]>;
  /** Removes everything in this profile's store. */
  clear(): Promise<void>;
}
