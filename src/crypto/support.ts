import { equalBytes, fromHex } from '../util/bytes.js';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from './ed25519.js';
import { x25519PublicKey, x25519Shared } from './x25519.js';

/** RFC 8032 §7.1, test 1 (empty message), and RFC 7748 §6.1 (Alice and Bob). */
const ED = {
  seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
};
const X = {
  secret: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
  pub: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
  peer: 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
  shared: '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
};

async function probe(): Promise<boolean> {
  try {
    const seed = fromHex(ED.seed);
    const secret = fromHex(X.secret);
    const [pub, sig, xPub, shared] = await Promise.all([ed25519PublicKey(seed), ed25519Sign(new Uint8Array(), seed), x25519PublicKey(secret), x25519Shared(secret, fromHex(X.peer))]);
    return (
      equalBytes(pub, fromHex(ED.pub)) &&
      equalBytes(sig, fromHex(ED.sig)) &&
      (await ed25519Verify(sig, new Uint8Array(), pub)) &&
      equalBytes(xPub, fromHex(X.pub)) &&
      equalBytes(shared, fromHex(X.shared))
    );
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
