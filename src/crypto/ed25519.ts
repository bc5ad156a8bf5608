import { keyCache, publicOf, subtle, type Bytes } from './okp.js';
import { randomBytes } from './random.js';
import type { Keypair } from './x25519.js';

const ALG = { name: 'Ed25519' } as const;
/** The group order L and the field prime p of edwards25519 (RFC 8032 §5.1). */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;
/** The y of the two points of order 8 (the other small-order points have y = 0, 1 or p − 1). */
const Y8 = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;
const SMALL_ORDER_Y = [0n, 1n, P - 1n, Y8, P - Y8];

const signingKey = keyCache('Ed25519', ['sign']);
const verifyingKeys = new Map<string, Promise<CryptoKey>>();

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/**
 * Whether a signature and key pass the checks every browser must agree on, before WebCrypto
 * sees them: S < L (no malleable second encoding of one signature), a public key whose y is
 * canonical (< p) and that is not one of the eight small-order points (a key for which one
 * signature verifies on every message). docs/keys.md, "Ed25519 verification".
 */
export function ed25519Strict(signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || !(publicKey instanceof Uint8Array)) return false;
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  if (littleEndian(signature.subarray(32)) >= L) return false;
  const y = littleEndian(publicKey) & ((1n << 255n) - 1n);
  return y < P && !SMALL_ORDER_Y.includes(y);
}

/** A fresh key pair; the secret is the raw 32-byte seed (RFC 8032), as identities store it. */
export async function ed25519Keypair(): Promise<Keypair> {
  const privateKey = randomBytes(32);
  return { privateKey, publicKey: await publicOf('Ed25519', privateKey) };
}

export function ed25519PublicKey(privateKey: Uint8Array): Promise<Uint8Array> {
  return publicOf('Ed25519', privateKey);
}

/** Deterministic (RFC 8032): the same seed and message give the same signature in every browser. */
export async function ed25519Sign(message: Uint8Array, privateKey: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign(ALG, await signingKey(privateKey), message as Bytes));
}

/** False (never a rejection) for any malformed, non-canonical or small-order key or signature. */
export async function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
  if (!ed25519Strict(signature, publicKey) || !(message instanceof Uint8Array)) return false;
  const id = String.fromCharCode(...publicKey);
  try {
    let key = verifyingKeys.get(id);
    if (!key) {
      // A conversation has two authors and a group a few dozen: a small cache is enough.
      if (verifyingKeys.size >= 256) verifyingKeys.clear();
      key = subtle().importKey('raw', publicKey.slice(), ALG, false, ['verify']);
      verifyingKeys.set(id, key);
      key.catch(() => verifyingKeys.delete(id));
    }
    return await subtle().verify(ALG, await key, signature as Bytes, message as Bytes);
  } catch {
    return false;
  }
}
