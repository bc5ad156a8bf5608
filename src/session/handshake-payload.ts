import { ed25519Verify } from '../crypto/index.js';
import { bindingMessage } from '../identity/identity.js';
import { concat, fromUtf8, toHex, utf8 } from '../util/bytes.js';
import { arr, obj, optional, str } from './schema.js';

/** What each side proves and offers in its handshake payload. */
export interface PeerHello {
  /** Ed25519 public key: the profile. */
  signKey: Uint8Array;
  profileId: string;
  displayName: string;
  capabilities: string[];
}

const MAX_PAYLOAD = 1024;
const meta = obj({
  name: optional(str({ max: 64 })),
  caps: optional(arr(str({ min: 1, max: 32, pattern: /^[a-z0-9-]+$/ }), 16)),
});

/** 32-byte Ed25519 key ‖ 64-byte binding signature ‖ UTF-8 JSON `{name, caps}`. */
export function encodeHello(signKey: Uint8Array, binding: Uint8Array, displayName: string, capabilities: string[]): Uint8Array {
  return concat(signKey, binding, utf8(JSON.stringify({ name: displayName.slice(0, 64), caps: capabilities })));
}

/**
 * Checks a peer's payload against the X25519 key the Noise handshake authenticated:
 * the binding signature must tie that key to the Ed25519 profile key (checked with the
 * browser's Ed25519). Rejects otherwise.
 */
export async function decodeHello(payload: Uint8Array, remoteStatic: Uint8Array): Promise<PeerHello> {
  if (payload.length < 96 || payload.length > MAX_PAYLOAD) throw new Error('handshake payload has a bad size');
  const signKey = payload.slice(0, 32);
  const binding = payload.subarray(32, 96);
  const bound = remoteStatic.length === 32 && (await ed25519Verify(binding, bindingMessage(remoteStatic), signKey));
  if (!bound) throw new Error('handshake payload has a bad binding signature');
  let parsed: { name?: string; caps?: string[] };
  try {
    parsed = meta(JSON.parse(fromUtf8(payload.subarray(96))), 'hello');
  } catch {
    throw new Error('handshake payload metadata is malformed');
  }
  return { signKey, profileId: toHex(signKey), displayName: parsed.name ?? '', capabilities: parsed.caps ?? [] };
}
