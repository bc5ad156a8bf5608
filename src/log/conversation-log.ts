import type { Store } from '../storage/store.js';
import { compareEntries, isExpired, type Entry } from './entry.js';

/** Pages hold a few hundred entries; a page that grows past MAX splits in two. */
export const PAGE_TARGET = 200;
const PAGE_MAX = 400;

interface SortKey {
  clock: number;
  ts: number;
  id: string;
}

interface PageMeta {
  n: number;
  count: number;
  first: SortKey;
  last: SortKey;
}

/** Per author: the highest contiguous seq held, and that entry's id and clock. */
export interface Head {
  seq: number;
  id: string;
  clock: number;
}

interface Index {
  v: 1;
  pages: PageMeta[];
  nextPage: number;
  heads: Record<string, Head>;
  maxClock: number;
  /** Entries with a body that will expire: id → [expiresAt, page]. */
  expiring: Record<string, number>;
  count: number;
}

export type AppendResult = 'stored' | 'duplicate' | 'gap' | 'fork' | 'bad-clock' | 'missing-dep';

const key = (conversation: string, suffix: string): string => `log:${conversation}:${suffix}`;
const keyOf = (e: SortKey): SortKey => ({ clock: e.clock, ts: e.ts, id: e.id });

/**
 * One conversation's log in the store: a small index plus pages of entries in display
 * order (never one key per message, never the whole history in one value). Opening reads
 * only the index and the newest page. All writes are serialised; each append writes its
 * page(s) and the index in one atomic `setMany`.
 */
export class ConversationLog {
  readonly conversation: string;
  readonly #store: Store;
  #index: Index;
  readonly #pages = new Map<number, Entry[]>();
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(store: Store, conversation: string, index: Index) {
    this.#store = store;
    this.conversation = conversation;
    this.#index = index;
  }

  static async open(store: Store, conversation: string): Promise<ConversationLog> {
    const index = (await store.get<Index>(key(conversation, 'index'))) ?? {
      v: 1,
      pages: [],
      nextPage: 0,
      heads: {},
      maxClock: 0,
      expiring: {},
      count: 0,
    };
    return new ConversationLog(store, conversation, index);
  }

  get count(): number {
    return this.#index.count;
  }

  head(author: string): Head | undefined {
    return this.#index.heads[author];
  }

  /** The version vector: author → highest contiguous seq. */
  versionVector(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.#index.heads).map(([a, h]) => [a, h.seq]));
  }

  get maxClock(): number {
    return this.#index.maxClock;
  }

