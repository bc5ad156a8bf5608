import { encodeJsonFrame } from '../session/frame.js';
import { arr, bool, hexOf, int, obj, optional, str, type Check } from '../session/schema.js';
import type { SecureSession } from '../session/secure-session.js';

/**
 * Schemas of the JSON frames friends exchange (docs/protocol.md, "Frames"). Log entries are
 * checked by `checkEntryShape` and `verifyEntry`. Every sync frame names its conversation
 * (`c`, 64 hex).
 */
export const friendRequestFrame = obj({ note: optional(str({ max: 500 })) });
export const emptyFrame = obj({});
const seq = int(0, 2 ** 40);
const conversation = hexOf(32);
/** Authors one heads frame may list: a group of 50, and some. */
export const MAX_AUTHORS = 64;
export const headsFrame = obj({
  c: conversation,
  vv: ((value: unknown, path: string) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${path}: expected an object`);
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > MAX_AUTHORS) throw new Error(`${path}: too many authors`);
    const out: Record<string, number> = {};
    for (const [author, n] of entries) {
      if (!/^[0-9a-f]{64}$/.test(author)) throw new Error(`${path}: bad author`);
      out[author] = seq(n, `${path}.${author}`);
    }
    return out;
  }) as Check<Record<string, number>>,
  read: optional(seq),
});
export const entriesFrame = obj({ c: conversation, entries: arr((v) => v, 500) });
export const receiptFrame = obj({ c: conversation, delivered: optional(seq), read: optional(seq) });
export const typingFrame = obj({ c: conversation, on: bool });

/** Sends a JSON frame if the session is live; a failure to send closes it. Returns whether it went. */
export function sendJson(session: SecureSession | undefined, type: number, value: unknown): boolean {
  if (!session || session.closed) return false;
  try {
    session.send(type, encodeJsonFrame(type, value).subarray(1));
    return true;
  } catch {
    session.close('send failed');
    return false;
  }
}
