import { chachaPolyDecrypt, chachaPolyEncrypt, hkdf2, sha256, x25519Ephemeral, x25519Shared, type Keypair } from '../crypto/index.js';
import { FriendsChatError } from '../errors.js';
import { concat, utf8 } from '../util/bytes.js';

/**
 * A mailbox envelope: opaque bytes (a batch of signed log entries) sealed to one friend's
 * static X25519 key, for a broker to hold while the friend is offline. A fresh ephemeral
 * key per envelope gives a fresh AEAD key, so the all-zero nonce is never reused. The
 * envelope does not say who sent it: the entries inside are signed, and the receiver checks
 * those signatures against its friends (see docs/self-hosting.md).
 * Layout: version(1) ‖ ephemeral public key(32) ‖ ChaCha20-Poly1305(payload); the version,
 * the ephemeral key and the recipient's mailbox topic are the associated data.
 */
export const ENVELOPE_VERSION = 1;
/** The whole envelope, sealed. Brokers are told the same limit (docs/self-hosting.md). */
export const MAX_ENVELOPE = 64 * 1024;
const HEADER = 33;
const TAG = 16;
export const MAX_ENVELOPE_PAYLOAD = MAX_ENVELOPE - HEADER - TAG;
const CONTEXT = utf8('friends-chat/mailbox/1');
const NONCE = new Uint8Array(12);

function envelopeKey(topic: string, ephemeral: Uint8Array, recipient: Uint8Array, shared: Uint8Array): Uint8Array {
  return hkdf2(sha256(concat(CONTEXT, utf8(topic), ephemeral, recipient)), shared)[0]!;
}

/** Seals `payload` to `recipient` (its X25519 public key) for its mailbox `topic`. */
export async function sealEnvelope(topic: string, recipient: Uint8Array, payload: Uint8Array): Promise<Uint8Array> {
  if (recipient.length !== 32) throw new FriendsChatError('bad-input', 'a mailbox recipient key is 32 bytes');
  if (payload.length > MAX_ENVELOPE_PAYLOAD) throw new FriendsChatError('message-too-large', `a mailbox envelope holds at most ${MAX_ENVELOPE_PAYLOAD} bytes`);
  const e = await x25519Ephemeral();
  const header = concat(Uint8Array.of(ENVELOPE_VERSION), e.publicKey);
  const key = envelopeKey(topic, e.publicKey, recipient, await x25519Shared(e.secret, recipient));
  return concat(header, chachaPolyEncrypt(key, NONCE, concat(header, utf8(topic)), payload));
}

export type OpenResult = { ok: true; payload: Uint8Array } | { ok: false; reason: 'oversized' | 'garbage' };

/** Opens an envelope that arrived on our mailbox `topic`; never rejects. */
export async function openEnvelope(topic: string, own: Keypair, envelope: Uint8Array): Promise<OpenResult> {
  if (envelope.length > MAX_ENVELOPE) return { ok: false, reason: 'oversized' };
  if (envelope.length < HEADER + TAG || envelope[0] !== ENVELOPE_VERSION) return { ok: false, reason: 'garbage' };
  const ephemeral = envelope.subarray(1, HEADER);
  try {
    const key = envelopeKey(topic, ephemeral, own.publicKey, await x25519Shared(own.privateKey, ephemeral));
    return { ok: true, payload: chachaPolyDecrypt(key, NONCE, concat(envelope.subarray(0, HEADER), utf8(topic)), envelope.subarray(HEADER)) };
  } catch {
    return { ok: false, reason: 'garbage' }; // a low-order key, another recipient, or tampered bytes
  }
}
