/**
 * The only place that imports @noble and uses WebCrypto's curves. Everything else asks this
 * module for primitives, so a primitive can be audited or swapped in one file set.
 * Ed25519 and X25519 are the browser's own (WebCrypto): friends-chat runs only in a secure
 * context of a browser that has them (`cryptoSupported`, docs/architecture.md).
 */
export { x25519Ephemeral, x25519Keypair, x25519PublicKey, x25519Shared, type DhKeypair, type DhSecret, type Keypair } from './x25519.js';
export { ed25519Keypair, ed25519PublicKey, ed25519Sign, ed25519Strict, ed25519Verify } from './ed25519.js';
export { cryptoSupported } from './support.js';
export { sha256, sha256Async, sha256Stream, hmacSha256, hkdf2, sha384 } from './hash.js';
export { chachaPolyEncrypt, chachaPolyDecrypt, xchachaEncrypt, xchachaDecrypt } from './aead.js';
export { deriveBackupKey, BACKUP_SCRYPT } from './kdf.js';
export { randomBytes } from './random.js';
