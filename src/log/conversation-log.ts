import { Keyspace } from '../storage/keyspace.js';
import type { Store } from '../storage/store.js';
import { compareEntries, isExpired, type Entry } from './entry.js';
import { EntryIds, type FullIndex } from './entry-ids.js';
import { GroupCommit } from './group-commit.js';
import { LogPages } from './log-pages.js';
import { Serial } from '../util/serial.js';

/** Pages hold a few hundred entries; a page that grows past MAX splits in two. */
export const PAGE_TARGET = 100;
const PAGE_MAX = 200;

interface SortKey {
  clock: number;
  ts: number;
  id: string;
}

/** The page directory changes only when a page is created, split or gets a new first entry. */
interface PageMeta {
  n: number;
  first: SortKey;
}

/** Per author: the highest contiguous seq held, and that entry's id and clock. */
export interface Head {
  seq: number;
  id: string;
  clock: number;
  /** The entry's timestamp (absent in indexes written by the first release). */
  ts?: number;
}

/** Written with every append, so it stays small: no per-page data in here. */
interface Index {
  v: 1;
  nextPage: number;
  heads: Record<string, Head>;
  maxClock: number;
  /** Entries with a body that will expire: id → [expiresAt, page]. */
  expiring: Record<string, number>;
  count: number;
}

/**
 * `fork`: the author signed a different entry at a seq we hold (evidence, see `forks`);
 * `bad-clock`: the clock is not above the author's previous one and every dep's, or the
 * timestamp goes back; `skipped`: not looked at, an earlier entry of the batch was refused.
 */
export type AppendResult = 'stored' | 'duplicate' | 'gap' | 'fork' | 'bad-clock' | 'missing-dep' | 'skipped';

