import { sha256 as nobleSha256, sha384 as nobleSha384 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

export function sha384(data: Uint8Array): Uint8Array {
  return nobleSha384(data);
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(nobleSha256, key, data);
}

/**
 * The Noise HKDF with two outputs (Noise spec §4.3): HMAC-based, chaining key as salt.
 * Noise needs two or three outputs; `three` selects the latter.
 */
export function hkdf2(chainingKey: Uint8Array, input: Uint8Array, three = false): Uint8Array[] {
  const tempKey = hmacSha256(chainingKey, input);
  const out1 = hmacSha256(tempKey, Uint8Array.of(1));
  const buf2 = new Uint8Array(out1.length + 1);
  buf2.set(out1);
  buf2[out1.length] = 2;
  const out2 = hmacSha256(tempKey, buf2);
  if (!three) return [out1, out2];
  const buf3 = new Uint8Array(out2.length + 1);
  buf3.set(out2);
  buf3[out2.length] = 3;
  return [out1, out2, hmacSha256(tempKey, buf3)];
}

/** Incremental SHA-256 for data that arrives in pieces (a file read slice by slice). */
export function sha256Stream(): { update(data: Uint8Array): void; digest(): Uint8Array } {
  const hasher = nobleSha256.create();
  return {
    update: (data) => void hasher.update(data),
    digest: () => hasher.digest(),
  };
}

/** SHA-256 through WebCrypto where the page has it (several times faster on large inputs). */
export async function sha256Async(data: Uint8Array): Promise<Uint8Array> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle) {
    try {
      return new Uint8Array(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
    } catch {
      // Fall through to the portable implementation.
    }
  }
  return nobleSha256(data);
}
