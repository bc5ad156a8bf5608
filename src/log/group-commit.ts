import type { Store } from '../storage/store.js';

/**
 * Group commit for a log's writes: while one `setMany` is in flight, the writes of every
 * append that follows are merged (latest value per key) into the next one. Each caller's
 * promise settles when a write holding its values is durable, so "stored before sent"
 * still holds per entry, but a burst of appends costs a few IndexedDB commits, not one
 * each. Values are the log's live objects (pages, index): a later write carries the
 * newest state, and IndexedDB runs overlapping transactions in the order they started.
 */
export class GroupCommit {
  readonly #store: Store;
  /** Writes waiting for the in-flight one, and the promise of the write that will take them. */
  #next: { writes: Map<string, unknown>; done: Promise<void> } | null = null;
  /** Values handed to a write that has not committed yet, readable before it lands. */
  readonly #unwritten = new Map<string, unknown>();
  #flight: Promise<void> = Promise.resolve();

  constructor(store: Store) {
    this.#store = store;
  }

  /** Queues these writes; resolves once they are durable (rejects if their write fails). */
  write(writes: Map<string, unknown>): Promise<void> {
    for (const [key, value] of writes) this.#unwritten.set(key, value);
    if (this.#next) {
      for (const [key, value] of writes) this.#next.writes.set(key, value);
      return this.#next.done;
    }
    const next = { writes: new Map(writes), done: Promise.resolve() };
    next.done = this.#flight
      .catch(() => {})
      .then(async () => {
        this.#next = null;
        const batch = [...next.writes];
        try {
          await this.#store.setMany(batch);
        } finally {
          for (const [key, value] of batch) if (this.#unwritten.get(key) === value) this.#unwritten.delete(key);
        }
      });
    this.#next = next;
    this.#flight = next.done;
    return next.done;
  }

  /** A value written but maybe not committed yet (a page evicted from a cache meanwhile). */
  peek<T>(key: string): T | undefined {
    return this.#unwritten.get(key) as T | undefined;
  }

  /** Resolves when every write queued so far has landed (or failed). */
  settled(): Promise<void> {
    return (this.#next?.done ?? this.#flight).catch(() => {});
  }
}