  /**
   * Appends a verified entry if it is the next one of its author. Duplicates are ignored
   * (receiving is idempotent); gaps wait for a later sync; forks are refused.
   */
  append(entry: Entry, now: number): Promise<AppendResult> {
    return this.#serial(async () => {
      const head = this.#index.heads[entry.author];
      const have = head?.seq ?? 0;
      if (entry.seq <= have) return 'duplicate';
      if (entry.seq > have + 1) return 'gap';
      if (entry.prev !== (head?.id ?? '')) return 'fork';
      if (head && entry.clock <= head.clock) return 'bad-clock';
      for (const dep of entry.deps) {
        const known = Object.values(this.#index.heads).some((h) => h.id === dep) || (await this.#findClock(dep)) !== null;
        if (!known) return 'missing-dep';
      }
      const stored: Entry = isExpired(entry, now) ? withoutBody(entry) : entry;
      await this.#insert(stored);
      return 'stored';
    });
  }

  /** The newest `limit` entries before the entry `before` (or the newest overall). */
  history(options: { before?: string; limit?: number } = {}): Promise<Entry[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 50, 1000));
    return this.#serial(async () => {
      const out: Entry[] = [];
      let started = options.before === undefined;
      for (let p = this.#index.pages.length - 1; p >= 0 && out.length < limit; p--) {
        const page = await this.#page(this.#index.pages[p]!.n);
        for (let i = page.length - 1; i >= 0 && out.length < limit; i--) {
          const entry = page[i]!;
          if (!started) {
            if (entry.id === options.before) started = true;
            continue;
          }
          out.push(entry);
        }
      }
      return out.reverse();
    });
  }

  /** Entries by `author` with seq > `after`, in seq order (walks back from the newest). */
  entriesAfter(author: string, after: number): Promise<Entry[]> {
    return this.#serial(async () => {
      const head = this.#index.heads[author];
      if (!head || head.seq <= after) return [];
      const out: Entry[] = [];
      for (let p = this.#index.pages.length - 1; p >= 0; p--) {
        const page = await this.#page(this.#index.pages[p]!.n);
        for (let i = page.length - 1; i >= 0; i--) {
          const entry = page[i]!;
          if (entry.author !== author) continue;
          if (entry.seq <= after) return out.sort((a, b) => a.seq - b.seq);
          out.push(entry);
        }
      }
      return out.sort((a, b) => a.seq - b.seq);
    });
  }

  /** Strips the body of every entry whose time is up; returns their ids. */
  expire(now: number): Promise<string[]> {
    return this.#serial(async () => {
      const due = Object.entries(this.#index.expiring).filter(([, at]) => at <= now);
      if (due.length === 0) return [];
      const ids = new Set(due.map(([id]) => id));
      const writes: [string, unknown][] = [];
      for (const meta of this.#index.pages) {
        const page = await this.#page(meta.n);
        let changed = false;
        for (let i = 0; i < page.length; i++) {
          if (ids.has(page[i]!.id) && page[i]!.body !== undefined) {
            page[i] = withoutBody(page[i]!);
            changed = true;
          }
        }
        if (changed) writes.push([key(this.conversation, `page:${meta.n}`), page]);
      }
      for (const id of ids) delete this.#index.expiring[id];
      writes.push([key(this.conversation, 'index'), this.#index]);
      await this.#store.setMany(writes);
      return [...ids];
    });
  }

  /** The earliest pending expiry, if any. */
  nextExpiry(): number | undefined {
    const times = Object.values(this.#index.expiring);
    return times.length ? Math.min(...times) : undefined;
  }

  async #findClock(id: string): Promise<number | null> {
    for (let p = this.#index.pages.length - 1; p >= 0; p--) {
      const page = await this.#page(this.#index.pages[p]!.n);
      const found = page.find((e) => e.id === id);
      if (found) return found.clock;
    }
    return null;
  }

  async #insert(entry: Entry): Promise<void> {
    const index = this.#index;
    const writes: [string, unknown][] = [];
    if (index.pages.length === 0) {
      const n = index.nextPage++;
      index.pages.push({ n, count: 0, first: keyOf(entry), last: keyOf(entry) });
      this.#pages.set(n, []);
    }
    // The page this entry belongs in: the last one whose first key is not after it.
    let p = index.pages.length - 1;
    while (p > 0 && compareEntries(index.pages[p]!.first, entry) > 0) p--;
    const meta = index.pages[p]!;
    const page = await this.#page(meta.n);
    let at = page.length;
    while (at > 0 && compareEntries(page[at - 1]!, entry) > 0) at--;
    page.splice(at, 0, entry);
    if (page.length > PAGE_MAX) {
      const n = index.nextPage++;
      const tail = page.splice(PAGE_TARGET);
      this.#pages.set(n, tail);
      index.pages.splice(p + 1, 0, { n, count: tail.length, first: keyOf(tail[0]!), last: keyOf(tail.at(-1)!) });
      writes.push([key(this.conversation, `page:${n}`), tail]);
    }
    meta.count = page.length;
    meta.first = keyOf(page[0]!);
    meta.last = keyOf(page.at(-1)!);
    index.heads[entry.author] = { seq: entry.seq, id: entry.id, clock: entry.clock };
    index.maxClock = Math.max(index.maxClock, entry.clock);
    index.count++;
    if (entry.expiresAt !== undefined && entry.body !== undefined) index.expiring[entry.id] = entry.expiresAt;
    writes.push([key(this.conversation, `page:${meta.n}`), page], [key(this.conversation, 'index'), index]);
    await this.#store.setMany(writes);
  }

  async #page(n: number): Promise<Entry[]> {
    let page = this.#pages.get(n);
    if (!page) {
      page = (await this.#store.get<Entry[]>(key(this.conversation, `page:${n}`))) ?? [];
      // Keep a handful of pages in memory: the newest ones are read the most.
      if (this.#pages.size > 8) {
        const newest = new Set(this.#index.pages.slice(-2).map((m) => m.n));
        for (const k of this.#pages.keys()) if (!newest.has(k)) this.#pages.delete(k);
      }
      this.#pages.set(n, page);
    }
    return page;
  }

  #serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#queue.catch(() => {}).then(run);
    this.#queue = next;
    return next;
  }
}

function withoutBody(entry: Entry): Entry {
  const { body: _body, ...rest } = entry;
  return rest;
}
