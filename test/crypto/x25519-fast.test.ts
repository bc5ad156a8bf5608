import { expect } from '@esm-bundle/chai';
import { x25519Keypair, x25519Shared } from '../../src/crypto/x25519.js';
import { fastX25519, nobleX25519, type X25519 } from '../../src/crypto/x25519-fast.js';
import { fromHex, toHex } from '../../src/util/bytes.js';

async function refusal(step: Promise<unknown>): Promise<string> {
  try {
    await step;
    return '';
  } catch (error) {
    return (error as Error).message || 'rejected';
  }
}

/** Public keys of small order: every secret gives the all-zero shared value with them. */
const LOW_ORDER = ['00'.repeat(32), '01' + '00'.repeat(31), 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800'];

for (const path of ['WebCrypto', 'noble'] as const) {
  describe(`X25519 for the handshake (${path})`, () => {
    let dh: X25519;
    before(async () => {
      dh = path === 'noble' ? nobleX25519 : await fastX25519();
    });

    it('computes the RFC 7748 §6.1 shared secret from raw secrets', async () => {
      const alice = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
      const bobPublic = fromHex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
      expect(toHex(await dh.shared(alice, bobPublic))).to.equal('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
    });

    it('generates keys whose shared secret matches noble on the other side', async () => {
      const ours = await dh.generate();
      const theirs = x25519Keypair();
      expect(toHex(await dh.shared(ours.secret, theirs.publicKey))).to.equal(toHex(x25519Shared(theirs.privateKey, ours.publicKey)));
    });

    it('rejects low-order public keys and public keys of the wrong length', async () => {
      const secret = x25519Keypair().privateKey;
      for (const key of LOW_ORDER) expect(await refusal(dh.shared(secret, fromHex(key))), key).to.not.equal('');
      expect(await refusal(dh.shared(secret, new Uint8Array(31)))).to.not.equal('');
    });
  });
}

describe('X25519 feature detection', () => {
  it('picks the browser X25519 in Chromium, once', async () => {
    const first = await fastX25519();
    expect(first.native).to.equal(true);
    expect(await fastX25519()).to.equal(first);
  });
});
