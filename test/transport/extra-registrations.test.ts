import { expect } from '@esm-bundle/chai';
import type { Channel } from '../../src/transport/channel.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { LoopbackSignaling } from '../../src/transport/loopback/loopback-signaling.js';

describe('Signaling.listen: extra registrations', () => {
  it('registers extra IDs, dials from them, refuses channels at dial-only IDs, and drops IDs no longer listed', async () => {
    const network = new LoopbackNetwork();
    const alice = new LoopbackSignaling(network);
    const bob = new LoopbackSignaling(network);
    alice.start('alice-public');
    bob.start('bob-public');
    alice.listen(['alice-pair'], ['alice-out']);
    bob.listen(['bob-pair']);
    expect(['alice-pair', 'alice-out', 'bob-pair'].map((id) => network.isRegistered(id))).to.deep.equal([true, true, true]);

    const atBob: Channel[] = [];
    bob.onChannel((c) => atBob.push(c));
    const ours = await alice.dial('bob-pair', 'alice-pair');
    await new Promise((r) => setTimeout(r, 0));
    // Bob sees the pairwise ID Alice dialled from, never her public one.
    expect(atBob.map((c) => c.remoteId)).to.deep.equal(['alice-pair']);
    expect(ours.remoteId).to.equal('bob-pair');

    // A dial to Alice's dial-only ID is closed unread on her side.
    const atAlice: Channel[] = [];
    alice.onChannel((c) => atAlice.push(c));
    const probe = await bob.dial('alice-out');
    await new Promise((r) => setTimeout(r, 10));
    expect(atAlice).to.deep.equal([]);
    expect(probe.closed).to.equal(true);

    // Listing a new set replaces the old one; the own ID stays.
    alice.listen(['alice-pair-2']);
    expect(['alice-public', 'alice-pair', 'alice-out', 'alice-pair-2'].map((id) => network.isRegistered(id))).to.deep.equal([true, false, false, true]);
    let error: { code?: string } | undefined;
    await alice.dial('bob-pair', 'alice-pair').catch((e) => (error = e));
    expect(error?.code).to.equal('connection-failed');

    // Online while any registration is: the own ID taken by someone else does not take the rest.
    const squatted = new LoopbackSignaling(network);
    squatted.start('alice-public');
    squatted.listen(['carol-pair']);
    expect(squatted.state).to.equal('online');
    alice.close();
    bob.close();
    squatted.close();
    expect(['alice-public', 'alice-pair-2', 'carol-pair'].map((id) => network.isRegistered(id))).to.deep.equal([false, false, false]);
  });
});
