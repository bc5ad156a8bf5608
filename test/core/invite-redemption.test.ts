import { expect } from '@esm-bundle/chai';
import { Invites } from '../../src/core/invite.js';
import { decodeInvite } from '../../src/core/invite.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { fromHex } from '../../src/util/bytes.js';
import { startPeer, type TestPeer } from '../helpers/engine.js';
import { waitUntil } from '../helpers/env.js';

describe('invite redemption', function () {
  this.timeout(30000);
  const peers: TestPeer[] = [];
  afterEach(() => {
    for (const p of peers.splice(0)) p.engine.stop();
  });
  async function peer(network: LoopbackNetwork): Promise<TestPeer> {
    const p = await startPeer(network);
    peers.push(p);
    return p;
  }

  it('reserves an invite at its first use: a second handshake at the same time gets nothing', async () => {
    const store = new MemoryStore();
    const invites = await Invites.load(store, Date.now);
    const invite = await invites.create('ab'.repeat(32));
    const id = fromHex(invite.id);
    expect(invites.reserve(id)).to.deep.equal(fromHex(invite.secret));
    expect(invites.reserve(id), 'reserved by the first handshake').to.equal(null);
    invites.release(id); // that handshake failed
    expect(invites.reserve(id)).to.deep.equal(fromHex(invite.secret));
    await invites.consume(id);
    expect(invites.reserve(id), 'used').to.equal(null);
    expect((await Invites.load(store, Date.now)).reserve(id), 'used, after a reload').to.equal(null);
  });

  it('two concurrent redemptions: exactly one is via the invite, the other arrives as a plain request', async () => {
    const network = new LoopbackNetwork({ seed: 31 });
    const alice = await peer(network);
    const bob = await peer(network);
    const carol = await peer(network);
    const invite = await alice.engine.createInvite();
    await Promise.all([bob.engine.addFriend(invite), carol.engine.addFriend(invite)]);
    await waitUntil(() => alice.requests.length === 2, 'both requests arrive');
    await new Promise((r) => setTimeout(r, 200));
    expect(alice.requests.map((r) => r.id).sort()).to.deep.equal([bob.id, carol.id].sort());
    expect(alice.requests.filter((r) => r.viaInvite)).to.have.length(1);
  });

  it('someone who saw the link redeems it first: the real invitee still reaches the owner with a plain request', async () => {
    const network = new LoopbackNetwork({ seed: 32 });
    const alice = await peer(network);
    const mallory = await peer(network);
    const bob = await peer(network);
    const invite = await alice.engine.createInvite();
    await mallory.engine.addFriend(invite);
    await waitUntil(() => alice.requests.length === 1, 'Mallory’s request arrives');
    expect(alice.requests[0]!.viaInvite).to.equal(true);
    await bob.engine.addFriend(invite);
    await waitUntil(() => alice.requests.some((r) => r.id === bob.id), 'Bob’s request arrives anyway');
    expect(alice.requests.find((r) => r.id === bob.id)!.viaInvite).to.not.equal(true);
    // Alice can accept Bob, and the two become friends.
    await alice.engine.acceptFriend(bob.id);
    await waitUntil(() => bob.engine.contacts.isFriend(alice.id), 'Bob is Alice’s friend');
    expect(decodeInvite(invite).profileId).to.equal(alice.id);
  });
});
