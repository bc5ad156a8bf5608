import { expect } from '@esm-bundle/chai';
import type { GroupEventType, GroupInfo } from '../../src/model/index.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { befriend, startPeer, type TestPeer } from '../helpers/engine.js';
import { waitUntil } from '../helpers/env.js';

type GroupPeer = TestPeer & { groupEvents: { type: GroupEventType; group: GroupInfo }[] };

describe('groups over the loopback network', () => {
  const running: GroupPeer[] = [];
  async function peer(network: LoopbackNetwork, store = new MemoryStore()): Promise<GroupPeer> {
    const events: GroupPeer['groupEvents'] = [];
    const p = (await startPeer(network, store, { onGroup: (type, group) => events.push({ type, group }) })) as GroupPeer;
    p.groupEvents = events;
    running.push(p);
    return p;
  }
  /** The same user again, from the same store (a reload). */
  async function restart(network: LoopbackNetwork, p: GroupPeer): Promise<GroupPeer> {
    p.engine.stop();
    return peer(network, p.store as MemoryStore);
  }
  afterEach(() => {
    for (const p of running.splice(0)) p.engine.stop();
  });

  const lines = async (p: TestPeer, groupId: string): Promise<string[]> =>
    (await p.engine.history(groupId, { limit: 1000 })).map((m) => (m.system ? `[${m.system.op}${m.system.target ? ' ' + m.system.target.slice(0, 4) : ''}]` : `${m.from.slice(0, 4)}: ${m.text}`));

  async function trio(seed: number) {
    const network = new LoopbackNetwork({ seed });
    const alice = await peer(network);
    const bob = await peer(network);
    const carol = await peer(network);
    await befriend(alice, bob);
    await befriend(alice, carol);
    await befriend(bob, carol);
    return { network, alice, bob, carol };
  }

  it('gives three members the same history in the same order, with statuses up to delivered', async () => {
    const { alice, bob, carol } = await trio(1);
    const group = await alice.engine.groups.create('Climbing', [bob.id, carol.id]);
    expect(group.members.map((m) => m.id).sort()).to.deep.equal([alice.id, bob.id, carol.id].sort());
    expect(alice.groupEvents.map((e) => e.type)).to.deep.equal(['created']);
    await waitUntil(() => bob.engine.groups.has(group.id) && carol.engine.groups.has(group.id), 'both joined');
    expect(bob.groupEvents[0]?.type).to.equal('joined');
    expect(bob.engine.groups.info(group.id).name).to.equal('Climbing');
    const sent = await alice.engine.sendMessage(group.id, 'Saturday?');
    await bob.engine.sendMessage(group.id, 'Yes');
    await carol.engine.sendMessage(group.id, 'Me too');
    await waitUntil(async () => (await lines(alice, group.id)).length === 4 && (await lines(bob, group.id)).length === 4 && (await lines(carol, group.id)).length === 4, 'all hold four lines');
    const seen = await lines(alice, group.id);
    expect(await lines(bob, group.id)).to.deep.equal(seen);
    expect(await lines(carol, group.id)).to.deep.equal(seen);
    expect(seen[0]).to.equal('[create]');
    await waitUntil(() => alice.statuses.some((s) => s.id === sent.id && s.status === 'delivered'), 'delivered to both');
    const mine = (await alice.engine.history(group.id)).find((m) => m.id === sent.id)!;
    expect(mine.reach).to.deep.equal({ count: 2, of: 2 });
    expect(bob.messages.find((m) => m.text === 'Saturday?')?.from).to.equal(alice.id);
  });

  it('relays to a member who is never online at the same time as the author', async () => {
    const { network, alice, bob, carol } = await trio(2);
    const group = await alice.engine.groups.create('Relay', [bob.id, carol.id]);
    await waitUntil(() => carol.engine.groups.has(group.id) && bob.engine.groups.has(group.id), 'joined');
    carol.engine.stop();
    await alice.engine.sendMessage(group.id, 'while Carol sleeps');
    await waitUntil(async () => (await lines(bob, group.id)).some((l) => l.endsWith('while Carol sleeps')), 'Bob has it');
    alice.engine.stop();
    const carol2 = await restart(network, carol);
    await waitUntil(async () => (await lines(carol2, group.id)).some((l) => l.endsWith('while Carol sleeps')), 'Carol gets it from Bob');
    expect(await lines(carol2, group.id)).to.deep.equal(await lines(bob, group.id));
  });

  it('keeps a removed member from reading anything sent after the removal, and tells her', async () => {
    const { alice, bob, carol } = await trio(3);
    const group = await alice.engine.groups.create('Plans', [bob.id, carol.id]);
    await waitUntil(() => carol.engine.groups.has(group.id) && bob.engine.groups.has(group.id), 'joined');
    await alice.engine.sendMessage(group.id, 'hello all');
    await waitUntil(async () => (await lines(carol, group.id)).length === 2, 'Carol reads the first');
    await alice.engine.groups.removeMember(group.id, carol.id);
    await waitUntil(() => carol.groupEvents.some((e) => e.type === 'removed'), 'Carol is told');
    expect(carol.engine.groups.info(group.id).active).to.equal(false);
    await alice.engine.sendMessage(group.id, 'secret after');
    await bob.engine.sendMessage(group.id, 'bob after');
    await waitUntil(async () => (await lines(bob, group.id)).length === 5, 'Bob has everything');
    await new Promise((r) => setTimeout(r, 300));
    const carols = await lines(carol, group.id);
    expect(carols).to.deep.equal(['[create]', `${alice.id.slice(0, 4)}: hello all`, `[remove ${carol.id.slice(0, 4)}]`]);
    expect(carol.messages.map((m) => m.text)).to.not.include('secret after');
    try {
      await carol.engine.sendMessage(group.id, 'still here?');
      expect.fail('a removed member sent');
    } catch (error) {
      expect((error as { code: string }).code).to.equal('unknown-group');
    }
  });

  it('keeps everything across a reload mid-conversation, with nothing doubled', async () => {
    const { network, alice, bob, carol } = await trio(4);
    const group = await alice.engine.groups.create('Reload', [bob.id, carol.id]);
    await waitUntil(() => bob.engine.groups.has(group.id), 'joined');
    await alice.engine.sendMessage(group.id, 'one');
    await bob.engine.sendMessage(group.id, 'two');
    // The old engine shares the memory store with the new one; a page that reloads takes its
    // writes in flight with it, so wait until Bob's copy has settled.
    await waitUntil(async () => (await lines(bob, group.id)).length === 3, 'Bob holds three lines');
    const bob2 = await restart(network, bob);
    await alice.engine.sendMessage(group.id, 'three');
    await bob2.engine.sendMessage(group.id, 'four');
    await waitUntil(async () => (await lines(alice, group.id)).length === 5 && (await lines(bob2, group.id)).length === 5 && (await lines(carol, group.id)).length === 5, 'all hold five').catch(async (e) => {
      console.log(JSON.stringify([await lines(alice, group.id), await lines(bob2, group.id), await lines(carol, group.id), bob2.warnings, alice.warnings, carol.warnings, bob2.errors.map(String)]));
      throw e;
    });
    expect(await lines(bob2, group.id)).to.deep.equal(await lines(alice, group.id));
    expect(await lines(carol, group.id)).to.deep.equal(await lines(alice, group.id));
  });

  it('counts unread messages of others per group, and keeps the read mark over a reload', async () => {
    const { network, alice, bob } = await trio(6);
    const group = await bob.engine.groups.create('Unread', [alice.id]);
    await waitUntil(() => alice.engine.groups.has(group.id), 'joined');
    await alice.engine.sendMessage(group.id, 'mine does not count');
    await bob.engine.sendMessage(group.id, 'one');
    await bob.engine.sendMessage(group.id, 'two');
    await waitUntil(() => alice.engine.groups.info(group.id).unread === 2, 'two unread');
    await alice.engine.markRead(group.id);
    expect(alice.engine.groups.info(group.id).unread).to.equal(0);
    const again = await restart(network, alice);
    expect(again.engine.groups.info(group.id).unread).to.equal(0);
    await bob.engine.sendMessage(group.id, 'three');
    await waitUntil(async () => (await again.engine.unread(group.id)) === 1, 'one unread after the reload');
  });

  it('checks what the page asks: only friends, at most 50 members, only admins change membership', async () => {
    const { alice, bob, carol } = await trio(5);
    const codeOf = async (run: () => Promise<unknown>) => run().then(() => 'none', (e: { code: string }) => e.code);
    expect(await codeOf(() => alice.engine.groups.create('x', ['ab'.repeat(32)]))).to.equal('unknown-friend');
    const many = Array.from({ length: 50 }, (_, i) => i.toString(16).padStart(64, '0'));
    expect(await codeOf(() => alice.engine.groups.create('x', many))).to.equal('group-full');
    expect(await codeOf(() => alice.engine.groups.create('', [bob.id]))).to.equal('bad-input');
    const group = await alice.engine.groups.create('Admins', [bob.id]);
    await waitUntil(() => bob.engine.groups.has(group.id), 'joined');
    expect(await codeOf(() => bob.engine.groups.addMember(group.id, carol.id))).to.equal('not-admin');
    await alice.engine.groups.setAdmin(group.id, bob.id, true);
    await waitUntil(() => bob.engine.groups.info(group.id).admin, 'Bob is admin');
    await bob.engine.groups.addMember(group.id, carol.id);
    await waitUntil(() => carol.engine.groups.has(group.id) && alice.engine.groups.info(group.id).members.length === 3, 'Carol added');
    await bob.engine.groups.rename(group.id, 'Renamed');
    await waitUntil(() => carol.engine.groups.info(group.id).name === 'Renamed', 'renamed everywhere');
    await carol.engine.groups.leave(group.id);
    await waitUntil(() => alice.engine.groups.info(group.id).members.length === 2, 'Carol left');
    expect(carol.groupEvents.at(-1)?.type).to.equal('left');
    expect(await codeOf(() => alice.engine.sendMessage('cd'.repeat(32), 'hi'))).to.equal('unknown-friend');
  });
});

