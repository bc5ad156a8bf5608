import { expect } from '@esm-bundle/chai';
import { Identity } from '../../src/identity/identity.js';
import { Keyspace } from '../../src/storage/keyspace.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { befriend, startPeer, texts, type TestPeer } from '../helpers/engine.js';
import { waitUntil } from '../helpers/env.js';

describe('a friend whose key changed', function () {
  this.timeout(60000);
  const running: TestPeer[] = [];
  afterEach(() => {
    for (const p of running.splice(0)) p.engine.stop();
  });

  it('gets no message, heads or file from the outbox, and sends none in, until the user verifies', async () => {
    const network = new LoopbackNetwork({ seed: 31 });
    const alice = await startPeer(network);
    let bob = await startPeer(network);
    running.push(alice, bob);
    await befriend(alice, bob);
    bob.engine.stop();
    await waitUntil(() => alice.engine.presence(bob.id) === 'offline', 'Bob offline');
    // Written while Bob is away: they wait in Alice's outbox.
    await alice.engine.sendMessage(bob.id, 'for the real Bob');
    await alice.engine.sendFile(bob.id, new Blob([new Uint8Array(100_000).fill(7)]), 'secret.bin');
    // Someone comes back with Bob's profile key but another X25519 key (a copied or re-bound identity).
    const record = (await Identity.generate()).toRecord();
    const old = (await bob.store.get<{ signSecret: Uint8Array }>(Keyspace.identity))!;
    const store = bob.store as MemoryStore;
    await store.set(Keyspace.identity, { v: 1, signSecret: old.signSecret, dhSecret: record.dhSecret });
    running.splice(running.indexOf(bob), 1);
    bob = await startPeer(network, store);
    running.push(bob);
    await bob.engine.sendMessage(alice.id, 'let me in');
    await waitUntil(() => alice.warnings.some((w) => w.reason === 'key-changed'), 'Alice is warned');
    await waitUntil(() => alice.engine.presence(bob.id) === 'online', 'a session is up');
    // Several heartbeats go by (50 ms each): nothing crosses in either direction.
    await new Promise((r) => setTimeout(r, 600));
    expect(bob.messages.map((m) => m.text)).to.deep.equal([]);
    expect(bob.progress).to.deep.equal([]);
    expect(await bob.engine.count(alice.id)).to.equal(1);
    expect(await alice.engine.count(bob.id)).to.equal(2);
    // The user compares safety numbers and verifies: now everything flows, both ways.
    await alice.engine.verifyFriend(bob.id);
    await waitUntil(() => bob.messages.some((m) => m.text === 'for the real Bob'), 'the message arrives');
    await waitUntil(() => bob.progress.some((p) => p.state === 'done'), 'the file arrives');
    await waitUntil(async () => (await texts(alice, bob.id)).includes('let me in'), 'Bob’s message arrives');
  });
});
