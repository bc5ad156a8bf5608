import { concat, equalBytes, fromHex } from '../util/bytes.js';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from './ed25519.js';
import { sha256 } from './hash.js';
import { x25519PublicKey, x25519Shared } from './x25519.js';

/** Inputs of RFC 8032 §7.1 test 1 (a seed, the empty message) and RFC 7748 §6.1 (Alice's secret, Bob's public key). */
const ED_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const X_SECRET = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
const X_PEER = 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f';
/** SHA-256 of the four outputs the RFCs publish: public key ‖ signature ‖ Alice's public key ‖ shared secret. */
const EXPECTED = '471ed7b9ec98d2249ae7cbfdc14cbdbbb5098ff779f3ff564395342059dccb62';

async function probe(): Promise<boolean> {
  try {
    const seed = fromHex(ED_SEED);
    const secret = fromHex(X_SECRET);
    const message = new Uint8Array();
    const [pub, sig, xPub, shared] = await Promise.all([ed25519PublicKey(seed), ed25519Sign(message, seed), x25519PublicKey(secret), x25519Shared(secret, fromHex(X_PEER))]);
    return equalBytes(sha256(concat(pub, sig, xPub, shared)), fromHex(EXPECTED)) && (await ed25519Verify(sig, message, pub));
  } catch {
    return false;
  }
}

let probed: Promise<boolean> | undefined;

/**
 * Whether this page can run friends-chat's crypto: a secure context (elsewhere the script
 * itself could be swapped in transit, so end-to-end encryption would promise nothing) whose
 * WebCrypto has Ed25519 and X25519, with raw-seed import and public-key export, giving the
 * published test values. The test runs once per page; a failed one runs again next time.
 */
export async function cryptoSupported(): Promise<boolean> {
  if (globalThis.isSecureContext !== true || !globalThis.crypto?.subtle) return false;
  probed ??= probe();
  const ok = await probed;
  if (!ok) probed = undefined;
  return ok;
}
