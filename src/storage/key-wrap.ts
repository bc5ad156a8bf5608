import { randomBytes } from '../crypto/index.js';
import { aesKey, aesOpen, aesSeal, pbkdf2 } from '../crypto/subtle.js';
import { FriendsChatError } from '../errors.js';
import { utf8 } from '../util/bytes.js';

/** PBKDF2-SHA-256 iterations for new locks (measured against scrypt in docs/storage-lock.md). */
export const LOCK_ITERATIONS = 600_000;
const AD = utf8('friends-chat/lock/1');

/**
 * Where the store is: `sealing` (the lock is being turned on; plaintext records may remain),
 * `sealed`, or `opening` (being turned off; sealed records may remain). Each step of a
 * migration is safe to repeat, so an interrupted one is finished at the next unlock.
 */
export type LockStage = 'sealing' | 'sealed' | 'opening';

/** The only record of a locked store that is not sealed: the data key, wrapped. */
export interface LockRecord {
  v: 1;
  iterations: number;
  salt: Uint8Array;
  nonce: Uint8Array;
  wrapped: Uint8Array;
  stage: LockStage;
}

export function checkPassphrase(passphrase: unknown): string {
  if (typeof passphrase !== 'string' || passphrase.length < 8) throw new FriendsChatError('bad-passphrase', 'the passphrase must have at least 8 characters');
  return passphrase;
}

export async function wrapDataKey(dataKey: Uint8Array, passphrase: string, stage: LockStage): Promise<LockRecord> {
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const key = await aesKey(await pbkdf2(checkPassphrase(passphrase), salt, LOCK_ITERATIONS));
  return { v: 1, iterations: LOCK_ITERATIONS, salt, nonce, wrapped: await aesSeal(key, nonce, dataKey, AD), stage };
}

/** The data key, or `bad-passphrase` (a wrong passphrase and an altered record look alike). */
export async function unwrapDataKey(record: LockRecord, passphrase: string): Promise<Uint8Array> {
  if (typeof passphrase !== 'string') throw new FriendsChatError('bad-passphrase', 'a passphrase is required');
  const key = await aesKey(await pbkdf2(passphrase, record.salt, record.iterations));
  try {
    return await aesOpen(key, record.nonce, record.wrapped, AD);
  } catch {
    throw new FriendsChatError('bad-passphrase', 'wrong passphrase');
  }
}

/** A lock record as read from disk, checked field by field (`storage-unreadable` if not one). */
export function checkLockRecord(value: unknown): LockRecord {
  const r = value as Partial<LockRecord> | null;
  const bytes = (b: unknown, n: number): boolean => b instanceof Uint8Array && b.length === n;
  if (
    !r || r.v !== 1 || !Number.isInteger(r.iterations) || r.iterations! < 100_000 || r.iterations! > 10_000_000 ||
    !bytes(r.salt, 16) || !bytes(r.nonce, 12) || !bytes(r.wrapped, 48) || !['sealing', 'sealed', 'opening'].includes(r.stage!)
  ) {
    throw new FriendsChatError('storage-unreadable', 'the lock record is damaged');
  }
  return r as LockRecord;
}
