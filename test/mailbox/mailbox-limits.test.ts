import { expect } from '@esm-bundle/chai';
import { Identity } from '../../src/identity/identity.js';
import { MAX_ENVELOPE, mailboxTopic, sealEnvelope } from '../../src/mailbox/index.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { MailboxClient } from '../../src/transport/mqtt/mailbox-client.js';
import { utf8 } from '../../src/util/bytes.js';
import { waitUntil } from '../helpers/env.js';
import { befriend, texts, type TestPeer } from '../helpers/engine.js';
import { WIDEST, hexId, mqttEnv, spy } from '../transport/mqtt-env.js';
import { createEntry } from '../../src/log/entry.js';
import { directConversationId } from '../../src/log/conversation-id.js';
import { mailPeer } from '../helpers/mail-peer.js';

/** `n` messages from `from` to `to`, each its own envelope while `to` is away. */
async function sendMany(from: TestPeer, to: string, n: number, prefix: string): Promise<string[]> {
  const sent: string[] = [];
  for (let i = 0; i < n; i++) sent.push((await from.engine.sendMessage(to, `${prefix} ${i}`)).text);
  return sent;
}

describe('mailbox limits on the receiving side', function () {
  this.timeout(180000);

  it('a flood from one friend is capped, the other friend’s mail all arrives, and the capped rest comes with the next sync', async () => {
    const network = new LoopbackNetwork({ seed: 41 });
    const stores = { bob: new MemoryStore(), mallory: new MemoryStore(), carol: new MemoryStore() };
    // Mallory may have 10 envelopes waiting for Bob; the budget hardly refills during the test.
    const limit = { burst: 10, perSecond: 0.001 };
    let bob = await mailPeer(network, stores.bob, limit);
    let mallory = await mailPeer(network, stores.mallory);
    let carol = await mailPeer(network, stores.carol);
    await befriend(bob.peer, mallory.peer);
    await befriend(bob.peer, carol.peer);
    const bobId = bob.peer.id;
    const malloryId = mallory.peer.id;
    const carolId = carol.peer.id;
    bob.stop(); // Bob closes his page; his broker session keeps his queue
    await waitUntil(() => mallory.peer.engine.presence(bobId) === 'offline' && carol.peer.engine.presence(bobId) === 'offline', 'Bob is gone', 30000);

    const flood = await sendMany(mallory.peer, bobId, 40, 'flood');
    const fromCarol = await sendMany(carol.peer, bobId, 5, 'carol');
    await new Promise((r) => setTimeout(r, 1000)); // the last envelopes reach the broker
    // Both close their pages too: from now on only the broker's queue reaches Bob.
    mallory.stop();
    carol.stop();

    bob = await mailPeer(network, stores.bob, limit);
    await waitUntil(async () => (await texts(bob.peer, carolId)).length === 5, 'all of Carol’s mail arrived', 60000);
    await waitUntil(() => (bob.peer.engine.mailStats?.limited ?? 0) >= 30, 'Mallory’s flood was cut off', 60000);
    expect(await texts(bob.peer, carolId)).to.deep.equal(fromCarol);
    const capped = await texts(bob.peer, malloryId);
    expect(capped).to.deep.equal(flood.slice(0, 10));
    const stats = bob.peer.engine.mailStats!;
    expect(stats.limited).to.equal(30);
    expect(stats.forged).to.equal(0);
    expect(bob.peer.warnings.filter((w) => w.reason === 'flood' && w.peer === malloryId)).to.have.length(1);
    expect(bob.peer.warnings.some((w) => w.peer === carolId)).to.equal(false);
    expect(bob.peer.errors).to.deep.equal([]);

    // Nothing of Mallory's is lost: her outbox kept it, and the next session syncs it.
    mallory = await mailPeer(network, stores.mallory);
    await waitUntil(async () => (await texts(bob.peer, malloryId)).length === 40, 'the rest of Mallory’s messages arrived', 60000);
    expect(await texts(bob.peer, malloryId)).to.deep.equal(flood);
    bob.stop();
    mallory.stop();
  });

  it('drops and counts mail that claims a friend but is not signed by them, without spending that friend’s budget', async () => {
    const network = new LoopbackNetwork({ seed: 42 });
    const stores = { bob: new MemoryStore(), alice: new MemoryStore() };
    // Alice may have 3 envelopes waiting: were forgeries charged to her, none of hers would pass.
    const limit = { burst: 3, perSecond: 0.001 };
    let bob = await mailPeer(network, stores.bob, limit);
    const alice = await mailPeer(network, stores.alice);
    await befriend(bob.peer, alice.peer);
    const aliceId = alice.peer.id;
    const bobId = bob.peer.id;
    const bobKey = bob.peer.engine.identity.dh.publicKey;
    const bobTopic = mailboxTopic(bobKey);
    const c = bob.peer.engine.conversationOf(aliceId);
    bob.stop();
    await waitUntil(() => alice.peer.engine.presence(bobId) === 'offline', 'Bob is gone', 30000);

    // Mallory knows Bob's topic and key and mails entries and a receipt in Alice's name.
    const mallory = new MailboxClient({ urls: (await mqttEnv()).ws, clientId: hexId(), topic: `fc1/m/${hexId()}`, onEnvelope: async () => {}, maxEnvelope: MAX_ENVELOPE });
    mallory.start();
    await waitUntil(() => mallory.state === 'online', 'Mallory is connected', 60000);
    // Well-formed (format 2), so it is the signature that gives it away.
    const forged = { author: aliceId, seq: 1, prev: '', deps: [], clock: 1, kind: 'text', bodyHash: '0'.repeat(64), id: '1'.repeat(64), sig: '2'.repeat(128), body: 'forged' };
    for (let i = 0; i < 6; i++) {
      await mallory.publish(bobTopic, await sealEnvelope(bobTopic, bobKey, utf8(JSON.stringify({ t: 'entries', c, entries: [{ ...forged, ts: Date.now() + i }] }))));
    }
    await mallory.publish(bobTopic, await sealEnvelope(bobTopic, bobKey, utf8(JSON.stringify({ t: 'receipt', c, from: aliceId, delivered: 9, sig: '3'.repeat(128) }))));
    const fromAlice = await sendMany(alice.peer, bobId, 3, 'alice');
    await new Promise((r) => setTimeout(r, 1000));
    alice.stop();
    mallory.close();

    bob = await mailPeer(network, stores.bob, limit);
    await waitUntil(() => (bob.peer.engine.mailStats?.forged ?? 0) === 7 && bob.peer.engine.mailStats!.accepted === 3, 'the mail was sorted', 60000);
    expect(await texts(bob.peer, aliceId)).to.deep.equal(fromAlice);
    expect(bob.peer.engine.mailStats!.limited).to.equal(0);
    expect(bob.peer.warnings.some((w) => w.reason === 'flood')).to.equal(false);
    expect(bob.peer.errors).to.deep.equal([]);
    bob.stop();
  });
});

