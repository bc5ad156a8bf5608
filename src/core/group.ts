import { FriendsChatError } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import { ConversationLog } from '../log/conversation-log.js';
import { createEntry, MAX_DEPS, type Entry, type EntryKind } from '../log/entry.js';
import { Keyspace } from '../storage/keyspace.js';
import type { Store } from '../storage/store.js';
import { EarlyEntries } from './early-entries.js';
import {
  newSeed,
  openMessage,
  openSeed,
  parseKeyBody,
  parseSealedBody,
  ROTATE_AFTER_MESSAGES,
  ROTATE_AFTER_MS,
  sealMessage,
  sealSeed,
  SenderChain,
  type KeyBody,
} from './group-keys.js';
import { applyMemberOp, copyMembership, foldMembership, membershipOrder, parseMemberOp, type MemberOp, type Membership } from './group-membership.js';
import { Serial } from '../util/serial.js';

export interface GroupContext {
  store: Store;
  identity: Identity;
  now: () => number;
}

/** An own or a member's key entry, as far as the checks need it. */
interface KeyInfo {
  seq: number;
  e: number;
  ts: number;
  to: string[];
  body: KeyBody;
}

/** What a group message decrypts to: the kind and body a one-to-one entry would have (docs/groups.md). */
export interface GroupPlain {
  t: GroupKind;
  b: string;
}

export type GroupKind = 'text' | 'file' | 'reply' | 'react' | 'edit' | 'delete';
const KINDS: readonly string[] = ['text', 'file', 'reply', 'react', 'edit', 'delete'];

export type GroupAccept = { stored: Entry[]; refused: { entry: Entry; reason: string }[]; gap: boolean };

/**
 * One group conversation (docs/groups.md): its log (the same signed, hash-linked entries
 * as a one-to-one conversation, under the group's random ID), the membership folded from
 * its `member` entries, the sender keys of its `key` entries, and own sending state. Every
 * entry that arrives is checked against the membership at its place in the log before it
 * is stored: a non-member's, a non-admin's change, an old sender key are refused.
 */
export class Group {
  readonly id: string;
  readonly early = new EarlyEntries();
  /** Per member: the highest own seq they confirmed holding (their heads). */
  acks: Record<string, number> = {};
  /** The Lamport clock up to which the user has seen the group (unread counts start above it). */
  readClock = 0;
  readonly #c: GroupContext;
  readonly #log: ConversationLog;
  /** Membership entries in `membershipOrder`. */
  #members: { entry: Entry; op: MemberOp }[] = [];
  #state: Membership;
  #skipped = new Set<string>();
  readonly #keys = new Map<string, KeyInfo[]>();
  readonly #chains = new Map<string, SenderChain | null>();
  /** Own messages sent in the current epoch. */
  #sentInEpoch = 0;
  readonly #queue = new Serial();

  private constructor(id: string, context: GroupContext, log: ConversationLog) {
    this.id = id;
    this.#c = context;
    this.#log = log;
    this.#state = foldMembership(id, []).state;
  }

