import { expect } from '@esm-bundle/chai';
import { MAX_ENVELOPE, mailboxTopic } from '../../src/mailbox/index.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { MailboxClient } from '../../src/transport/mqtt/mailbox-client.js';
import { waitUntil } from '../helpers/env.js';
import { befriend, startPeer, texts } from '../helpers/engine.js';
import { WIDEST, hexId, mqttEnv, spy } from '../transport/mqtt-env.js';
import { mailPeer } from '../helpers/mail-peer.js';

describe('mailbox envelopes out of order', function () {
  this.timeout(180000);

  it('an envelope ahead of a gap is kept through a reload, and stored once the gap fills', async () => {
    const network = new LoopbackNetwork({ seed: 51 });
    const stores = { alice: new MemoryStore(), bob: new MemoryStore() };
    const { ws, kind } = await mqttEnv();
    // Bob befriends Alice before he ever had a mailbox: the broker holds no queue for him, so
    // what Alice mails reaches only the spy, and a courier then hands it to Bob in the order
    // it likes (a broker does the same when it delivers again what a closed page left
    // unacknowledged, behind newer mail).
    const plainBob = await startPeer(network, stores.bob);
    const alice = await mailPeer(network, stores.alice);
    await befriend(alice.peer, plainBob);
    const bobId = plainBob.id;
    const aliceId = alice.peer.id;
    const bobTopic = mailboxTopic(plainBob.engine.identity.dh.publicKey);
    plainBob.engine.stop();
    await waitUntil(() => alice.peer.engine.presence(bobId) === 'offline', 'Bob is gone', 30000);

    const watcher = await spy(ws, WIDEST[kind]);
    const envelopes = () => watcher.seen.filter((m) => m.topic === bobTopic);
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      sent.push((await alice.peer.engine.sendMessage(bobId, `in order ${i}`)).text);
      await waitUntil(() => envelopes().length === i + 1, `envelope ${i} on the broker`, 30000);
    }
    alice.stop();
    watcher.close();
    const [first, second, third] = envelopes().map((m) => m.payload);
    // Handed on with QoS 1, as Alice's widget sent them, so the broker queues them for Bob.
    const courier = new MailboxClient({ urls: ws, clientId: hexId(), topic: `fc1/m/${hexId()}`, onEnvelope: async () => {}, maxEnvelope: MAX_ENVELOPE });
    courier.start();
    await waitUntil(() => courier.state === 'online', 'the courier is connected', 30000);

    // Bob's page gets the third first, and closes before the others come.
    let bob = await mailPeer(network, stores.bob);
    await courier.publish(bobTopic, third!);
    await waitUntil(() => (bob.peer.engine.mailStats?.accepted ?? 0) === 1, 'the third envelope is taken', 30000);
    expect(await texts(bob.peer, aliceId)).to.deep.equal([]);
    bob.stop();
    await new Promise((r) => setTimeout(r, 300));

    // The first two wait in his queue; the reopened page has all three, in order.
    await courier.publish(bobTopic, first!);
    await courier.publish(bobTopic, second!);
    bob = await mailPeer(network, stores.bob);
    await waitUntil(async () => (await texts(bob.peer, aliceId)).length === 3, 'all three are in Bob’s history', 60000);
    expect(await texts(bob.peer, aliceId)).to.deep.equal(sent);
    expect(bob.peer.errors).to.deep.equal([]);
    bob.stop();
    courier.close();
  });
});
