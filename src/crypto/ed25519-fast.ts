import { ed25519Verify } from './ed25519.js';

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
