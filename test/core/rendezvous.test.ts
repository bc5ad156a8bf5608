import { expect } from '@esm-bundle/chai';
import { EPOCH, epochOf, listenEpochs, pairRendezvousId, pairSecret, untilNextListenChange } from '../../src/core/rendezvous.js';
import { Identity, rendezvousId } from '../../src/identity/identity.js';
import { toHex } from '../../src/util/bytes.js';

const alice = (await Identity.generate());
const bob = (await Identity.generate());
const carol = (await Identity.generate());
const secret = await pairSecret(alice, bob.signing.publicKey, bob.dh.publicKey);

describe('pairwise rendezvous IDs', () => {

  it('both friends derive the same secret; a third profile and anyone with only the profile keys cannot', async () => {
    expect(toHex(await pairSecret(bob, alice.signing.publicKey, alice.dh.publicKey))).to.equal(toHex(secret));
    expect(toHex(await pairSecret(carol, bob.signing.publicKey, bob.dh.publicKey))).to.not.equal(toHex(secret));
    expect(toHex(await pairSecret(alice, carol.signing.publicKey, carol.dh.publicKey))).to.not.equal(toHex(secret));
  });

  it('gives each side its own ID, different from the public one, changing every epoch', () => {
    const epoch = epochOf(Date.now());
    const atAlice = pairRendezvousId(secret, alice.signing.publicKey, epoch);
    const atBob = pairRendezvousId(secret, bob.signing.publicKey, epoch);
    expect(atAlice).to.match(/^[0-9a-f]{32}$/);
    expect(atAlice).to.not.equal(atBob);
    expect([atAlice, atBob]).to.not.include(rendezvousId(alice.signing.publicKey));
    expect([atAlice, atBob]).to.not.include(rendezvousId(bob.signing.publicKey));
    expect(pairRendezvousId(secret, alice.signing.publicKey, epoch + 1)).to.not.equal(atAlice);
    expect(pairRendezvousId(secret, alice.signing.publicKey, epoch)).to.equal(atAlice);
  });

  it('a dialler whose clock is less than 12 hours off dials an epoch the listener listens at', () => {
    const hour = 60 * 60 * 1000;
    const base = Date.UTC(2026, 0, 1);
    for (let t = base; t < base + 3 * EPOCH; t += 17 * 60 * 1000) {
      const listening = listenEpochs(t);
      for (const skew of [-11.9 * hour, -6 * hour, -1, 0, 1, 6 * hour, 11.9 * hour]) {
        expect(listening, `t=${t} skew=${skew}`).to.include(epochOf(t + skew));
      }
      // The set can only change at half-epoch boundaries; the timer fires at the next one.
      const next = untilNextListenChange(t);
      expect(next).to.be.within(1, EPOCH / 2);
      expect(listenEpochs(t + next - 1)).to.deep.equal(listening);
      expect((t + next) % (EPOCH / 2)).to.equal(0);
    }
  });
});
