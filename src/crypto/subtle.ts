/**
 * WebCrypto primitives for storage at rest (docs/storage-lock.md): AES-256-GCM, HMAC-SHA-256
 * and PBKDF2-SHA-256 run natively, cost no bundle bytes and are several times faster than
 * the portable code for bulk data. Keys are imported non-extractable.
 */
type Bytes = Uint8Array<ArrayBuffer>;

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

/** An AES-256-GCM key for `seal`/`open`. */
export function aesKey(raw: Uint8Array): Promise<CryptoKey> {
  return subtle().importKey('raw', raw as Bytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/** An HMAC-SHA-256 key for `mac`. */
export function hmacKey(raw: Uint8Array): Promise<CryptoKey> {
  return subtle().importKey('raw', raw as Bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

export async function mac(key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign('HMAC', key, data as Bytes));
}

/** AES-GCM with a 12-byte nonce the caller picks at random; the 16-byte tag is appended. */
export async function aesSeal(key: CryptoKey, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: nonce as Bytes, additionalData: ad as Bytes }, key, plaintext as Bytes));
}

/** Rejects when the tag does not verify (the comparison is WebCrypto's). */
export async function aesOpen(key: CryptoKey, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: nonce as Bytes, additionalData: ad as Bytes }, key, ciphertext as Bytes));
}

/** PBKDF2-SHA-256 → 32 bytes (NFKC-normalised passphrase, as the backup's scrypt). */
export async function pbkdf2(passphrase: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const base = await subtle().importKey('raw', new TextEncoder().encode(passphrase.normalize('NFKC')), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await subtle().deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as Bytes, iterations }, base, 256));
}
