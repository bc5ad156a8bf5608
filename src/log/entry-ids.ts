import type { Entry } from './entry.js';

/** Recently seen entry IDs kept with their clocks, so checking `deps` rarely reads a page. */
const RECENT_IDS = 20000;

/** Every entry's clock by ID, and each author's IDs by seq. */
export interface FullIndex {
  clocks: Map<string, number>;
  ids: Map<string, string[]>;
}

/**
 * Which entries a log holds, by ID: the recent ones in memory, the rest from one scan of
 * all pages the first time an ID or an old seq is not among them, then kept current. So a
 * stream of entries with unknown deps costs one scan per run, not one per entry.
 */
export class EntryIds {
  readonly #recent = new Map<string, number>();
  readonly #scan: () => AsyncIterable<Entry[]>;
  #full: FullIndex | null = null;

  /** `scan` walks every page of the log once, oldest first, without filling its cache. */
  constructor(scan: () => AsyncIterable<Entry[]>) {
    this.#scan = scan;
  }

  /** For tests: whether the one-time scan has happened. */
  get full(): FullIndex | null {
    return this.#full;
  }

  /** Whether `id` is among the recent IDs (no page read). */
  isRecent(id: string): boolean {
    return this.#recent.has(id);
  }

  /** An entry read from a page. */
  seen(entry: Entry): void {
    this.#recent.set(entry.id, entry.clock);
    if (this.#recent.size > RECENT_IDS) this.#recent.delete(this.#recent.keys().next().value!);
  }

  /** An entry just stored. */
  added(entry: Entry): void {
    this.seen(entry);
    if (this.#full) addToFull(this.#full, entry);
  }

  /** The clock of entry `id`, if the log holds it; `heads` are looked at before any scan. */
  async clockOf(id: string, heads: Iterable<{ id: string; clock: number }>): Promise<number | undefined> {
    const recent = this.#recent.get(id);
    if (recent !== undefined) return recent;
    for (const head of heads) if (head.id === id) return head.clock;
    return (await this.#fullIndex()).clocks.get(id);
  }

  async idAt(author: string, seq: number): Promise<string | undefined> {
    return (await this.#fullIndex()).ids.get(author)?.[seq - 1];
  }

  clear(): void {
    this.#recent.clear();
    this.#full = null;
  }

  async #fullIndex(): Promise<FullIndex> {
    if (!this.#full) {
      const full: FullIndex = { clocks: new Map(), ids: new Map() };
      for await (const page of this.#scan()) for (const entry of page) addToFull(full, entry);
      this.#full = full;
    }
    return this.#full;
  }
}

function addToFull(full: FullIndex, entry: Entry): void {
  full.clocks.set(entry.id, entry.clock);
  let ids = full.ids.get(entry.author);
  if (!ids) full.ids.set(entry.author, (ids = []));
  ids[entry.seq - 1] = entry.id;
}
