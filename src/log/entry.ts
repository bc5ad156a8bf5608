import { ed25519Verify, sha256 } from '../crypto/index.js';
import type { Identity } from '../identity/identity.js';
import { fromHex, toHex, utf8 } from '../util/bytes.js';
import { arr, hexOf, int, literal, obj, optional, str } from '../session/schema.js';

/** Limits that every entry obeys, on both the sending and the receiving side. */
export const MAX_TEXT_BYTES = 64 * 1024;
export const MAX_BODY_CHARS = 70 * 1024;
/** Timestamps more than this far in the future are absurd and refused. */
export const MAX_CLOCK_SKEW = 24 * 60 * 60 * 1000;
/** An entry depends on at most this many heads: one per other author of a group of 50, and some. */
export const MAX_DEPS = 64;

/**
 * `member`, `key` and `sealed` exist only in group logs (docs/groups.md); `reply` is a message
 * that quotes another, `react`, `edit` and `delete` act on one (core/actions.ts).
 */
export type EntryKind = 'text' | 'file' | 'reply' | 'react' | 'edit' | 'delete' | 'member' | 'key' | 'sealed';
const GROUP_KINDS: ReadonlySet<string> = new Set(['member', 'key', 'sealed']);

/**
 * One signed, hash-linked log entry (docs/protocol.md, "Entries"). The signed header
 * carries the conversation ID and the body's hash: an entry signed for one conversation
 * never verifies in another, and a self-destructed entry can drop its body and still be
 * verified and synced. The conversation ID is not a field: the log an entry is checked
 * for supplies it.
 */
export interface Entry {
  /** 1 for an entry of the first format (signed without a conversation ID); absent for v2. */
  v?: 1;
  id: string;
  author: string;
  seq: number;
  prev: string;
  deps: string[];
  /** Lamport clock: larger than `prev`'s and every dep's, so it orders causally. */
  clock: number;
  ts: number;
  kind: EntryKind;
  bodyHash: string;
  expiresAt?: number;
  sig: string;
  /** Absent once the entry has expired. */
  body?: string;
  /**
   * Local only, never signed or sent: a friend's entry that arrived after the friend had
   * confirmed holding later entries of ours, yet sorts before them. It keeps its causal place
   * (every device shows the same order) and is marked "arrived later", so nothing slips into
   * old history unnoticed.
   */
  late?: true;
}

export type EntryHeader = Omit<Entry, 'id' | 'sig' | 'body' | 'late'>;

/**
 * Canonical encoding of the header: fixed field order, JSON for each value. Format 2
 * signs the conversation ID right after the label; format 1 (stored history of the first
 * release, `v: 1`) had none.
 */
export function canonicalHeader(h: EntryHeader, conversationId: string): Uint8Array {
  return utf8(
    JSON.stringify([
      ...(h.v === 1 ? ['friends-chat/entry/1'] : ['friends-chat/entry/2', conversationId]),
      h.author,
      h.seq,
      h.prev,
      h.deps,
      h.clock,
      h.ts,
      h.kind,
      h.bodyHash,
      h.expiresAt ?? null,
    ]),
  );
}

export function bodyHash(body: string): string {
  return toHex(sha256(utf8(body)));
}

/** Signs a new (format 2) entry of `identity` for the conversation `conversationId`. */
export async function createEntry(
  identity: Identity,
  conversationId: string,
  fields: Omit<EntryHeader, 'v' | 'author' | 'bodyHash'> & { body: string },
): Promise<Entry> {
  const { body, ...rest } = fields;
  const header: EntryHeader = { ...rest, author: identity.profileId, bodyHash: bodyHash(body) };
  if (header.expiresAt === undefined) delete header.expiresAt;
  const id = sha256(canonicalHeader(header, conversationId));
  return { ...header, id: toHex(id), sig: toHex(await identity.sign(id)), body };
}

const entryShape = obj({
  v: optional(int(1, 1)),
  id: hexOf(32),
  author: hexOf(32),
  seq: int(1, 2 ** 40),
  prev: str({ max: 64, pattern: /^([0-9a-f]{64})?$/ }),
  deps: arr(hexOf(32), MAX_DEPS),
  clock: int(1, 2 ** 45),
  ts: int(0, 2 ** 50),
  kind: literal('text', 'file', 'reply', 'react', 'edit', 'delete', 'member', 'key', 'sealed'),
  bodyHash: hexOf(32),
  expiresAt: optional(int(0, 2 ** 50)),
  sig: hexOf(64),
  body: optional(str({ max: MAX_BODY_CHARS })),
});

/**
 * Checks an entry from the wire: schema, id = SHA-256(header), signature by the author,
 * body matching its hash, sane timestamp. Returns the entry or a reason it was refused.
 */
export function checkEntryShape(value: unknown): { entry: Entry } | { error: string } {
  try {
    return { entry: entryShape(value, 'entry') as Entry };
  } catch (error) {
    return { error: error instanceof Error ? error.message : 'bad entry' };
  }
}

/**
 * The expensive part: hash, signature and body checks of a well-formed entry, for the
 * conversation `conversationId`. Format 1 entries are accepted only where `legacy` allows
 * them (one-to-one conversations, whose history may predate format 2).
 */
export async function verifyEntry(
  entry: Entry,
  conversationId: string,
  now: number,
  options: { legacy: boolean; group?: boolean } = { legacy: false },
): Promise<{ entry: Entry } | { error: string; forged?: true }> {
  const { id, sig, body, late: _late, ...header } = entry;
  if (entry.v === 1 && !options.legacy) return { error: 'format 1 entries are not accepted here' };
  if (GROUP_KINDS.has(entry.kind) !== !!options.group) return { error: `a ${entry.kind} entry is not accepted here` };
  const digest = sha256(canonicalHeader(header, conversationId));
  // `forged`: the author's key did not sign these bytes (for this conversation).
  if (toHex(digest) !== id) return { error: 'id does not match the header', forged: true };
  if (!(await ed25519Verify(fromHex(sig), digest, fromHex(entry.author)))) return { error: 'bad signature', forged: true };
  if (body !== undefined && bodyHash(body) !== entry.bodyHash) return { error: 'body does not match its hash', forged: true };
  if (entry.ts > now + MAX_CLOCK_SKEW) return { error: 'timestamp is in the future' };
  if ((entry.seq === 1) !== (entry.prev === '')) return { error: 'prev does not fit seq' };
  if (entry.kind === 'text' && body !== undefined && utf8(body).length > MAX_TEXT_BYTES) return { error: 'text too long' };
  return { entry };
}

/** Display order: causal (Lamport clock), then timestamp, then id — the same everywhere. */
export function compareEntries(a: Pick<Entry, 'clock' | 'ts' | 'id'>, b: Pick<Entry, 'clock' | 'ts' | 'id'>): number {
  return a.clock - b.clock || a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function isExpired(entry: Pick<Entry, 'expiresAt'>, now: number): boolean {
  return entry.expiresAt !== undefined && entry.expiresAt <= now;
}
