import { x25519 } from '@noble/curves/ed25519.js';

export interface Keypair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** An X25519 key pair; `seed` is for test vectors only (Noise fixed ephemerals). */
export function x25519Keypair(seed?: Uint8Array): Keypair {
  const privateKey = seed ?? x25519.utils.randomSecretKey();
  return { privateKey, publicKey: x25519.getPublicKey(privateKey) };
}

export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(privateKey);
}

/**
 * Diffie-Hellman. noble rejects an all-zero result (low-order public key), which a peer
 * could otherwise use to force a known shared secret; the caller sees that as a throw.
 */
export function x25519Shared(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return x25519.getSharedSecret(privateKey, publicKey);
}
