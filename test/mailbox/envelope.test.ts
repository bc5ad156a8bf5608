import { expect } from '@esm-bundle/chai';
import { x25519Keypair } from '../../src/crypto/index.js';
import { MAX_ENVELOPE, MAX_ENVELOPE_PAYLOAD, mailboxClientId, mailboxTopic, openEnvelope, sealEnvelope } from '../../src/mailbox/index.js';
import { FriendsChatError } from '../../src/errors.js';
import { toHex, utf8 } from '../../src/util/bytes.js';

const bob = (await x25519Keypair());

describe('Mailbox envelopes and topics', () => {
  const topic = mailboxTopic(bob.publicKey);

  it('opens for the recipient on its topic only; a fresh key per envelope', async () => {
    const payload = utf8('signed entries');
    const one = await sealEnvelope(topic, bob.publicKey, payload);
    const two = await sealEnvelope(topic, bob.publicKey, payload);
    expect(toHex(one)).to.not.equal(toHex(two));
    expect(await openEnvelope(topic, bob, one)).to.deep.equal({ ok: true, payload });
    expect(await openEnvelope(mailboxTopic((await x25519Keypair()).publicKey), bob, one)).to.deep.equal({ ok: false, reason: 'garbage' });
    expect(await openEnvelope(topic, (await x25519Keypair()), one)).to.deep.equal({ ok: false, reason: 'garbage' });
    for (const i of [0, 1, 40, one.length - 1]) {
      const bad = one.slice();
      bad[i]! ^= 1;
      expect((await openEnvelope(topic, bob, bad)).ok, `byte ${i} flipped`).to.equal(false);
    }
  });

  it('caps the size on both ends', async () => {
    expect((await sealEnvelope(topic, bob.publicKey, new Uint8Array(MAX_ENVELOPE_PAYLOAD))).length).to.equal(MAX_ENVELOPE);
    const refused = await sealEnvelope(topic, bob.publicKey, new Uint8Array(MAX_ENVELOPE_PAYLOAD + 1)).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(FriendsChatError).with.property('code', 'message-too-large');
    expect(await openEnvelope(topic, bob, new Uint8Array(MAX_ENVELOPE + 1))).to.deep.equal({ ok: false, reason: 'oversized' });
    expect(await openEnvelope(topic, bob, new Uint8Array(10))).to.deep.equal({ ok: false, reason: 'garbage' });
  });

  it('topics and client IDs are hex, and the client ID needs the secret key', async () => {
    expect(topic).to.match(/^fc1\/m\/[0-9a-f]{32}$/);
    expect(topic).to.not.contain(toHex(bob.publicKey).slice(0, 16));
    const id = mailboxClientId(bob.privateKey);
    expect(id).to.match(/^[0-9a-f]{32}$/);
    expect(id).to.equal(mailboxClientId(bob.privateKey));
    expect(id).to.not.equal(mailboxClientId((await x25519Keypair()).privateKey));
    expect(topic).to.not.contain(id);
  });
});
