/**
 * The only place that imports @noble. Everything else asks this module for primitives,
 * so a primitive can be audited or swapped in one file set.
 */
export { x25519Keypair, x25519PublicKey, x25519Shared } from './x25519.js';
export { ed25519Keypair, ed25519PublicKey, ed25519Sign, ed25519Verify } from './ed25519.js';
export { ed25519SignBulk, ed25519VerifyBulk } from './ed25519-fast.js';
export { sha256, sha256Async, sha256Stream, hmacSha256, hkdf2, sha384 } from './hash.js';
export { chachaPolyEncrypt, chachaPolyDecrypt, xchachaEncrypt, xchachaDecrypt } from './aead.js';
export { deriveBackupKey, BACKUP_SCRYPT } from './kdf.js';
export { randomBytes } from './random.js';
