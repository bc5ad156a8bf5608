import { hkdf2, hmacSha256, x25519Shared } from '../crypto/index.js';
import type { Identity } from '../identity/identity.js';
import { concat, toHex, utf8 } from '../util/bytes.js';

const PAIR_CONTEXT = utf8('friends-chat/pair/1');
const PAIR_RDV_CONTEXT = utf8('friends-chat/rdv-pair/1');
/** Pairwise rendezvous IDs change once a day (UTC). */
export const EPOCH = 24 * 60 * 60 * 1000;

/**
 * The secret two friends share, for their rendezvous IDs: HKDF over the Diffie-Hellman of
 * their two static X25519 keys (as authenticated by the Noise handshake), bound to both
 * profile keys. Both compute the same value; nobody without one of the two private keys can.
 * See docs/rendezvous.md.
 */
export async function pairSecret(identity: Identity, peerSignKey: Uint8Array, peerStaticKey: Uint8Array): Promise<Uint8Array> {
  const shared = await x25519Shared(identity.dh.privateKey, peerStaticKey);
  const mine = identity.signing.publicKey;
  const [low, high] = toHex(mine) < toHex(peerSignKey) ? [mine, peerSignKey] : [peerSignKey, mine];
  return hkdf2(PAIR_CONTEXT, concat(shared, low, high))[0]!;
}

/** Where `ownerSignKey` listens for the friend who shares `secret`, during `epoch`. */
export function pairRendezvousId(secret: Uint8Array, ownerSignKey: Uint8Array, epoch: number): string {
  const counter = new Uint8Array(4);
  new DataView(counter.buffer).setUint32(0, epoch);
  return toHex(hmacSha256(secret, concat(PAIR_RDV_CONTEXT, ownerSignKey, counter))).slice(0, 32);
}

export function epochOf(now: number): number {
  return Math.floor(now / EPOCH);
}

/**
 * The epochs to listen at: the current one and the nearer neighbour. A dialler whose clock
 * is less than half an epoch (12 hours) off dials one of them.
 */
export function listenEpochs(now: number): [number, number] {
  const epoch = epochOf(now);
  return [epoch, now - epoch * EPOCH >= EPOCH / 2 ? epoch + 1 : epoch - 1];
}

/** Milliseconds until the next half-epoch boundary, where `listenEpochs` may change. */
export function untilNextListenChange(now: number): number {
  const half = EPOCH / 2;
  return half - (now % half);
}
