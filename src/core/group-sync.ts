import { checkEntryShape, verifyEntry, type Entry } from '../log/entry.js';
import type { SecurityWarningReason } from '../model/index.js';
import { FrameType } from '../session/frame.js';
import { arr, bool, hexOf, int, obj, optional, type Check } from '../session/schema.js';
import type { SecureSession } from '../session/secure-session.js';
import type { FrameRouter } from './frame-router.js';
import { MAX_MEMBERS, membershipOrder } from './group-membership.js';
import type { Group } from './group.js';

const MAX_BATCH_BYTES = 15 * 1024;
/** Heads asked again after a gap, at most this often per group and session (ms). */
const GAP_INTERVAL = 100;
/** Every this many heartbeats a session re-checks the groups both are in. */
const BEATS_PER_HEADS = 10;

const seqs: Check<Record<string, number>> = (value, path) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${path}: expected an object`);
  const entries = Object.entries(value as Record<string, unknown>);
  // Former members keep their entries, so a log may have more authors than members.
  if (entries.length > 4 * MAX_MEMBERS) throw new Error(`${path}: too many authors`);
  const out: Record<string, number> = {};
  for (const [author, n] of entries) out[hexOf(32)(author, path)] = int(0, 2 ** 40)(n, `${path}.${author}`);
  return out;
};
export const groupHeadsFrame = obj({ g: hexOf(32), vv: seqs, ask: optional(bool) });
export const groupEntriesFrame = obj({ g: hexOf(32), entries: arr((v) => v, 500) });

export interface GroupSyncOptions {
  group(id: string): Group | undefined;
  /** Opens a group this profile does not know yet, for a friend's entries to be tried on; undefined if none may be added. */
  join(id: string): Promise<Group | undefined>;
  /** A joined group's entries did not make this profile a member: forget it again. */
  discard(group: Group): Promise<void>;
  session(peer: string): SecureSession | undefined;
  send(session: SecureSession | undefined, type: number, value: unknown): boolean;
  now(): number;
  /** Entries were stored (`joined`: the group was new to this profile). */
  onStored(group: Group, entries: Entry[], joined: boolean): Promise<void>;
  /** A member confirmed holding own entries up to `seq`. */
  onAck(group: Group, member: string): void;
  onWarning(reason: SecurityWarningReason, peer: string, detail: string): void;
  /** Mails own entries to a member no live session reaches (`dh`: their key in the membership). */
  mail?(group: Group, dh: string, entries: Entry[]): void;
}

/**
 * Group propagation over the pairwise sessions (docs/groups.md, "Propagation"): heads
 * (version vectors) per group, the entries the other lacks, and a relay of every newly
 * stored entry to the other members online, so a member gets an author's entries from
 * whoever is online. A former member gets the log up to their departure, never after.
 */
export class GroupSync {
  readonly #o: GroupSyncOptions;
  readonly #gapAt = new Map<string, number>();
  readonly #beats = new WeakMap<SecureSession, number>();
  /** Batches for a group not joined yet, one after another, so it is joined once. */
  readonly #joins = new Map<string, Promise<void>>();

  constructor(options: GroupSyncOptions) {
    this.#o = options;
  }

  register(router: FrameRouter): void {
    router
      .on(FrameType.GroupHeads, groupHeadsFrame, (session, frame) => this.#onHeads(session, frame))
      .on(FrameType.GroupEntries, groupEntriesFrame, async (session, frame) => void (await this.#onEntries(session.peer.profileId, session, frame.g, frame.entries)));
  }

  sendHeads(session: SecureSession | undefined, group: Group, ask = false): void {
    this.#o.send(session, FrameType.GroupHeads, { g: group.id, vv: group.log.versionVector(), ...(ask ? { ask } : {}) });
  }

  /** Sends entries to every member (and just-departed member) online, except `except`. */
  announce(group: Group, entries: Entry[], except?: string): void {
    const peers = new Set([...group.membership.members.keys(), ...group.membership.gone.keys()]);
    const own = entries.filter((e) => e.author === group.me);
    for (const peer of peers) {
      if (peer === group.me || peer === except) continue;
      const session = this.#o.session(peer);
      const visible = this.#visible(group, peer);
      const dh = group.membership.members.get(peer)?.dh;
      // Without a session, a member gets our own entries through their mailbox (relays are not mailed).
      if (!session && dh && own.length) this.#o.mail?.(group, dh, own);
      if (!session || !visible) continue;
      this.#sendEntries(session, group, entries.filter((e) => e.author !== peer && visible(e)));
    }
  }

  /**
   * A group's entries that came through our mailbox: checked, stored and relayed exactly as
   * over a session, but only for a group we are in (mail has no sender to answer, and
   * nobody may add us to a group by mail). Returns how many were stored, -1 for no such group.
   */
  receiveMail(id: string, values: unknown[]): Promise<number> {
    const group = this.#o.group(id);
    return group?.isMember(group.me) ? this.#onEntries(id, undefined, id, values) : Promise.resolve(-1);
  }

  /** A friend's session is up: heads for every group both are in. */
  onSession(session: SecureSession, groups: Iterable<Group>): void {
    for (const group of groups) if (this.#visible(group, session.peer.profileId)) this.sendHeads(session, group, true);
  }

  /** Now and then, heads again for groups where this friend has not confirmed all own entries. */
  onBeat(session: SecureSession, groups: Iterable<Group>): void {
    const beats = (this.#beats.get(session) ?? 0) + 1;
    this.#beats.set(session, beats);
    if (beats % BEATS_PER_HEADS) return;
    const peer = session.peer.profileId;
    for (const group of groups) {
      const mine = group.log.head(group.me)?.seq ?? 0;
      if (group.isMember(peer) && group.isMember(group.me) && (group.acks[peer] ?? 0) < mine) this.sendHeads(session, group, true);
    }
  }

  /** Which entries `peer` may get: all for a member, up to their departure for a former one. */
  #visible(group: Group, peer: string): ((e: Entry) => boolean) | undefined {
    if (group.isMember(peer)) return () => true;
    const departure = group.departure(peer);
    return departure ? (e) => membershipOrder(e, departure) <= 0 : undefined;
  }

  async #onHeads(session: SecureSession, frame: { g: string; vv: Record<string, number>; ask?: boolean | undefined }): Promise<void> {
    const peer = session.peer.profileId;
    const group = this.#o.group(frame.g);
    if (!group) {
      // A group we do not know yet (just added): an empty vector asks for all of it.
      if (frame.ask) this.#o.send(session, FrameType.GroupHeads, { g: frame.g, vv: {} });
      return;
    }
    const visible = this.#visible(group, peer);
    if (!visible) return;
    const acked = frame.vv[group.me] ?? 0;
    if (acked > (group.acks[peer] ?? 0)) {
      group.acks[peer] = acked;
      await group.saveAcks();
      this.#o.onAck(group, peer);
    }
    const mine = group.log.versionVector();
    const due: Entry[] = [];
    for (const [author, seq] of Object.entries(mine)) {
      if (seq > (frame.vv[author] ?? 0)) due.push(...(await group.log.entriesAfter(author, frame.vv[author] ?? 0)));
    }
    this.#sendEntries(session, group, due.filter(visible).sort((a, b) => a.clock - b.clock));
    const behind = Object.entries(frame.vv).some(([author, seq]) => seq > (mine[author] ?? 0));
    if (frame.ask || behind) this.sendHeads(session, group);
  }

  /**
   * Entries from `peer` (a friend's session, or through the mailbox: then `peer` is the group
   * ID). Batches for a group not joined yet run one after another, so it is joined once.
   */
  #onEntries(peer: string, session: SecureSession | undefined, id: string, values: unknown[]): Promise<number> {
    if (this.#o.group(id)) return this.#entries(peer, session, id, values);
    const run = (this.#joins.get(id) ?? Promise.resolve()).then(() => this.#entries(peer, session, id, values));
    const done = run.then(() => {}, () => {});
    this.#joins.set(id, done);
    void done.then(() => this.#joins.get(id) === done && this.#joins.delete(id));
    return run;
  }

  async #entries(peer: string, session: SecureSession | undefined, id: string, values: unknown[]): Promise<number> {
    let group = this.#o.group(id);
    const joined = !group;
    group ??= await this.#o.join(id);
    if (!group) return 0;
    const checked: Entry[] = [];
    for (const value of values) {
      const shaped = checkEntryShape(value);
      if ('error' in shaped) {
        this.#o.onWarning('bad-frame', peer, `refused a group entry: ${shaped.error}`);
        continue;
      }
      const { entry } = shaped;
      if (entry.seq <= (group.log.head(entry.author)?.seq ?? 0) && group.log.knows(entry.id)) continue;
      const verified = await verifyEntry(entry, group.id, this.#o.now(), { legacy: false, group: true });
      if ('error' in verified) this.#o.onWarning('bad-frame', peer, `refused a group entry: ${verified.error}`);
      else checked.push(entry);
    }
    const { stored, refused, gap } = await group.accept(checked);
    for (const { reason } of refused) {
      if (reason === 'fork') this.#o.onWarning('fork', peer, 'a member signed two different entries for the same place in a group; the second is refused and kept as evidence');
      else this.#o.onWarning('bad-frame', peer, `refused a group entry: ${reason}`);
    }
    if (joined && !group.isMember(group.me)) {
      await this.#o.discard(group);
      return 0;
    }
    if (stored.length) {
      this.sendHeads(session, group);
      await this.#o.onStored(group, stored, joined);
      this.announce(group, stored, peer);
    } else if (gap && session) {
      const key = `${peer}:${group.id}`;
      if (this.#o.now() - (this.#gapAt.get(key) ?? -Infinity) > GAP_INTERVAL) {
        this.#gapAt.set(key, this.#o.now());
        this.sendHeads(session, group);
      }
    }
    return stored.length;
  }

  #sendEntries(session: SecureSession, group: Group, entries: Entry[]): void {
    let batch: Entry[] = [];
    let size = 0;
    const flush = (): boolean => {
      const ok = batch.length === 0 || this.#o.send(session, FrameType.GroupEntries, { g: group.id, entries: batch });
      batch = [];
      size = 0;
      return ok;
    };
    for (const entry of entries) {
      const bytes = JSON.stringify(entry).length;
      if ((size + bytes > MAX_BATCH_BYTES || batch.length >= 400) && !flush()) return;
      batch.push(entry);
      size += bytes;
    }
    flush();
  }
}
