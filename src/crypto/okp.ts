import { fromBase64Url } from '../util/bytes.js';

/**
 * Raw 32-byte Ed25519 and X25519 secrets (what an identity stores) as WebCrypto keys. The
 * browser imports keys of these curves as PKCS#8 only: the fixed 16-byte header of RFC 8410
 * (version 0, the curve's OID, an OCTET STRING of 32 bytes) followed by the secret.
 */
type Curve = 'Ed25519' | 'X25519';
const OID = { Ed25519: 0x70, X25519: 0x6e } as const;

export type Bytes = Uint8Array<ArrayBuffer>;
export const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

export async function importSecret(curve: Curve, secret: Uint8Array, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKey> {
  if (!(secret instanceof Uint8Array) || secret.length !== 32) throw new RangeError(`${curve} secret must be 32 bytes`);
  const der = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, OID[curve], 0x04, 0x22, 0x04, 0x20, ...secret);
  try {
    return await subtle().importKey('pkcs8', der, { name: curve }, extractable, usages);
  } finally {
    der.fill(0);
  }
}

/** The public key of a raw secret: imported once as extractable, read from the JWK's `x`. */
export async function publicOf(curve: Curve, secret: Uint8Array): Promise<Uint8Array> {
  const usages: KeyUsage[] = curve === 'Ed25519' ? ['sign'] : ['deriveBits'];
  const jwk = await subtle().exportKey('jwk', await importSecret(curve, secret, true, usages));
  const publicKey = fromBase64Url(jwk.x ?? '');
  if (publicKey.length !== 32) throw new RangeError(`${curve}: no public key`);
  return publicKey;
}

/** A cache of imported keys by the secret's bytes object (an identity keeps the same one). */
export function keyCache(curve: Curve, usages: KeyUsage[]): (secret: Uint8Array) => Promise<CryptoKey> {
  const keys = new WeakMap<Uint8Array, Promise<CryptoKey>>();
  return (secret) => {
    let key = keys.get(secret);
    if (!key) {
      key = importSecret(curve, secret, false, usages);
      keys.set(secret, key);
      key.catch(() => keys.delete(secret));
    }
    return key;
  };
}
