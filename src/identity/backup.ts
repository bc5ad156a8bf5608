import { deriveBackupKey, hmacSha256, randomBytes, sha256, xchachaDecrypt, xchachaEncrypt, BACKUP_SCRYPT } from '../crypto/index.js';
import { FriendsChatError } from '../errors.js';
import { concat, equalBytes, fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../util/bytes.js';

const PREFIX = 'friends-chat-backup';
const VERSION = 2;
const SALT = 16;
const NONCE = 24;
const VERIFIER = 16;
const TAG = 16;
const CHECK = 8;
const MAX_BACKUP_CHARS = 8 * 1024 * 1024;
const ALTERED = 'backup was altered: its header or content does not match its key';
const KEY_LABEL = utf8('friends-chat/backup/2/key');
const VERIFY_LABEL = utf8('friends-chat/backup/2/verify');
/** Numbers in the header are written one way only, so no two headers mean the same thing. */
const HEADER = /^friends-chat-backup\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.([A-Za-z0-9_-]+)$/;

type Params = { N: number; r: number; p: number };

/**
 * Version 2 (see docs/keys.md):
 * `friends-chat-backup.2.<log2 N>.<r>.<p>.<base64url(salt ‖ nonce ‖ verifier ‖ ciphertext ‖ check)>`
 * The header text is the AEAD's associated data, so it cannot be changed without the key.
 * scrypt gives K; the cipher key and a 16-byte verifier are HMACs of K under two labels. A
 * verifier that does not match means a wrong passphrase (`bad-passphrase`); a matching
 * verifier with a failing tag means the header or ciphertext was altered (`bad-backup`).
 * The check (first 8 bytes of SHA-256 over everything before it) catches damage in transit
 * before the slow key derivation runs.
 */
export async function sealBackup(plaintext: Uint8Array, passphrase: string, params: Params = BACKUP_SCRYPT): Promise<string> {
  if (typeof passphrase !== 'string' || passphrase.length < 8) {
    throw new FriendsChatError('bad-passphrase', 'the passphrase must have at least 8 characters');
  }
  const salt = randomBytes(SALT);
  const nonce = randomBytes(NONCE);
  const header = utf8(`${PREFIX}.${VERSION}.${Math.log2(params.N)}.${params.r}.${params.p}`);
  const { key, verifier } = splitKey(await deriveBackupKey(passphrase, salt, params));
  const ciphertext = xchachaEncrypt(key, nonce, plaintext, header);
  key.fill(0);
  const body = concat(salt, nonce, verifier, ciphertext);
  const check = sha256(concat(header, body)).subarray(0, CHECK);
  return `${fromUtf8(header)}.${toBase64Url(concat(body, check))}`;
}

export async function openBackup(backup: string, passphrase: string): Promise<Uint8Array> {
  if (typeof backup !== 'string' || backup.length > MAX_BACKUP_CHARS) throw new FriendsChatError('bad-backup', 'this is not a friends-chat backup');
  if (typeof passphrase !== 'string') throw new FriendsChatError('bad-passphrase', 'a passphrase is required');
  const match = HEADER.exec(backup.trim());
  if (!match) throw new FriendsChatError('bad-backup', 'this is not a friends-chat backup');
  const [, version, logN, r, p, data] = match;
  if (version !== '1' && version !== '2') throw new FriendsChatError('bad-backup', `backup version ${version} is not supported`);
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
  const v2 = version === '2';
  if (bytes.length < SALT + NONCE + (v2 ? VERIFIER : 0) + TAG + CHECK) throw new FriendsChatError('bad-backup', 'backup is damaged');
  const body = bytes.subarray(0, bytes.length - CHECK);
  const header = utf8(`${PREFIX}.${version}.${logN}.${r}.${p}`);
  if (!equalBytes(sha256(concat(header, body)).subarray(0, CHECK), bytes.subarray(bytes.length - CHECK))) {
    throw new FriendsChatError('bad-backup', 'backup is damaged');
  }
  const master = await deriveBackupKey(passphrase, body.subarray(0, SALT), params);
  const nonce = body.subarray(SALT, SALT + NONCE);
  const { key, verifier } = splitKey(master);
  const verified = equalBytes(verifier, body.subarray(SALT + NONCE, SALT + NONCE + VERIFIER));
  try {
    if (v2 && verified) {
      const plaintext = tryDecrypt(key, nonce, body.subarray(SALT + NONCE + VERIFIER), header);
      if (plaintext) return plaintext;
      throw new FriendsChatError('bad-backup', ALTERED);
    }
    // Version 1 (no associated data) stays readable: its header only selects the scrypt
    // parameters, and changing those changes the key, so an altered v1 header can make a
    // backup fail to open but never open to different content (docs/keys.md).
    const old = tryDecrypt(master, nonce, body.subarray(SALT + NONCE));
    if (!v2 && old) return old;
    // A version-1 body under a version-2 label, or a matching v2 verifier under a v1 label.
    if (old || verified) throw new FriendsChatError('bad-backup', ALTERED);
    throw new FriendsChatError('bad-passphrase', 'wrong passphrase');
  } finally {
    master.fill(0);
    key.fill(0);
  }
}

function tryDecrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad?: Uint8Array): Uint8Array | null {
  try {
    return xchachaDecrypt(key, nonce, ciphertext, ad);
  } catch {
    return null;
  }
}

function splitKey(master: Uint8Array): { key: Uint8Array; verifier: Uint8Array } {
  return { key: hmacSha256(master, KEY_LABEL), verifier: hmacSha256(master, VERIFY_LABEL).subarray(0, VERIFIER) };
}
