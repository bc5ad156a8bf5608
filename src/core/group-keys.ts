import { chachaPolyDecrypt, chachaPolyEncrypt, hkdf2, hmacSha256, randomBytes, sha256, x25519Ephemeral, x25519Shared } from '../crypto/index.js';
import type { Keypair } from '../crypto/index.js';
import { hexOf, int, obj, str } from '../session/schema.js';
import { concat, fromBase64Url, fromHex, fromUtf8, toBase64Url, toHex, utf8 } from '../util/bytes.js';

/**
 * Sender keys (docs/groups.md, "Encryption"): each member has, per epoch, a random seed;
 * its chain key is ratcheted once per message (HMAC-SHA-256) and every message key is used
 * once. A seed travels sealed to each current member's X25519 key inside a signed `key`
 * entry, so it can be relayed by anyone and read only by the members it names.
 */

/** A new epoch is started after this many messages, or this much time (ms). */
export const ROTATE_AFTER_MESSAGES = 1000;
export const ROTATE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;
/** A chain is never ratcheted further than this (a forged index cannot make us spin). */
export const MAX_CHAIN = 4096;
const NONCE = new Uint8Array(12);

/** The body of a `key` entry: the epoch, the ephemeral public key, and the seed sealed per member. */
export interface KeyBody {
  e: number;
  k: string;
  to: Record<string, string>;
}

/** The body of a `sealed` entry: epoch, chain index, ciphertext (base64url). */
export interface SealedBody {
  e: number;
  n: number;
  c: string;
}

const keyShape = obj({
  e: int(1, 2 ** 40),
  k: hexOf(32),
  to: ((value: unknown, path: string) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${path}: expected an object`);
    const out: Record<string, string> = {};
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > 64) throw new Error(`${path}: too many recipients`);
    for (const [id, sealed] of entries) out[hexOf(32)(id, path)] = hexOf(48)(sealed, `${path}.${id}`);
    return out;
  }) as (value: unknown, path: string) => Record<string, string>,
});
const sealedShape = obj({ e: int(1, 2 ** 40), n: int(0, MAX_CHAIN - 1), c: str({ max: 70 * 1024 }) });

export function parseKeyBody(body: string | undefined): KeyBody {
  return keyShape(JSON.parse(body ?? 'null'), 'key');
}

export function parseSealedBody(body: string | undefined): SealedBody {
  return sealedShape(JSON.parse(body ?? 'null'), 'sealed');
}

const context = (group: string, author: string, epoch: number): Uint8Array => utf8(`friends-chat/group-key/1|${group}|${author}|${epoch}`);

function sealKey(ctx: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array, shared: Uint8Array): Uint8Array {
  return hkdf2(sha256(concat(ctx, ephemeral, recipient)), shared)[0]!;
}

export function newSeed(): Uint8Array {
  return randomBytes(32);
}

/** Seals `seed` to every recipient's X25519 key (hex); one ephemeral key per entry. */
export async function sealSeed(group: string, author: string, epoch: number, seed: Uint8Array, recipients: { id: string; dh: string }[]): Promise<KeyBody> {
  const e = await x25519Ephemeral();
  const ctx = context(group, author, epoch);
  const to: Record<string, string> = {};
  for (const r of recipients) {
    const dh = fromHex(r.dh);
    to[r.id] = toHex(chachaPolyEncrypt(sealKey(ctx, e.publicKey, dh, await x25519Shared(e.secret, dh)), NONCE, concat(ctx, utf8(r.id)), seed));
  }
  return { e: epoch, k: toHex(e.publicKey), to };
}

/** The seed of a `key` entry, if it was sealed to `me`; never rejects. */
export async function openSeed(group: string, author: string, body: KeyBody, me: string, own: Keypair): Promise<Uint8Array | undefined> {
  const sealed = body.to[me];
  if (!sealed) return undefined;
  const ctx = context(group, author, body.e);
  try {
    const eph = fromHex(body.k);
    return chachaPolyDecrypt(sealKey(ctx, eph, own.publicKey, await x25519Shared(own.privateKey, eph)), NONCE, concat(ctx, utf8(me)), fromHex(sealed));
  } catch {
    return undefined;
  }
}

/** One member's chain for one epoch: message key `n` is derived from chain key `n`. */
export class SenderChain {
  readonly #chain: Uint8Array[];

  constructor(seed: Uint8Array) {
    this.#chain = [hmacSha256(seed, utf8('friends-chat/group-chain/1'))];
  }

  messageKey(n: number): Uint8Array {
    if (!Number.isInteger(n) || n < 0 || n >= MAX_CHAIN) throw new RangeError('chain index out of range');
    while (this.#chain.length <= n) this.#chain.push(hmacSha256(this.#chain.at(-1)!, Uint8Array.of(2)));
    return hmacSha256(this.#chain[n]!, Uint8Array.of(1));
  }
}

const messageAd = (group: string, author: string, e: number, n: number): Uint8Array => utf8(`friends-chat/group-msg/1|${group}|${author}|${e}|${n}`);

/** Encrypts a message's plaintext with message key `n` of the author's chain. */
export function sealMessage(group: string, author: string, e: number, n: number, chain: SenderChain, plaintext: string): SealedBody {
  return { e, n, c: toBase64Url(chachaPolyEncrypt(chain.messageKey(n), NONCE, messageAd(group, author, e, n), utf8(plaintext))) };
}

/** Decrypts a sealed body; undefined if the key does not open it. */
export function openMessage(group: string, author: string, body: SealedBody, chain: SenderChain): string | undefined {
  try {
    return fromUtf8(chachaPolyDecrypt(chain.messageKey(body.n), NONCE, messageAd(group, author, body.e, body.n), fromBase64Url(body.c)));
  } catch {
    return undefined;
  }
}
