import { arr, bool, int, obj, optional, str, type Check } from '../session/schema.js';

/** Schemas of the JSON frames friends exchange. Log entries are checked by `verifyEntry`. */
export const friendRequestFrame = obj({ note: optional(str({ max: 500 })) });
export const emptyFrame = obj({});
const seq = int(0, 2 ** 40);
export const headsFrame = obj({
  vv: ((value: unknown, path: string) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${path}: expected an object`);
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > 8) throw new Error(`${path}: too many authors`);
    const out: Record<string, number> = {};
    for (const [author, n] of entries) {
      if (!/^[0-9a-f]{64}$/.test(author)) throw new Error(`${path}: bad author`);
      out[author] = seq(n, `${path}.${author}`);
    }
    return out;
  }) as Check<Record<string, number>>,
  read: optional(seq),
});
export const entriesFrame = obj({ entries: arr((v) => v, 500) });
export const receiptFrame = obj({ delivered: optional(seq), read: optional(seq) });
export const typingFrame = obj({ on: bool });