  /** Opens a group's log and reads its membership and key entries (one scan). */
  static async open(context: GroupContext, id: string): Promise<Group> {
    const group = new Group(id, context, await ConversationLog.open(context.store, id));
    const saved = await context.store.get<{ acks: Record<string, number>; read?: number }>(Keyspace.receipts(id));
    if (saved?.acks) group.acks = saved.acks;
    group.readClock = saved?.read ?? 0;
    const entries = await group.entries();
    for (const entry of entries) group.#index(entry);
    group.#refold();
    await Promise.all(entries.map((entry) => group.#openKey(entry)));
    return group;
  }

  get me(): string {
    return this.#c.identity.profileId;
  }

  get log(): ConversationLog {
    return this.#log;
  }

  /** The membership now: every membership entry held, folded. */
  get membership(): Membership {
    return this.#state;
  }

  /** IDs of entries of a given kind by the fold: membership entries that did not apply. */
  get skipped(): ReadonlySet<string> {
    return this.#skipped;
  }

  isMember(id: string): boolean {
    return this.#state.members.has(id);
  }

  /** The membership just before `entry`'s place in the log. */
  membershipAt(entry: Pick<Entry, 'clock' | 'author' | 'id'>): Membership {
    return foldMembership(this.id, this.#members, entry).state;
  }

  /** The membership entry that ended `id`'s membership, if they are gone. */
  departure(id: string): Entry | undefined {
    if (!this.#state.gone.has(id)) return undefined;
    let last: Entry | undefined;
    const state = foldMembership(this.id, []).state;
    for (const { entry, op } of this.#members) {
      const was = state.members.has(id);
      if (applyMemberOp(state, this.id, entry, op) === undefined && was && !state.members.has(id)) last = entry;
    }
    return last;
  }

  /** Whether an entry counts: an applied membership change, or anything by a member at its place. */
  effective(entry: Entry): boolean {
    if (entry.kind === 'member') return !this.#skipped.has(entry.id);
    return this.membershipAt(entry).members.has(entry.author);
  }

  /** Every entry of the log, in display order. */
  async entries(): Promise<Entry[]> {
    const out: Entry[] = [];
    for (let before: string | undefined; ; ) {
      const page = await this.#log.history({ limit: 1000, ...(before ? { before } : {}) });
      out.unshift(...page);
      if (page.length < 1000) return out;
      before = page[0]!.id;
    }
  }

  /** Why a verified entry of the next seq of its author may not be stored here, or undefined. */
  check(entry: Entry): string | undefined {
    const state = this.membershipAt(entry);
    try {
      if (entry.kind === 'member') return applyMemberOp(copyMembership(state), this.id, entry, parseMemberOp(entry.body));
      if (!state.members.has(entry.author)) return 'the author is not a member at this point';
      const last = this.#keys.get(entry.author)?.at(-1);
      if (entry.kind === 'key') {
        const body = parseKeyBody(entry.body);
        if (last && body.e <= last.e) return 'a replayed or old sender key';
      } else if (entry.body !== undefined && parseSealedBody(entry.body).e !== last?.e) {
        return 'the message does not use its author\u2019s current sender key';
      }
    } catch (error) {
      return error instanceof Error ? error.message : 'bad entry';
    }
    return undefined;
  }

  /**
   * Stores verified entries from others, each checked at its place, in clock order, then
   * those held ahead of a gap that now follow. Nothing refused is stored.
   */
  accept(entries: Entry[]): Promise<GroupAccept> {
    return this.#serial(async () => {
      const out: GroupAccept = { stored: [], refused: [], gap: false };
      for (const entry of [...entries].sort((a, b) => a.clock - b.clock)) await this.#acceptOne(entry, out);
      while (out.stored.length) {
        const held = this.early.next((a) => this.#log.head(a)?.seq ?? 0);
        if (!held || !(await this.#acceptOne(held, out))) break;
      }
      return out;
    });
  }

  async #acceptOne(entry: Entry, out: GroupAccept): Promise<boolean> {
    const have = this.#log.head(entry.author)?.seq ?? 0;
    if (entry.seq > have + 1) {
      out.gap = true;
      this.early.hold(entry);
      return false;
    }
    if (entry.seq <= have && this.#log.knows(entry.id)) return false;
    // An entry whose causal past is not here yet (the `add` of its author, say) waits for it:
    // it is checked only against a membership that includes everything it saw.
    for (const dep of entry.deps) {
      if (!this.#log.knows(dep) && !(await this.#log.holds(dep))) {
        out.gap = true;
        this.early.hold(entry);
        return false;
      }
    }
    const reason = entry.seq > have ? this.check(entry) : undefined;
    if (reason) {
      out.refused.push({ entry, reason });
      return false;
    }
    const result = await this.#log.append(entry, this.#c.now());
    if (result === 'stored') {
      this.#index(entry);
      if (entry.kind === 'member') this.#refold();
      // Opened here, inside the queue: a sealed entry after it finds its chain ready.
      await this.#openKey(entry);
      out.stored.push(entry);
      return true;
    }
    if (result === 'missing-dep' || result === 'gap') out.gap = true;
    else if (result !== 'duplicate') out.refused.push({ entry, reason: result });
    return false;
  }

  /** Signs, checks and stores an own membership change. */
  change(op: MemberOp): Promise<Entry> {
    return this.#serial(() => this.#appendOwn('member', JSON.stringify(op)));
  }

  /**
   * Encrypts and stores an own message: first a new sender key if the members changed
   * since the last one (or it is old), sealed to the current members only.
   */
  send(plain: GroupPlain, before?: (entry: Entry) => Promise<void>): Promise<Entry[]> {
    return this.#serial(async () => {
      const made: Entry[] = [];
      const now = this.#c.now();
      let mine = this.#keys.get(this.me)?.at(-1);
      const members = [...this.#state.members.values()];
      const same = mine && mine.to.length === members.length && members.every((m) => mine!.to.includes(m.id));
      if (!mine || !same || this.#sentInEpoch >= ROTATE_AFTER_MESSAGES || now - mine.ts > ROTATE_AFTER_MS) {
        const e = (mine?.e ?? 0) + 1;
        const seed = newSeed();
        made.push(await this.#appendOwn('key', JSON.stringify(await sealSeed(this.id, this.me, e, seed, members))));
        this.#chains.set(`${this.me}:${e}`, new SenderChain(seed));
        mine = this.#keys.get(this.me)!.at(-1)!;
      }
      const body = sealMessage(this.id, this.me, mine.e, this.#sentInEpoch, this.#chain(this.me, mine.e)!, JSON.stringify(plain));
      made.push(await this.#appendOwn('sealed', JSON.stringify(body), before));
      return made;
    });
  }

  /** A `sealed` entry's plaintext, if this member holds its sender key. */
  decrypt(entry: Entry): GroupPlain | undefined {
    if (entry.kind !== 'sealed' || entry.body === undefined) return undefined;
    try {
      const body = parseSealedBody(entry.body);
      const chain = this.#chain(entry.author, body.e);
      const text = chain && openMessage(this.id, entry.author, body, chain);
      if (text === undefined || text === null) return undefined;
      const plain = JSON.parse(text) as GroupPlain;
      return KINDS.includes(plain.t) && typeof plain.b === 'string' ? plain : undefined;
    } catch {
      return undefined;
    }
  }

  /** A readable `sealed` entry as the entry it carries (its kind and body), for the checks and views of one-to-one entries. */
  opened(entry: Entry | undefined): Entry | undefined {
    const plain = entry && this.decrypt(entry);
    return plain && { ...entry!, kind: plain.t, body: plain.b, late: undefined };
  }

  /** A counting message of the group, opened, by its ID. */
  async find(id: string): Promise<Entry | undefined> {
    const entry = await this.#log.find(id);
    return entry && this.effective(entry) ? this.opened(entry) : undefined;
  }

  saveAcks(): Promise<void> {
    return this.#c.store.set(Keyspace.receipts(this.id), { acks: this.acks, read: this.readClock });
  }

  #chain(author: string, e: number): SenderChain | undefined {
    return this.#chains.get(`${author}:${e}`) ?? undefined;
  }

  /**
   * A stored `key` entry sealed to us: its chain, opened now (X25519 is async) so `decrypt`
   * stays synchronous. Own keys are opened too (after a restart they are only in the log).
   */
  async #openKey(entry: Entry): Promise<void> {
    if (entry.kind !== 'key') return;
    const info = this.#keys.get(entry.author)?.find((k) => k.seq === entry.seq);
    const key = info && `${entry.author}:${info.e}`;
    if (!info || !key || this.#chains.get(key)) return;
    const seed = await openSeed(this.id, entry.author, info.body, this.me, this.#c.identity.dh);
    if (!this.#chains.get(key)) this.#chains.set(key, seed ? new SenderChain(seed) : null);
  }

  async #appendOwn(kind: EntryKind, body: string, before?: (entry: Entry) => Promise<void>): Promise<Entry> {
    const log = this.#log;
    const mine = log.head(this.me);
    const now = this.#c.now();
    const others = this.#othersHeads();
    const entry = await createEntry(this.#c.identity, this.id, {
      seq: (mine?.seq ?? 0) + 1,
      prev: mine?.id ?? '',
      deps: others,
      clock: log.maxClock + 1,
      ts: Math.max(now, mine?.ts ?? 0),
      kind,
      body,
    });
    const reason = this.check(entry);
    if (reason) throw new FriendsChatError(kind === 'member' ? 'not-admin' : 'bad-input', reason);
    await before?.(entry);
    const result = await log.append(entry, now);
    if (result !== 'stored') throw new FriendsChatError('internal', `could not store the group entry (${result})`);
    this.#index(entry);
    if (kind === 'member') this.#refold();
    return entry;
  }

  /** Heads of the other authors, newest first, as many as an entry may name. */
  #othersHeads(): string[] {
    const heads = Object.keys(this.#log.versionVector())
      .filter((a) => a !== this.me)
      .map((a) => this.#log.head(a)!)
      .sort((a, b) => b.clock - a.clock);
    return heads.slice(0, MAX_DEPS).map((h) => h.id);
  }

  #index(entry: Entry): void {
    try {
      if (entry.kind === 'member') {
        const item = { entry, op: parseMemberOp(entry.body) };
        let at = this.#members.length;
        while (at > 0 && membershipOrder(this.#members[at - 1]!.entry, entry) > 0) at--;
        this.#members.splice(at, 0, item);
      } else if (entry.kind === 'key') {
        const body = parseKeyBody(entry.body);
        const list = this.#keys.get(entry.author) ?? [];
        list.push({ seq: entry.seq, e: body.e, ts: entry.ts, to: Object.keys(body.to), body });
        this.#keys.set(entry.author, list);
        if (entry.author === this.me) this.#sentInEpoch = 0;
      } else if (entry.author === this.me && entry.body !== undefined) {
        const body = parseSealedBody(entry.body);
        if (body.e === this.#keys.get(this.me)?.at(-1)?.e) this.#sentInEpoch = Math.max(this.#sentInEpoch, body.n + 1);
      }
    } catch {
      // Stored entries were checked on the way in; one that no longer parses is ignored.
    }
  }

  #refold(): void {
    const { state, skipped } = foldMembership(this.id, this.#members);
    this.#state = state;
    this.#skipped = skipped;
  }

  #serial<T>(run: () => Promise<T>): Promise<T> {
    return this.#queue.run(run);
  }
}
