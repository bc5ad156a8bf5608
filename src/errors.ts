/**
 * Every error friends-chat reports has a stable `code` that page authors can switch on.
 * Messages are for people; codes are the contract.
 */
export const ERROR_CODES = [
  'bad-attribute',
  'bad-signaling',
  'bad-ice-servers',
  'bad-input',
  'bad-invite',
  'bad-passphrase',
  'bad-backup',
  'unknown-friend',
  'not-ready',
  'storage-failed',
  'storage-unreadable',
  'storage-tampered',
  'locked',
  'try-later',
  'passkey-unavailable',
  'signaling-failed',
  'id-taken',
  'connection-failed',
  'handshake-failed',
  'key-changed',
  'blocked',
  'message-too-large',
  'empty-message',
  'file-too-large',
  'unknown-group',
  'not-admin',
  'group-full',
  'unsupported-browser',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class FriendsChatError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FriendsChatError';
    this.code = code;
  }
}

/** Wraps anything thrown into a `FriendsChatError`, keeping an existing code. */
export function toFriendsChatError(error: unknown, fallback: ErrorCode = 'internal'): FriendsChatError {
  if (error instanceof FriendsChatError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new FriendsChatError(fallback, message, { cause: error });
}