/** Forked entries kept as evidence, per conversation. */
const MAX_EVIDENCE = 16;

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
  #dir: PageMeta[];
  readonly #pages: LogPages;
  readonly #ids: EntryIds;
  readonly #queue = new Serial();
  readonly #commits: GroupCommit;
  /** Writes of the batch being appended: a page evicted from the cache is read from here first. */
  #pending: Map<string, unknown> | null = null;

  private constructor(store: Store, conversation: string, index: Index, dir: PageMeta[]) {
    this.#store = store;
    this.#commits = new GroupCommit(store);
    this.conversation = conversation;
    this.#index = index;
    this.#dir = dir;
    this.#ids = new EntryIds(() => this.#allPages());
    this.#pages = new LogPages({ store, conversation, commits: this.#commits, pending: () => this.#pending, onRead: (e) => this.#ids.seen(e) });
  }

  static async open(store: Store, conversation: string): Promise<ConversationLog> {
    const [index, dir] = await Promise.all([store.get<Index>(Keyspace.log(conversation, 'index')), store.get<PageMeta[]>(Keyspace.log(conversation, 'dir'))]);
    return new ConversationLog(
      store,
      conversation,
      index ?? { v: 1, nextPage: 0, heads: {}, maxClock: 0, expiring: {}, count: 0 },
      dir ?? [],
    );
  }

  get count(): number {
    return this.#index.count;
  }

  /** Whether an entry ID is known without reading a page (a head, or seen recently). */
  knows(id: string): boolean {
    return this.#ids.isRecent(id) || Object.values(this.#index.heads).some((h) => h.id === id);
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
    return this.appendMany([entry], now).then((results) => results[0]!);
  }

  /**
   * Appends several entries in order and writes the pages and the index they touched once,
   * in one `setMany` (a batch from a friend costs one write, not one per entry). Resolves
   * once that write is durable.
   */
  appendMany(entries: Entry[], now: number): Promise<AppendResult[]> {
    return this.appendStaged(entries, now).then(async ({ results, durable }) => {
      await durable;
      return results;
    });
  }

  /**
   * Like `appendMany`, but resolves as soon as the entries are in the log's memory (in
   * call order), with `durable` for their write: the next append need not wait for the
   * disk, and appends made meanwhile share one commit (see GroupCommit). Nothing may be
   * sent before `durable` resolves.
   */
  appendStaged(entries: Entry[], now: number): Promise<{ results: AppendResult[]; durable: Promise<void> }> {
    return this.#serial(async () => {
      const writes = new Map<string, unknown>();
      this.#pending = writes;
      try {
        const results: AppendResult[] = [];
        let refused = false;
        for (const entry of entries) {
          // After the first refused entry the rest of the batch is not looked at.
          const result: AppendResult = refused ? 'skipped' : await this.#appendOne(entry, now, writes);
          refused ||= result === 'fork' || result === 'bad-clock' || result === 'missing-dep';
          results.push(result);
        }
        const durable = writes.size ? this.#commits.write(writes) : this.#commits.settled();
        durable.catch(() => {}); // the caller awaits it; this keeps an unawaited failure quiet
        return { results, durable };
      } finally {
        this.#pending = null;
      }
    });
  }

  async #appendOne(entry: Entry, now: number, writes: Map<string, unknown>): Promise<AppendResult> {
    const head = this.#index.heads[entry.author];
    const have = head?.seq ?? 0;
    if (entry.seq <= have) {
      if (this.#ids.isRecent(entry.id) || entry.id === head?.id) return 'duplicate';
      return (await this.#ids.idAt(entry.author, entry.seq)) === entry.id ? 'duplicate' : this.#fork(entry, writes);
    }
    if (entry.seq > have + 1) return 'gap';
    if (entry.prev !== (head?.id ?? '')) return this.#fork(entry, writes);
    if (head && (entry.clock <= head.clock || entry.ts < (head.ts ?? 0))) return 'bad-clock';
    for (const dep of entry.deps) {
      const clock = await this.#clockOf(dep);
      if (clock === undefined) return 'missing-dep';
      if (clock >= entry.clock) return 'bad-clock';
    }
    const stored: Entry = isExpired(entry, now) ? withoutBody(entry) : entry;
    await this.#insert(stored, writes);
    return 'stored';
  }

  /**
   * The newest `limit` entries before the entry `before` (or the newest overall); with
   * `from`, the entry `from` and the `limit - 1` after it (a thread opened at an old message).
   */
  history(options: { before?: string; from?: string; limit?: number } = {}): Promise<Entry[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 50, 1000));
    if (options.from !== undefined) return this.#from(options.from, limit);
    return this.#serial(async () => {
      const out: Entry[] = [];
      let started = options.before === undefined;
      for (let p = this.#dir.length - 1; p >= 0 && out.length < limit; p--) {
        const page = await this.#pages.get(this.#dir[p]!.n);
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

  #from(id: string, limit: number): Promise<Entry[]> {
    return this.#serial(async () => {
      const clock = await this.#clockOf(id);
      let p = this.#dir.length - 1;
      while (clock !== undefined && p > 0 && this.#dir[p]!.first.clock >= clock) p--;
      const out: Entry[] = [];
      for (let started = false; clock !== undefined && p < this.#dir.length && out.length < limit; p++) {
        for (const entry of await this.#pages.get(this.#dir[p]!.n)) {
          started ||= entry.id === id;
          if (started && out.length < limit) out.push(entry);
        }
      }
      return out;
    });
  }

  /**
   * The entries of one page, counted back from the newest (0), or undefined past the
   * oldest. A page not in the cache is read from the store without joining the cache, so
   * a search walking the whole history keeps memory bounded (one page at a time).
   */
  pageBack(back: number): Promise<Entry[] | undefined> {
    return this.#serial(async () => {
      const meta = this.#dir[this.#dir.length - 1 - back];
      if (!meta || back < 0) return undefined;
      return this.#pages.peek(meta.n);
    });
  }

  /** Entries by `author` with seq > `after`, in seq order (walks back from the newest). */
  entriesAfter(author: string, after: number): Promise<Entry[]> {
    return this.#serial(async () => {
      const head = this.#index.heads[author];
      if (!head || head.seq <= after) return [];
      const out: Entry[] = [];
      for (let p = this.#dir.length - 1; p >= 0; p--) {
        const page = await this.#pages.get(this.#dir[p]!.n);
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

  /** The entry with this ID, if held; its clock says which pages to read. */
  find(id: string): Promise<Entry | undefined> {
    return this.#serial(async () => {
      const clock = await this.#clockOf(id);
      for (let p = this.#dir.length - 1; clock !== undefined && p >= 0; p--) {
        const first = this.#dir[p]!.first.clock;
        if (first > clock) continue;
        const hit = (await this.#pages.get(this.#dir[p]!.n)).find((e) => e.id === id);
        if (hit || first < clock) return hit;
      }
      return undefined;
    });
  }

  /** Entries deleted for everyone: their bodies go at the next `expire`, as at an expiry. */
  erase(ids: string[]): void {
    for (const id of ids) this.#index.expiring[id] = 0;
  }

  /** Strips the body of every entry whose time is up; returns their ids. */
  expire(now: number): Promise<string[]> {
    return this.#serial(async () => {
      const due = Object.entries(this.#index.expiring).filter(([, at]) => at <= now);
      if (due.length === 0) return [];
      const ids = new Set(due.map(([id]) => id));
      const writes: [string, unknown][] = [];
      for (const meta of this.#dir) {
        const page = await this.#pages.get(meta.n);
        let changed = false;
        for (let i = 0; i < page.length; i++) {
          if (ids.has(page[i]!.id) && page[i]!.body !== undefined) {
            page[i] = withoutBody(page[i]!);
            changed = true;
          }
        }
        if (changed) writes.push([this.#pages.key(meta.n), page]);
      }
      for (const id of ids) delete this.#index.expiring[id];
      writes.push([Keyspace.log(this.conversation, 'index'), this.#index]);
      await this.#commits.write(new Map(writes));
      return [...ids];
    });
  }

  /**
   * Deletes the whole log from the store (its contact was removed or blocked) and returns
   * the IDs of its file entries, so their bytes can go too. The log is empty afterwards.
   */
  clear(): Promise<string[]> {
    return this.#serial(async () => {
      const files: string[] = [];
      for (const meta of this.#dir) for (const entry of await this.#pages.get(meta.n)) if (entry.kind === 'file') files.push(entry.id);
      const prefix = Keyspace.log(this.conversation, 'index').slice(0, -'index'.length);
      await this.#commits.settled(); // a write still in flight must not bring a page back
      await this.#store.delMany((await this.#store.keys()).filter((k) => k.startsWith(prefix)));
      this.#index = { v: 1, nextPage: 0, heads: {}, maxClock: 0, expiring: {}, count: 0 };
      this.#dir = [];
      this.#pages.clear();
      this.#ids.clear();
      return files;
    });
  }

  /** The earliest pending expiry, if any. */
  nextExpiry(): number | undefined {
    const times = Object.values(this.#index.expiring);
    return times.length ? Math.min(...times) : undefined;
  }

  /** Entries that forked their author's history (signed twice for one seq), kept as evidence. */
  async forks(): Promise<Entry[]> {
    return (await this.#store.get<Entry[]>(Keyspace.log(this.conversation, 'forks'))) ?? [];
  }

  async #fork(entry: Entry, writes: Map<string, unknown>): Promise<'fork'> {
    const key = Keyspace.log(this.conversation, 'forks');
    const evidence = ((writes.get(key) as Entry[] | undefined) ?? (await this.forks())).filter((e) => e.id !== entry.id);
    writes.set(key, [...evidence, entry].slice(-MAX_EVIDENCE));
    return 'fork';
  }

  /** Whether the log holds the entry `id` (a dep checked before anything else about an entry). */
  holds(id: string): Promise<boolean> {
    return this.#serial(async () => (await this.#clockOf(id)) !== undefined);
  }

  #clockOf(id: string): Promise<number | undefined> {
    return this.#ids.clockOf(id, Object.values(this.#index.heads));
  }

  /** Every page, oldest first, without filling the cache (the one-time scan of `EntryIds`). */
  async *#allPages(): AsyncIterable<Entry[]> {
    for (const meta of this.#dir) yield this.#pages.peek(meta.n);
  }

  /** For tests: whether the one-time scan of all pages has happened. */
  get full(): FullIndex | null {
    return this.#ids.full;
  }

  async #insert(entry: Entry, writes: Map<string, unknown>): Promise<void> {
    const index = this.#index;
    const dir = this.#dir;
    let dirChanged = false;
    if (dir.length === 0) {
      const n = index.nextPage++;
      dir.push({ n, first: keyOf(entry) });
      this.#pages.put(n, []);
      dirChanged = true;
    }
    // The page this entry belongs in: the last one whose first key is not after it.
    let p = dir.length - 1;
    while (p > 0 && compareEntries(dir[p]!.first, entry) > 0) p--;
    let meta = dir[p]!;
    let page = await this.#pages.get(meta.n);
    // Appends at the end start a fresh tail page once it holds PAGE_TARGET entries, so each
    // append rewrites a small page (middle inserts still split full pages in two).
    if (p === dir.length - 1 && page.length >= PAGE_TARGET && compareEntries(page.at(-1)!, entry) < 0) {
      const n = index.nextPage++;
      meta = { n, first: keyOf(entry) };
      dir.push(meta);
      page = [];
      this.#pages.put(n, page);
      p = dir.length - 1;
      dirChanged = true;
    }
    let at = page.length;
    while (at > 0 && compareEntries(page[at - 1]!, entry) > 0) at--;
    page.splice(at, 0, entry);
    if (at === 0) {
      meta.first = keyOf(entry);
      dirChanged = true;
    }
    if (page.length > PAGE_MAX) {
      const n = index.nextPage++;
      const tail = page.splice(PAGE_TARGET);
      this.#pages.put(n, tail);
      dir.splice(p + 1, 0, { n, first: keyOf(tail[0]!) });
      writes.set(this.#pages.key(n), tail);
      dirChanged = true;
    }
    index.heads[entry.author] = { seq: entry.seq, id: entry.id, clock: entry.clock, ts: entry.ts };
    this.#ids.added(entry);
    index.maxClock = Math.max(index.maxClock, entry.clock);
    index.count++;
    if (entry.expiresAt !== undefined && entry.body !== undefined) index.expiring[entry.id] = entry.expiresAt;
    writes.set(this.#pages.key(meta.n), page);
    writes.set(Keyspace.log(this.conversation, 'index'), index);
    if (dirChanged) writes.set(Keyspace.log(this.conversation, 'dir'), dir);
  }

  #serial<T>(run: () => Promise<T>): Promise<T> {
    return this.#queue.run(run);
  }
}

function withoutBody(entry: Entry): Entry {
  const { body: _body, ...rest } = entry;
  return rest;
}
