import { FriendsChatError } from '../errors.js';
import { MAX_TEXT_BYTES, type Entry, type EntryKind } from '../log/entry.js';
import { hexOf, obj, optional, str } from '../session/schema.js';
import { utf8 } from '../util/bytes.js';

/**
 * Message actions (docs/protocol.md, "Message actions"): a reply is a message that names
 * another (`ref`); a reaction, an edit and a deletion are entries that act on one. They are
 * signed log entries like any message, so they sync, wait in the outbox and travel through
 * the mailbox the same way.
 */

/** The reactions offered first; any single emoji (isEmoji) is accepted. */
export const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

/** One emoji: a pictograph (with variation selector, skin tone, ZWJ sequence), a keycap or a flag. */
const EMOJI = /^(?:\p{RI}{2}|[#*0-9]\uFE0F?\u20E3|\p{Extended_Pictographic}[\uFE0F\p{Emoji_Modifier}]*(?:\u200D\p{Extended_Pictographic}[\uFE0F\p{Emoji_Modifier}]*)*)$/u;
export const isEmoji = (text: string): boolean => EMOJI.test(text);

/** Entry kinds the thread shows as messages; the others act on one of them. */
export const isMessageKind = (kind: EntryKind): boolean => kind === 'text' || kind === 'file' || kind === 'reply';

/** An action's body: `r` the message it refers to, `t` a text (reply, edit), `e` an emoji (react). */
export interface ActionBody {
  r: string;
  t?: string;
  e?: string;
}

const bodyShape = obj({ r: hexOf(32), t: optional(str({ max: MAX_TEXT_BYTES })), e: optional(str({ max: 8 })) });
/** Which of `t` and `e` each kind carries. */
const FIELDS: Partial<Record<EntryKind, 't' | 'e' | ''>> = { reply: 't', edit: 't', react: 'e', delete: '' };

/** The body of a reply or action entry, or undefined (another kind, no body, malformed). */
export function actionBody(entry: Pick<Entry, 'kind' | 'body'>): ActionBody | undefined {
  const field = FIELDS[entry.kind];
  if (field === undefined || entry.body === undefined) return undefined;
  try {
    const body = bodyShape(JSON.parse(entry.body), 'body') as ActionBody;
    return (body.t !== undefined) === (field === 't') && (body.e !== undefined) === (field === 'e') ? body : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why an entry acting on a message may not be stored, or undefined if it may (every other
 * entry may). `find` looks the message up in the conversation. Only its author may edit or
 * delete a message; reactions are from the set above; the message must exist, be a message
 * (not an action), and come before the entry.
 */
export async function checkAction(entry: Entry, find: (id: string) => Promise<Entry | undefined>): Promise<string | undefined> {
  if (FIELDS[entry.kind] === undefined || entry.body === undefined) return undefined;
  const body = actionBody(entry);
  const target = body && (await find(body.r));
  const kind = entry.kind;
  if (!body || utf8(body.t ?? '').length > MAX_TEXT_BYTES || (body.e && !isEmoji(body.e))) return `bad ${kind}`;
  if (!target || !isMessageKind(target.kind) || target.clock >= entry.clock) return `${kind} of no message`;
  if ((kind === 'edit' || kind === 'delete') && target.author !== entry.author) return `${kind} of someone else's message`;
  if (kind === 'edit' && (target.kind === 'file' || target.body === undefined)) return `${kind} of a file or deleted message`;
  return undefined;
}

/**
 * The body of an own action on `ref`, checked like a friend's would be (`clock` is above
 * everything held): a refusal is a `bad-input` error.
 */
export async function ownAction(
  kind: 'reply' | 'react' | 'edit' | 'delete',
  ref: string,
  value: string | undefined,
  me: string,
  find: (id: string) => Promise<Entry | undefined>,
): Promise<string> {
  const field = FIELDS[kind];
  const body = JSON.stringify({ r: ref, ...(field ? { [field]: value ?? '' } : {}) });
  const refusal = await checkAction({ kind, body, author: me, clock: Infinity } as Entry, find);
  if (refusal) throw new FriendsChatError('bad-input', refusal);
  return body;
}

/** What a reply shows of its original: the author and the first 100 characters ('' if gone). */
export async function quoteOf(entry: Entry, find: (id: string) => Promise<Entry | undefined>): Promise<{ from: string; text: string } | undefined> {
  const ref = actionBody(entry)?.r;
  const original = ref ? await find(ref) : undefined;
  if (!original) return undefined;
  let text = original.body ?? '';
  // A file's manifest and a reply's body were checked on receipt: their name and text are strings.
  if (original.kind !== 'text') text = (JSON.parse(text || '{}') as { name?: string; t?: string })[original.kind === 'file' ? 'name' : 't'] ?? '';
  return { from: original.author, text: text.slice(0, 100) };
}

/**
 * A friend's entry, checked against the log and the entries of its batch before it: null
 * (drop it, no alarm) when the message it acts on may only be missing because the entry is
 * ahead of a gap in its author's history — it comes again once the gap is filled.
 */
export async function checkIncoming(entry: Entry, log: { head(author: string): { seq: number } | undefined; find(id: string): Promise<Entry | undefined> }, batch: Entry[]): Promise<string | null | undefined> {
  const refusal = await checkAction(entry, async (id) => batch.find((e) => e.id === id) ?? log.find(id));
  const held = Math.max(log.head(entry.author)?.seq ?? 0, ...batch.filter((e) => e.author === entry.author).map((e) => e.seq));
  return refusal?.endsWith('no message') && entry.seq > held + 1 ? null : refusal;
}
