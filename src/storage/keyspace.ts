/**
 * Every storage key name of a profile, built in one place, so that migrations and storage
 * encryption have one module to look at (docs/architecture.md, "Stored records").
 * Callers never write a key name as a literal.
 */
export const Keyspace = {
  /** Which layout the store is in (absent: the first release's layout, see log/migrate-v1). */
  schema: 'schema',
  identity: 'identity',
  /** The IDs of the contacts; each contact is its own `contact:<id>` record. */
  contacts: 'contacts',
  contact: (id: string): string => `contact:${id}`,
  invites: 'invites',
  /** The own status, status text and about text (sent to friends only). */
  ownProfile: 'own-profile',
  /** Profiles whose request was declined: ID → until when a new request from them is ignored. */
  declined: 'declined',
  /** One conversation log: `index`, `dir`, `page:<n>` records, and `forks` (evidence). */
  log: (conversationId: string, part: 'index' | 'dir' | 'forks' | `page:${number}`): string => `log:${conversationId}:${part}`,
  /** The IDs of the groups this profile is or was in (docs/groups.md). */
  groups: 'groups',
  /** A friend's entries that came through the mailbox ahead of a gap, kept until it fills. */
  mailHeld: (conversationId: string): string => `mail-held:${conversationId}`,
  /** How far each side of a conversation has got (delivered, read; per member in a group). */
  receipts: (conversationId: string): string => `receipts:${conversationId}`,
  /** What the composer held for a conversation and was not sent (this device only). */
  draft: (conversationId: string): string => `draft:${conversationId}`,
  /** One file: its record, manifest, assembled bytes, or chunk number `part`. */
  file: (messageId: string, part: 'meta' | 'manifest' | 'data' | number): string => `file:${messageId}:${part}`,
  /** The IDs of files whose transfer is not finished, either way (a reload resumes them). */
  openFiles: 'files:open',
  /** Bytes of received files kept or reserved, per friend (the quotas are checked against it). */
  fileUsage: 'files:usage',
} as const;

/** The layout version this release writes. */
export const SCHEMA_VERSION = 2;
