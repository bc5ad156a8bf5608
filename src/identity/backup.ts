import { deriveBackupKey, randomBytes, sha256, xchachaDecrypt, xchachaEncrypt, BACKUP_SCRYPT } from '../crypto/index.js';
import { FriendsChatError } from '../errors.js';
import { concat, equalBytes, fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../util/bytes.js';

const PREFIX = 'friends-chat-backup';
const VERSION = 1;
const SALT = 16;
const NONCE = 24;
const CHECK = 8;
const MAX_BACKUP_CHARS = 8 * 1024 * 1024;

/**
 * `friends-chat-backup.1.<log2 N>.<r>.<p>.<base64url(salt ‖ nonce ‖ ciphertext ‖ check)>`
 * The check (first 8 bytes of SHA-256 over everything before it) tells a damaged backup
 * (`bad-backup`) apart from a wrong passphrase (`bad-passphrase`, the AEAD tag fails).
 */
export async function sealBackup(plaintext: Uint8Array, passphrase: string, params: { N: number; r: number; p: number } = BACKUP_SCRYPT): Promise<string> {
  if (typeof passphrase !== 'string' || passphrase.length < 8) {
    throw new FriendsChatError('bad-passphrase', 'the passphrase must have at least 8 characters');
  }
  const salt = randomBytes(SALT);
  const nonce = randomBytes(NONCE);
  const key = await deriveBackupKey(passphrase, salt, params);
  const header = utf8(`${PREFIX}.${VERSION}.${Math.log2(params.N)}.${params.r}.${params.p}`);
  const ciphertext = xchachaEncrypt(key, nonce, plaintext);
  const body = concat(salt, nonce, ciphertext);
  const check = sha256(concat(header, body)).subarray(0, CHECK);
  return `${fromUtf8(header)}.${toBase64Url(concat(body, check))}`;
}

export async function openBackup(backup: string, passphrase: string): Promise<Uint8Array> {
  if (typeof backup !== 'string' || backup.length > MAX_BACKUP_CHARS) throw new FriendsChatError('bad-backup', 'this is not a friends-chat backup');
  if (typeof passphrase !== 'string') throw new FriendsChatError('bad-passphrase', 'a passphrase is required');
  const match = /^friends-chat-backup\.(\d+)\.(\d+)\.(\d+)\.(\d+)\.([A-Za-z0-9_-]+)$/.exec(backup.trim());
  if (!match) throw new FriendsChatError('bad-backup', 'this is not a friends-chat backup');
  const [, version, logN, r, p, data] = match;
  if (Number(version) !== VERSION) throw new FriendsChatError('bad-backup', `backup version ${version} is not supported`);
  // Refuse parameters that are too weak to be ours or so strong they would hang the page.
  const params = { N: 2 ** Number(logN), r: Number(r), p: Number(p) };
  if (Number(logN) < 14 || Number(logN) > 20 || params.r < 1 || params.r > 16 || params.p < 1 || params.p > 4) {
    throw new FriendsChatError('bad-backup', 'backup has unsupported key-derivation parameters');
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(data!);
  } catch {
    throw new FriendsChatError('bad-backup', 'backup is damaged');
  }
  if (bytes.length < SALT + NONCE + 16 + CHECK) throw new FriendsChatError('bad-backup', 'backup is damaged');
  const body = bytes.subarray(0, bytes.length - CHECK);
  const header = utf8(`${PREFIX}.${version}.${logN}.${r}.${p}`);
  if (!equalBytes(sha256(concat(header, body)).subarray(0, CHECK), bytes.subarray(bytes.length - CHECK))) {
    throw new FriendsChatError('bad-backup', 'backup is damaged');
  }
  const key = await deriveBackupKey(passphrase, body.subarray(0, SALT), params);
  try {
    return xchachaDecrypt(key, body.subarray(SALT, SALT + NONCE), body.subarray(SALT + NONCE));
  } catch {
    throw new FriendsChatError('bad-passphrase', 'wrong passphrase');
  }
}
