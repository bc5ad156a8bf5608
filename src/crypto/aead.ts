import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js';

/** ChaCha20-Poly1305 (RFC 8439) with a 12-byte nonce. */
export function chachaPolyEncrypt(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return chacha20poly1305(key, nonce, ad).encrypt(plaintext);
}

/** Throws when the tag does not verify (noble compares tags in constant time). */
export function chachaPolyDecrypt(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return chacha20poly1305(key, nonce, ad).decrypt(ciphertext);
}

/** XChaCha20-Poly1305 with a 24-byte random nonce (safe to pick at random); `ad` is authenticated, not encrypted. */
export function xchachaEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad?: Uint8Array): Uint8Array {
  return xchacha20poly1305(key, nonce, ad).encrypt(plaintext);
}

export function xchachaDecrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad?: Uint8Array): Uint8Array {
  return xchacha20poly1305(key, nonce, ad).decrypt(ciphertext);
}
