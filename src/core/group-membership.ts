import { sha256 } from '../crypto/index.js';
import type { Entry } from '../log/entry.js';
import { arr, bool, hexOf, literal, obj, optional, str } from '../session/schema.js';
import { concat, fromHex, toHex, utf8 } from '../util/bytes.js';

/** The most members a group has (docs/groups.md); the 51st is refused. */
export const MAX_MEMBERS = 50;
const GROUP_LABEL = utf8('friends-chat/group/1');

/** One membership change, the body of a `member` entry (docs/groups.md, "Membership log"). */
export type MemberOp =
  | { op: 'create'; name: string; nonce: string; members: { id: string; dh: string }[] }
  | { op: 'add'; id: string; dh: string }
  | { op: 'remove'; id: string }
  | { op: 'admin'; id: string; on: boolean }
  | { op: 'rename'; name: string }
  | { op: 'leave' };

export interface Member {
  id: string;
  /** The member's X25519 key (hex), vouched for by the admin who added them: sender keys are sealed to it. */
  dh: string;
  admin: boolean;
}

/** Who is in a group at one point of its membership log. */
export interface Membership {
  created: boolean;
  name: string;
  members: Map<string, Member>;
  /** Former members: how they went. */
  gone: Map<string, 'removed' | 'left'>;
}

const groupName = str({ min: 1, max: 100 });
const opShape = obj({
  op: literal('create', 'add', 'remove', 'admin', 'rename', 'leave'),
  name: optional(groupName),
  nonce: optional(hexOf(16)),
  members: optional(arr(obj({ id: hexOf(32), dh: hexOf(32) }), MAX_MEMBERS)),
  id: optional(hexOf(32)),
  dh: optional(hexOf(32)),
  on: optional(bool),
});

/** The group ID a creator's nonce gives: nobody else can claim to have created that group. */
export function groupIdFor(creator: string, nonce: string): string {
  return toHex(sha256(concat(GROUP_LABEL, fromHex(creator), fromHex(nonce))));
}

/** Reads a `member` entry's body; throws a message saying what is wrong. */
export function parseMemberOp(body: string | undefined): MemberOp {
  if (body === undefined) throw new Error('a membership entry has no body');
  const v = opShape(JSON.parse(body), 'member');
  const need = (ok: unknown): void => {
    if (!ok) throw new Error(`member: bad ${v.op} entry`);
  };
  if (v.op === 'create') need(v.name && v.nonce && v.members);
  if (v.op === 'add') need(v.id && v.dh);
  if (v.op === 'remove' || v.op === 'admin') need(v.id && (v.op === 'remove' || v.on !== undefined));
  if (v.op === 'rename') need(v.name);
  return v as MemberOp;
}

export function emptyMembership(): Membership {
  return { created: false, name: '', members: new Map(), gone: new Map() };
}

export function copyMembership(m: Membership): Membership {
  return { created: m.created, name: m.name, members: new Map([...m.members].map(([k, v]) => [k, { ...v }])), gone: new Map(m.gone) };
}

/**
 * The one order of membership entries (docs/groups.md, "Concurrent changes"): Lamport
 * clock, then author key, then entry ID. Every member sorts the same set the same way.
 */
export function membershipOrder(a: Pick<Entry, 'clock' | 'author' | 'id'>, b: Pick<Entry, 'clock' | 'author' | 'id'>): number {
  return a.clock - b.clock || (a.author < b.author ? -1 : a.author > b.author ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Applies one membership entry to `state` if it is valid there; returns why not otherwise
 * (and leaves `state` as it was). `groupId` proves who created the group.
 */
export function applyMemberOp(state: Membership, groupId: string, entry: Pick<Entry, 'author'>, op: MemberOp): string | undefined {
  const author = state.members.get(entry.author);
  if (op.op === 'create') {
    if (state.created) return 'the group exists already';
    if (groupIdFor(entry.author, op.nonce) !== groupId) return 'the creator does not match the group ID';
    const ids = new Set(op.members.map((m) => m.id));
    if (ids.size !== op.members.length || !ids.has(entry.author)) return 'bad member list';
    state.created = true;
    state.name = op.name;
    for (const m of op.members) state.members.set(m.id, { id: m.id, dh: m.dh, admin: m.id === entry.author });
    return undefined;
  }
  if (!author) return 'the author is not a member';
  if (op.op === 'leave') {
    state.members.delete(author.id);
    state.gone.set(author.id, 'left');
  } else if (!author.admin) {
    return 'the author is not an admin';
  } else if (op.op === 'rename') {
    state.name = op.name;
  } else if (op.op === 'add') {
    if (state.members.has(op.id)) return 'already a member';
    if (state.members.size >= MAX_MEMBERS) return `a group has at most ${MAX_MEMBERS} members`;
    state.members.set(op.id, { id: op.id, dh: op.dh, admin: false });
    state.gone.delete(op.id);
  } else {
    const target = state.members.get(op.id);
    if (!target) return 'not a member';
    if (op.op === 'remove') {
      state.members.delete(op.id);
      state.gone.set(op.id, op.id === author.id ? 'left' : 'removed');
    } else {
      target.admin = op.on;
    }
  }
  // A group never stays without an admin: the member with the lowest key becomes one.
  const left = [...state.members.values()];
  if (left.length && !left.some((m) => m.admin)) left.reduce((a, b) => (a.id < b.id ? a : b)).admin = true;
  return undefined;
}

/**
 * Folds membership entries, in `membershipOrder`, into the membership they give; entries
 * invalid at their place are skipped and listed. `until` stops before the first entry that
 * does not sort before it (the membership at some point of the log).
 */
export function foldMembership(
  groupId: string,
  entries: readonly { entry: Entry; op: MemberOp }[],
  until?: Pick<Entry, 'clock' | 'author' | 'id'>,
): { state: Membership; skipped: Set<string> } {
  const state = emptyMembership();
  const skipped = new Set<string>();
  for (const { entry, op } of entries) {
    if (until && membershipOrder(entry, until) >= 0) break;
    if (applyMemberOp(state, groupId, entry, op) !== undefined) skipped.add(entry.id);
  }
  return { state, skipped };
}
