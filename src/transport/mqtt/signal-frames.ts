import { chachaPolyDecrypt, chachaPolyEncrypt, hkdf2, randomBytes, sha256, x25519Ephemeral, x25519Shared } from '../../crypto/index.js';
import type { Keypair } from '../../crypto/x25519.js';
import { concat, utf8 } from '../../util/bytes.js';

/**
 * Signaling frames on MQTT rendezvous topics. Every frame is AEAD-encrypted; the offer picks
 * how (see docs/self-hosting.md, "What the broker learns"):
 *  - sealed: the dialer knows the recipient's static X25519 key (a friend): ephemeral-static
 *    X25519, so only the recipient can read the offer, the answer and every candidate;
 *  - open: a stranger's key is not known yet: keys derived from the topic and the call ID
 *    only, which the broker can compute. It then learns the SDP (ICE addresses), but it
 *    still cannot sit in the middle: the Noise handshake binds both DTLS fingerprints.
 * Layout: version(1) kind(1) call(16) seq(4) [ephemeral public key (32), sealed offers]
 * ciphertext. The header and the recipient's topic are the associated data.
 */
export const FRAME_VERSION = 1;
export const KIND_OFFER_SEALED = 1;
export const KIND_OFFER_OPEN = 2;
export const KIND_ANSWER = 3;
export const KIND_FROM_DIALER = 4;
export const KIND_FROM_ANSWERER = 5;
/** An SDP with many candidates is a few KiB; anything much larger is not ours. */
export const MAX_FRAME = 32 * 1024;
const HEADER = 22;
const CONTEXT = utf8('friends-chat/mqtt-signal/1');

/** The two directions of one call have their own keys; nonces are the per-direction sequence. */
export interface CallKeys {
  dialer: Uint8Array;
  answerer: Uint8Array;
}

export interface Frame {
  kind: number;
  call: Uint8Array;
  seq: number;
  /** Present on sealed offers. */
  ephemeral?: Uint8Array;
  header: Uint8Array;
  ciphertext: Uint8Array;
}

function header(kind: number, call: Uint8Array, seq: number, ephemeral?: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + (ephemeral ? 32 : 0));
  out[0] = FRAME_VERSION;
  out[1] = kind;
  out.set(call, 2);
  new DataView(out.buffer).setUint32(18, seq);
  if (ephemeral) out.set(ephemeral, HEADER);
  return out;
}

function nonce(seq: number): Uint8Array {
  const out = new Uint8Array(12);
  new DataView(out.buffer).setUint32(8, seq);
  return out;
}

function split(chainingKey: Uint8Array, input: Uint8Array): CallKeys {
  const [dialer, answerer] = hkdf2(chainingKey, input);
  return { dialer: dialer!, answerer: answerer! };
}

function openKeys(topic: string, call: Uint8Array): CallKeys {
  return split(sha256(concat(CONTEXT, utf8(topic), call)), new Uint8Array(32));
}

/** Parses a frame's header; null for anything malformed (it is dropped unread). */
export function parseFrame(bytes: Uint8Array): Frame | null {
  if (bytes.length < HEADER + 16 || bytes.length > MAX_FRAME || bytes[0] !== FRAME_VERSION) return null;
  const kind = bytes[1]!;
  if (kind < KIND_OFFER_SEALED || kind > KIND_FROM_ANSWERER) return null;
  const size = HEADER + (kind === KIND_OFFER_SEALED ? 32 : 0);
  if (bytes.length < size + 16) return null;
  return {
    kind,
    call: bytes.slice(2, 18),
    seq: new DataView(bytes.buffer, bytes.byteOffset).getUint32(18),
    ...(kind === KIND_OFFER_SEALED ? { ephemeral: bytes.slice(HEADER, size) } : {}),
    header: bytes.slice(0, size),
    ciphertext: bytes.subarray(size),
  };
}

/** A new call to `topic`, before its offer exists: its ID, keys and the offer's header. */
export interface NewCall {
  call: Uint8Array;
  keys: CallKeys;
  head: Uint8Array;
}

/**
 * Starts a call to `topic`: sealed to `recipient` when its static key is known (an X25519
 * with a fresh ephemeral key, so async: the dialer does it before it gathers candidates).
 */
export async function newCall(topic: string, recipient: Uint8Array | undefined): Promise<NewCall> {
  const call = randomBytes(16);
  if (!recipient) return { call, keys: openKeys(topic, call), head: header(KIND_OFFER_OPEN, call, 0) };
  const e = await x25519Ephemeral();
  const keys = split(sha256(concat(CONTEXT, utf8(topic), e.publicKey, recipient)), await x25519Shared(e.secret, recipient));
  return { call, keys, head: header(KIND_OFFER_SEALED, call, 0, e.publicKey) };
}

/** The call's offer to `topic`. */
export function sealOffer({ call, keys, head }: NewCall, topic: string, plaintext: Uint8Array): { frame: Uint8Array; call: Uint8Array; keys: CallKeys } {
  return { frame: concat(head, chachaPolyEncrypt(keys.dialer, nonce(0), concat(head, utf8(topic)), plaintext)), call, keys };
}

/** Opens an offer that arrived on our `topic`; null when it does not decrypt. */
export async function openOffer(topic: string, own: Keypair | undefined, frame: Frame): Promise<{ keys: CallKeys; plaintext: Uint8Array } | null> {
  let keys: CallKeys;
  if (frame.kind === KIND_OFFER_SEALED) {
    if (!own) return null;
    try {
      keys = split(sha256(concat(CONTEXT, utf8(topic), frame.ephemeral!, own.publicKey)), await x25519Shared(own.privateKey, frame.ephemeral!));
    } catch {
      return null; // a low-order point
    }
  } else if (frame.kind === KIND_OFFER_OPEN) {
    keys = openKeys(topic, frame.call);
  } else {
    return null;
  }
  const plaintext = decrypt(keys.dialer, frame, topic);
  return plaintext ? { keys, plaintext } : null;
}

/** An answer or candidate of a call, to the other side's `topic`. */
export function sealFrame(key: Uint8Array, kind: number, call: Uint8Array, seq: number, topic: string, plaintext: Uint8Array): Uint8Array {
  const head = header(kind, call, seq);
  return concat(head, chachaPolyEncrypt(key, nonce(seq), concat(head, utf8(topic)), plaintext));
}

/** Decrypts a frame that arrived on `topic`; null when the tag does not verify. */
export function decrypt(key: Uint8Array, frame: Frame, topic: string): Uint8Array | null {
  try {
    return chachaPolyDecrypt(key, nonce(frame.seq), concat(frame.header, utf8(topic)), frame.ciphertext);
  } catch {
    return null;
  }
}
