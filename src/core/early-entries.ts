import type { Entry } from '../log/entry.js';

/** Entries held ahead of a gap, at most this many bytes (as their JSON) per conversation. */
export const MAX_EARLY_BYTES = 2 * 1024 * 1024;
const MAX_EARLY_ENTRIES = 1024;

/**
 * Verified entries that arrived ahead of a gap in their author's sequence, held until the
 * gap fills. Bounded in count and bytes; cleared when a session ends, since the next sync
 * sends whatever is still missing.
 */
export class EarlyEntries {
  readonly #byAuthor = new Map<string, Map<number, { entry: Entry; bytes: number }>>();
  #bytes = 0;
  #count = 0;

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#count;
  }

  /** Keeps `entry` if there is room; returns whether it was kept. */
  hold(entry: Entry): boolean {
    const bytes = JSON.stringify(entry).length;
    let held = this.#byAuthor.get(entry.author);
    if (held?.has(entry.seq)) return true;
    if (this.#count >= MAX_EARLY_ENTRIES || this.#bytes + bytes > MAX_EARLY_BYTES) return false;
    if (!held) this.#byAuthor.set(entry.author, (held = new Map()));
    held.set(entry.seq, { entry, bytes });
    this.#bytes += bytes;
    this.#count++;
    return true;
  }

  /** The held entry that directly follows an author's head, if any (removed from here). */
  next(headOf: (author: string) => number): Entry | undefined {
    for (const [author, held] of this.#byAuthor) {
      const head = headOf(author);
      for (const [seq, item] of held) if (seq <= head) this.#drop(held, seq, item.bytes);
      const item = held.get(head + 1);
      if (item) {
        this.#drop(held, head + 1, item.bytes);
        return item.entry;
      }
    }
    return undefined;
  }

  clear(): void {
    this.#byAuthor.clear();
    this.#bytes = 0;
    this.#count = 0;
  }

  #drop(held: Map<number, unknown>, seq: number, bytes: number): void {
    held.delete(seq);
    this.#bytes -= bytes;
    this.#count--;
  }
}
