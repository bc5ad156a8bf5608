import { ed25519Sign, ed25519Verify } from './ed25519.js';

/**
 * Ed25519 verification for bulk work (syncing thousands of log entries): the browser's
 * native WebCrypto Ed25519 where it exists, noble otherwise. Imported keys are cached
 * per public key (a conversation has two authors).
 */
const keys = new Map<string, Promise<CryptoKey | null>>();
let native: boolean | undefined;

function importKey(publicKey: Uint8Array, hex: string): Promise<CryptoKey | null> {
  let key = keys.get(hex);
  if (!key) {
    key = crypto.subtle.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify']).catch(() => null);
    if (keys.size > 256) keys.clear();
    keys.set(hex, key);
  }
  return key;
}

export async function ed25519VerifyBulk(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array, publicKeyHex: string): Promise<boolean> {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  if (native !== false && globalThis.crypto?.subtle) {
    const key = await importKey(publicKey, publicKeyHex);
    if (key) {
      native = true;
      try {
        return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
      } catch {
        return false;
      }
    }
    native = false;
  }
  return ed25519Verify(signature, message, publicKey);
}

/** PKCS#8 wrapper of a raw 32-byte Ed25519 seed (RFC 8410). */
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
const signingKeys = new WeakMap<Uint8Array, Promise<CryptoKey | null>>();

/**
 * Ed25519 signing for bulk work (every log entry): a non-extractable WebCrypto key where
 * the browser has Ed25519, noble otherwise. Ed25519 is deterministic, so both give the
 * same signature.
 */
export async function ed25519SignBulk(message: Uint8Array, privateKey: Uint8Array): Promise<Uint8Array> {
  if (privateKey.length !== 32) throw new RangeError('Ed25519 secret key must be 32 bytes');
  let key = signingKeys.get(privateKey);
  if (!key) {
    const der = new Uint8Array(PKCS8_PREFIX.length + 32);
    der.set(PKCS8_PREFIX);
    der.set(privateKey, PKCS8_PREFIX.length);
    key = globalThis.crypto?.subtle
      ? crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, false, ['sign']).catch(() => null)
      : Promise.resolve(null);
    der.fill(0);
    signingKeys.set(privateKey, key);
  }
  const imported = await key;
  if (imported) {
    try {
      return new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, imported, message as Uint8Array<ArrayBuffer>));
    } catch {
      // fall through to noble
    }
  }
  return ed25519Sign(message, privateKey);
}