describe('mailbox envelopes replayed by a third party, and mail from strangers', function () {
  this.timeout(180000);

  it('a replay of a friend’s envelopes changes nothing, is counted, and does not spend that friend’s budget; a stranger’s signed mail is dropped', async () => {
    const network = new LoopbackNetwork({ seed: 43 });
    const stores = { bob: new MemoryStore(), alice: new MemoryStore() };
    // Alice may have 4 envelopes waiting: were replays charged to her, a flood warning would name her.
    const limit = { burst: 4, perSecond: 0.001 };
    let bob = await mailPeer(network, stores.bob, limit);
    const alice = await mailPeer(network, stores.alice);
    await befriend(bob.peer, alice.peer);
    const aliceId = alice.peer.id;
    const bobId = bob.peer.id;
    const bobKey = bob.peer.engine.identity.dh.publicKey;
    const bobTopic = mailboxTopic(bobKey);
    bob.stop();
    await waitUntil(() => alice.peer.engine.presence(bobId) === 'offline', 'Bob is gone', 30000);

    // Mallory watches everything on the broker, and publishes what she saw again (QoS 1, so it queues).
    const { ws, kind } = await mqttEnv();
    const watcher = await spy(ws, WIDEST[kind]);
    const mallory = new MailboxClient({ urls: ws, clientId: hexId(), topic: `fc1/m/${hexId()}`, onEnvelope: async () => {}, maxEnvelope: MAX_ENVELOPE });
    mallory.start();
    await waitUntil(() => mallory.state === 'online', 'Mallory is connected', 60000);
    const fromAlice = await sendMany(alice.peer, bobId, 3, 'alice');
    await waitUntil(() => watcher.seen.filter((m) => m.topic === bobTopic).length >= 3, 'Mallory saw Alice’s envelopes', 30000);
    const captured = watcher.seen.filter((m) => m.topic === bobTopic).map((m) => m.payload);
    for (let round = 0; round < 3; round++) for (const envelope of captured) await mallory.publish(bobTopic, envelope);
    // Eve, a stranger who learned Bob's mailbox key, mails him an entry she signed herself.
    const eve = await Identity.load(new MemoryStore());
    const c = directConversationId(eve.profileId, bobId);
    const entry = await createEntry(eve, c, { seq: 1, prev: '', deps: [], clock: 1, ts: Date.now(), kind: 'text', body: 'hello from a stranger' });
    await mallory.publish(bobTopic, await sealEnvelope(bobTopic, bobKey, utf8(JSON.stringify({ t: 'entries', c, entries: [entry] }))));
    await new Promise((r) => setTimeout(r, 1000));
    alice.stop();
    mallory.close();
    watcher.close();

    bob = await mailPeer(network, stores.bob, limit);
    const replays = 3 * captured.length;
    await waitUntil(() => (bob.peer.engine.mailStats?.notFriend ?? 0) === 1, 'the mail was sorted', 60000);
    expect(await texts(bob.peer, aliceId)).to.deep.equal(fromAlice);
    const stats = bob.peer.engine.mailStats!;
    expect(stats.limited).to.equal(0);
    expect(bob.peer.warnings.some((w) => w.reason === 'flood')).to.equal(false);
    expect(stats.accepted).to.equal(captured.length);
    expect(stats.replayed).to.equal(replays);
    expect(bob.peer.messages.map((m) => m.text)).to.deep.equal(fromAlice);
    expect(bob.peer.errors).to.deep.equal([]);
    bob.stop();
  });
});