describe('five group members with seeded offline periods', () => {
  it('ends with the same history in the same order on all five', async function () {
    this.timeout(120000);
    const network = new LoopbackNetwork({ seed: 7 });
    const stores = Array.from({ length: 5 }, () => new MemoryStore());
    const open = (i: number) => startPeer(network, stores[i]!);
    const peers: (TestPeer | null)[] = [];
    for (let i = 0; i < 5; i++) peers.push(await open(i));
    const ids = peers.map((p) => p!.id);
    for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) await befriend(peers[i]!, peers[j]!);
    const group = await peers[0]!.engine.groups.create('Five', ids.slice(1));
    await waitUntil(() => peers.every((p) => p!.engine.groups.has(group.id)), 'all joined');
    // A small seeded generator: the same offline periods on every run.
    let state = 12345;
    const next = (n: number): number => ((state = (state * 1103515245 + 12345) % 2 ** 31), state % n);
    const sent: string[] = [];
    for (let round = 0; round < 16; round++) {
      const who = next(5);
      if (peers[who] && peers.filter(Boolean).length > 2) {
        peers[who]!.engine.stop();
        peers[who] = null;
      } else if (!peers[who]) {
        peers[who] = await open(who);
      }
      const online = peers.map((p, i) => (p ? i : -1)).filter((i) => i >= 0);
      const author = online[next(online.length)]!;
      const text = `round ${round} by ${author}`;
      await peers[author]!.engine.sendMessage(group.id, text);
      sent.push(text);
      await new Promise((r) => setTimeout(r, next(80)));
    }
    for (let i = 0; i < 5; i++) peers[i] ??= await open(i);
    const lines = async (p: TestPeer) => (await p.engine.history(group.id, { limit: 1000 })).map((m) => m.text || `[${m.system?.op}]`);
    await waitUntil(async () => (await Promise.all(peers.map((p) => lines(p!)))).every((l) => l.length === sent.length + 1), 'all hold every message', 60000);
    const first = await lines(peers[0]!);
    expect([...first].sort()).to.deep.equal(['[create]', ...sent].sort());
    for (const p of peers) expect(await lines(p!)).to.deep.equal(first);
    for (const p of peers) p!.engine.stop();
  });
});
