import { expect } from '@esm-bundle/chai';
import { RosterModel, rosterEntries } from '../../../src/elements/models/roster-model.js';
import { LoopbackNetwork } from '../../../src/transport/loopback/loopback-network.js';
import { befriend, startPeer, type TestPeer } from '../../helpers/engine.js';
import { waitUntil } from '../../helpers/env.js';

describe('the roster model (over real engines on the loopback network)', () => {
  let peers: TestPeer[] = [];
  afterEach(() => {
    for (const p of peers) p.engine.stop();
    peers = [];
  });

  async function three() {
    const network = new LoopbackNetwork();
    const [alice, bob, carol] = await Promise.all([startPeer(network), startPeer(network), startPeer(network)]);
    peers = [alice!, bob!, carol!];
    return { alice: alice!, bob: bob!, carol: carol! };
  }

  it('lists requests before friends, each with unread count and last message', async () => {
    const { alice, bob, carol } = await three();
    await befriend(alice, bob);
    await bob.engine.sendMessage(alice.id, 'one');
    await bob.engine.sendMessage(alice.id, 'two');
    await waitUntil(async () => (await alice.engine.unread(bob.id)) === 2, 'Alice has two unread');
    const invite = await alice.engine.createInvite();
    await carol.engine.addFriend(invite, 'carol here');
    await waitUntil(() => alice.engine.contacts.get(carol.id)?.state === 'incoming', 'Alice sees Carol asking');

    const entries = await rosterEntries(alice.engine, '');
    expect(entries.map((e) => [e.id, e.state])).to.deep.equal([
      [bob.id, 'friend'],
      [carol.id, 'incoming'],
    ]);
    expect(entries[0]).to.include({ unread: 2, last: 'two', presence: 'online' });
    expect(entries[1]).to.include({ unread: 0, last: '', note: 'carol here' });
  });

  it('counts nothing unread for the conversation that is open', async () => {
    const { alice, bob } = await three();
    await befriend(alice, bob);
    await bob.engine.sendMessage(alice.id, 'hello');
    await waitUntil(async () => (await alice.engine.unread(bob.id)) === 1, 'Alice has one unread');
    const [entry] = await rosterEntries(alice.engine, bob.id);
    expect(entry).to.include({ unread: 0, last: 'hello' });
  });

  it('shows a file by its name', async () => {
    const { alice, bob } = await three();
    await befriend(alice, bob);
    await bob.engine.sendFile(alice.id, new File(['x'], 'notes.txt'));
    await waitUntil(async () => (await alice.engine.history(bob.id, { limit: 1 })).length === 1, 'the file message arrived');
    const [entry] = await rosterEntries(alice.engine, '');
    expect(entry!.last).to.equal('notes.txt');
  });

  it('rebuilds once for a burst of changes and asks its host to render', async () => {
    const { alice, bob } = await three();
    await befriend(alice, bob);
    const host = { updates: 0, requestUpdate() {
      this.updates++;
    } };
    const roster = new RosterModel(host, () => alice.engine, () => '');
    for (let i = 0; i < 10; i++) roster.schedule();
    await waitUntil(() => roster.entries.length === 1, 'the roster is built');
    expect(host.updates).to.equal(1);
    expect(roster.entries[0]!.id).to.equal(bob.id);
  });

  it('drops a rebuild for an engine that was replaced meanwhile', async () => {
    const { alice, bob } = await three();
    await befriend(alice, bob);
    let source: TestPeer['engine'] | null = alice.engine;
    const roster = new RosterModel({ requestUpdate() {} }, () => source, () => '');
    const building = roster.refresh();
    source = null;
    await building;
    expect(roster.entries).to.deep.equal([]);
  });
});
