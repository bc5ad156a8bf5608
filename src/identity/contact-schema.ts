import { FriendsChatError } from '../errors.js';
import { arr, bool, hexOf, int, literal, obj, optional, str, SchemaError } from '../session/schema.js';

/** The most contacts a backup may carry (far above any real list; bounds the work). */
export const MAX_IMPORTED_CONTACTS = 5000;

/**
 * A contact as a backup carries it, every field typed and bounded exactly as the wire
 * bounds it (names 64 chars as in the handshake hello, notes 500 as in a friend request),
 * unknown fields refused. The same shape as `Contact` in src/core/contacts.ts.
 */
const contactSchema = obj({
  id: hexOf(32),
  name: str({ max: 64 }),
  nickname: optional(str({ max: 64 })),
  state: literal('incoming', 'outgoing', 'friend', 'declined', 'blocked'),
  note: optional(str({ max: 500 })),
  pinnedKey: optional(hexOf(32)),
  changedKey: optional(hexOf(32)),
  verified: bool,
  invite: optional(obj({ id: hexOf(16), secret: hexOf(32) })),
  viaInvite: optional(bool),
  /** The secret for pairwise rendezvous IDs (src/core/rendezvous.ts). */
  rendezvous: optional(hexOf(32)),
  createdAt: int(0, 2 ** 50),
});

export type ImportedContact = ReturnType<typeof contactSchema>;

/**
 * Checks the `contacts` of a decrypted backup before anything is written: an array of at
 * most MAX_IMPORTED_CONTACTS well-formed contacts with distinct IDs, none of them `self`
 * (the backup's own profile ID). Returns fresh objects holding only the known fields;
 * throws `bad-backup` naming the first bad path.
 */
export function checkImportedContacts(value: unknown, self: string): ImportedContact[] {
  try {
    const contacts = arr(contactSchema, MAX_IMPORTED_CONTACTS)(value, 'contacts');
    const seen = new Set<string>([self]);
    for (const [i, c] of contacts.entries()) {
      if (seen.has(c.id)) throw new SchemaError(`contacts[${i}].id`, c.id === self ? 'not the own profile ID' : 'an ID not listed before');
      seen.add(c.id);
    }
    return contacts;
  } catch (error) {
    throw new FriendsChatError('bad-backup', `backup contacts are malformed: ${error instanceof SchemaError ? error.message : 'bad value'}`);
  }
}
