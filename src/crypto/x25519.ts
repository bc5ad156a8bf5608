import { keyCache, publicOf, subtle } from './okp.js';
import { randomBytes } from './random.js';

/** Raw 32-byte keys: what an identity stores (and Noise test vectors fix). */
export interface Keypair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** An X25519 secret: raw bytes (a stored or test-vector key) or a non-extractable WebCrypto key. */
export type DhSecret = Uint8Array | CryptoKey;

export interface DhKeypair {
  readonly secret: DhSecret;
  readonly publicKey: Uint8Array;
}

const ALG = { name: 'X25519' } as const;
const dhKey = keyCache('X25519', ['deriveBits']);

/** A key pair with a raw secret (a new identity's static key); `seed` fixes it (test vectors). */
export async function x25519Keypair(seed?: Uint8Array): Promise<Keypair> {
  const privateKey = seed ?? randomBytes(32);
  return { privateKey, publicKey: await publicOf('X25519', privateKey) };
}

export function x25519PublicKey(privateKey: Uint8Array): Promise<Uint8Array> {
  return publicOf('X25519', privateKey);
}

/** A one-use key pair whose secret never leaves the browser's crypto (envelopes, handshakes). */
export async function x25519Ephemeral(): Promise<DhKeypair> {
  const pair = (await subtle().generateKey(ALG, false, ['deriveBits'])) as CryptoKeyPair;
  return { secret: pair.privateKey, publicKey: new Uint8Array(await subtle().exportKey('raw', pair.publicKey)) };
}

/**
 * Diffie-Hellman. Rejects for a low-order public key (an all-zero result), which a peer could
 * otherwise use to force a known shared secret, and for anything not 32 bytes.
 */
export async function x25519Shared(secret: DhSecret, publicKey: Uint8Array): Promise<Uint8Array> {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) throw new RangeError('X25519 public key must be 32 bytes');
  const [key, peer] = await Promise.all([
    secret instanceof Uint8Array ? dhKey(secret) : secret,
    subtle().importKey('raw', publicKey.slice(), ALG, false, []),
  ]);
  const out = new Uint8Array(await subtle().deriveBits({ name: 'X25519', public: peer }, key, 256));
  let any = 0;
  for (const byte of out) any |= byte;
  if (any === 0) throw new RangeError('low-order X25519 public key');
  return out;
}
