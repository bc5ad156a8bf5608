import { expect } from '@esm-bundle/chai';
import { ed25519 as reference, x25519 as referenceX } from '@noble/curves/ed25519.js';
import { cryptoSupported, ed25519Keypair, ed25519PublicKey, ed25519Sign, ed25519Strict, ed25519Verify, x25519Ephemeral, x25519Keypair, x25519Shared } from '../../src/crypto/index.js';
import { concat, fromHex, toHex, utf8 } from '../../src/util/bytes.js';

/** Ed25519 and X25519 are the browser's (WebCrypto); @noble/curves here only computes reference values. */

async function refusal(step: Promise<unknown>): Promise<string> {
  try {
    await step;
    return '';
  } catch (error) {
    return (error as Error).message || 'rejected';
  }
}

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;
const le = (n: bigint): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
const fromLe = (b: Uint8Array): bigint => b.reduceRight((n, byte) => (n << 8n) | BigInt(byte), 0n);

/** Every encoding of a small-order point with a canonical y, both signs of x (noble checks each one is small-order). */
function smallOrderKeys(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const y of [0n, 1n, P - 1n, 2707385501144840649318225287225658788936804267575313519463743609750303402022n]) {
    for (const y2 of new Set([y, (P - y) % P])) {
      for (const sign of [0, 0x80]) {
        const key = le(y2);
        key[31]! |= sign;
        let point;
        try {
          point = reference.Point.fromBytes(key);
        } catch {
          continue; // x = 0 with the sign bit set: not a point at all
        }
        if (!point.isSmallOrder()) throw new Error(`${toHex(key)} is not small-order`);
        out.push(key);
      }
    }
  }
  return out;
}

describe('X25519 (WebCrypto)', () => {
  it('computes the RFC 7748 §6.1 public keys and shared secret from raw secrets', async () => {
    const alice = await x25519Keypair(fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'));
    expect(toHex(alice.publicKey)).to.equal('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    const bobPublic = fromHex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    expect(toHex(await x25519Shared(alice.privateKey, bobPublic))).to.equal('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
  });

  it('agrees with the reference on random raw keys and on generated (non-extractable) ones', async () => {
    const ours = await x25519Keypair();
    expect(toHex(ours.publicKey)).to.equal(toHex(referenceX.getPublicKey(ours.privateKey)));
    const e = await x25519Ephemeral();
    expect(e.secret).to.be.instanceOf(CryptoKey);
    expect((e.secret as CryptoKey).extractable).to.equal(false);
    const theirs = referenceX.utils.randomSecretKey();
    expect(toHex(await x25519Shared(e.secret, referenceX.getPublicKey(theirs)))).to.equal(toHex(referenceX.getSharedSecret(theirs, e.publicKey)));
    expect(toHex(await x25519Shared(ours.privateKey, e.publicKey))).to.equal(toHex(await x25519Shared(e.secret, ours.publicKey)));
  });

  it('rejects low-order public keys (an all-zero secret) and keys of the wrong length', async () => {
    const secret = (await x25519Keypair()).privateKey;
    const lowOrder = ['00'.repeat(32), '01' + '00'.repeat(31), 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'];
    for (const key of lowOrder) expect(await refusal(x25519Shared(secret, fromHex(key))), key).to.not.equal('');
    expect(await refusal(x25519Shared(secret, new Uint8Array(31)))).to.not.equal('');
    expect(await refusal(x25519Shared(new Uint8Array(31), new Uint8Array(32).fill(9)))).to.not.equal('');
  });
});

describe('Ed25519 (WebCrypto)', () => {
  const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  const publicKey = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  const signature = fromHex('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');

  it('signs and derives the public key of RFC 8032 §7.1 test 1 from the raw seed', async () => {
    expect(toHex(await ed25519PublicKey(seed))).to.equal(toHex(publicKey));
    expect(toHex(await ed25519Sign(new Uint8Array(), seed))).to.equal(toHex(signature));
    expect(await ed25519Verify(signature, new Uint8Array(), publicKey)).to.equal(true);
  });

  it('gives the reference signature for random seeds, and verifies the reference one', async () => {
    const pair = await ed25519Keypair();
    expect(toHex(pair.publicKey)).to.equal(toHex(reference.getPublicKey(pair.privateKey)));
    const message = utf8('friends-chat entry');
    const sig = await ed25519Sign(message, pair.privateKey);
    expect(toHex(sig)).to.equal(toHex(reference.sign(message, pair.privateKey)));
    expect(await ed25519Verify(sig, message, pair.publicKey)).to.equal(true);
    expect(await ed25519Verify(sig, utf8('another entry'), pair.publicKey)).to.equal(false);
  });

  it('refuses a signature whose S is not reduced (S + L): one signature has one encoding in every browser', async () => {
    const s = fromLe(signature.subarray(32));
    const malleated = concat(signature.subarray(0, 32), le(s + L));
    expect(fromLe(malleated.subarray(32)) % L).to.equal(s);
    expect(ed25519Strict(malleated, publicKey)).to.equal(false);
    expect(await ed25519Verify(malleated, new Uint8Array(), publicKey)).to.equal(false);
  });

  it('refuses every small-order public key, though the forged signature is valid for it without the check', async () => {
    const keys = smallOrderKeys();
    expect(keys.length).to.be.greaterThanOrEqual(8); // the eight small-order points, and any second encoding noble accepts
    // With the neutral point as key, R = [s]B and S = s verify for any message in the plain equation.
    const s = 12345n;
    const forged = concat(reference.Point.BASE.multiply(s).toBytes(), le(s));
    const neutral = le(1n);
    for (const message of [utf8('pay Mallory'), utf8('anything else')]) {
      expect(reference.verify(forged, message, neutral, { zip215: true }), 'the forgery itself is valid').to.equal(true);
      expect(await ed25519Verify(forged, message, neutral)).to.equal(false);
    }
    for (const key of keys) {
      expect(ed25519Strict(signature, key), toHex(key)).to.equal(false);
      expect(await ed25519Verify(forged, utf8('pay Mallory'), key), toHex(key)).to.equal(false);
    }
  });

  it('refuses a public key whose y is not reduced (y ≥ p)', async () => {
    for (const y of [P, P + 1n, P + 2n, 2n ** 255n - 1n]) {
      const key = le(y);
      expect(ed25519Strict(signature, key), y.toString()).to.equal(false);
      expect(await ed25519Verify(signature, new Uint8Array(), key)).to.equal(false);
    }
  });

  it('returns false, never a rejection, for malformed input', async () => {
    const bad: [unknown, unknown, unknown][] = [
      [signature.subarray(1), new Uint8Array(), publicKey],
      [signature, new Uint8Array(), publicKey.subarray(1)],
      [new Uint8Array(64), new Uint8Array(), publicKey],
      [signature, new Uint8Array(), fromHex('02' + '00'.repeat(31))],
      ['not bytes', new Uint8Array(), publicKey],
      [signature, 'not bytes', publicKey],
      [signature, new Uint8Array(), null],
    ];
    for (const [sig, message, key] of bad) {
      expect(await ed25519Verify(sig as Uint8Array, message as Uint8Array, key as Uint8Array)).to.equal(false);
    }
  });
});

describe('cryptoSupported', () => {
  it('holds in this browser (a secure context whose WebCrypto gives the RFC 8032 and RFC 7748 values)', async () => {
    expect(window.isSecureContext).to.equal(true);
    expect(await cryptoSupported()).to.equal(true);
  });
});
