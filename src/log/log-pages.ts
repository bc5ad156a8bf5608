import { Keyspace } from '../storage/keyspace.js';
import type { Store } from '../storage/store.js';
import type { Entry } from './entry.js';
import type { GroupCommit } from './group-commit.js';

/** Pages held in memory; the newest pages are the ones read most. */
const PAGE_CACHE = 16;

export interface LogPagesOptions {
  store: Store;
  conversation: string;
  commits: GroupCommit;
  /** The writes of the batch being appended, if one is. */
  pending(): Map<string, unknown> | null;
  /** Every entry of a page read from the store. */
  onRead(entry: Entry): void;
}

/**
 * A conversation log's pages: a least-recently-used cache over the store, which looks at
 * writes not yet committed (the batch being appended, a group commit in flight) first.
 */
export class LogPages {
  readonly #o: LogPagesOptions;
  readonly #cache = new Map<number, Entry[]>();

  constructor(options: LogPagesOptions) {
    this.#o = options;
  }

  key(n: number): string {
    return Keyspace.log(this.#o.conversation, `page:${n}`);
  }

  /** A page that is new, or replaced as a whole (a split's tail). */
  put(n: number, page: Entry[]): void {
    this.#cache.set(n, page);
  }

  /** Page `n`, joining the cache. */
  async get(n: number): Promise<Entry[]> {
    let page = this.#cache.get(n);
    if (page) {
      this.#cache.delete(n);
      this.#cache.set(n, page);
      return page;
    }
    page = await this.#read(n);
    for (const entry of page) this.#o.onRead(entry);
    this.#cache.set(n, page);
    if (this.#cache.size > PAGE_CACHE) this.#cache.delete(this.#cache.keys().next().value!);
    return page;
  }

  /** Page `n` without joining the cache, so a walk over the whole history keeps memory bounded. */
  async peek(n: number): Promise<Entry[]> {
    return this.#cache.get(n) ?? (await this.#read(n));
  }

  clear(): void {
    this.#cache.clear();
  }

  async #read(n: number): Promise<Entry[]> {
    const key = this.key(n);
    const unwritten = (this.#o.pending()?.get(key) as Entry[] | undefined) ?? this.#o.commits.peek<Entry[]>(key);
    return unwritten ?? (await this.#o.store.get<Entry[]>(key)) ?? [];
  }
}
