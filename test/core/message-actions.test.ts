import { expect } from '@esm-bundle/chai';
import { createEntry } from '../../src/log/entry.js';
import { FrameType } from '../../src/session/frame.js';
import { IdbStore } from '../../src/storage/idb-store.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { utf8 } from '../../src/util/bytes.js';
import { befriend, goRogue, startPeer, type TestPeer } from '../helpers/engine.js';
import { uniqueProfile, waitUntil } from '../helpers/env.js';

describe('message actions: reply, react, edit, delete', function () {
  this.timeout(60000);
  const running: TestPeer[] = [];
  afterEach(() => {
    for (const p of running.splice(0)) p.engine.stop();
  });

  async function pair(seed: number): Promise<[TestPeer, TestPeer, LoopbackNetwork]> {
    const network = new LoopbackNetwork({ seed });
    const alice = await startPeer(network, new IdbStore(uniqueProfile('act-alice')));
    const bob = await startPeer(network, new IdbStore(uniqueProfile('act-bob')));
    running.push(alice, bob);
    await befriend(alice, bob);
    return [alice, bob, network];
  }

  it('a reply quotes its original on both sides, a reaction and an edit reach the friend', async () => {
    const [alice, bob] = await pair(51);
    const hello = await alice.engine.sendMessage(bob.id, 'hello Bob');
    await waitUntil(() => bob.messages.some((m) => m.id === hello.id), 'Bob has it');
    const reply = await bob.engine.sendMessage(alice.id, 'hi Alice', { replyTo: hello.id });
    expect(reply).to.include({ kind: 'reply', ref: hello.id, text: 'hi Alice' });
    expect(reply.quote).to.deep.equal({ from: alice.id, text: 'hello Bob' });
    await bob.engine.actions.react(alice.id, hello.id, '👍');
    const edit = await alice.engine.actions.edit(bob.id, hello.id, 'hello, Bob!');
    await waitUntil(() => alice.messages.some((m) => m.kind === 'react'), 'Alice has the reaction');
    await waitUntil(() => bob.messages.some((m) => m.id === edit.id), 'Bob has the edit');
    // Bob's reply counts as unread for Alice, his reaction does not.
    expect(await alice.engine.unread(bob.id)).to.equal(1);
    const atAlice = alice.messages.find((m) => m.id === reply.id)!;
    expect(atAlice.quote).to.deep.equal({ from: alice.id, text: 'hello Bob' });
    expect(alice.messages.find((m) => m.kind === 'react')).to.include({ ref: hello.id, text: '👍', from: bob.id });
    expect(bob.messages.find((m) => m.id === edit.id)).to.include({ kind: 'edit', ref: hello.id, text: 'hello, Bob!' });
    // The edit history stays in the log: the original text and the edit.
    expect((await bob.engine.history(alice.id)).filter((m) => m.from === alice.id).map((m) => m.text)).to.deep.equal(['hello Bob', 'hello, Bob!']);
  });

  it('delete for everyone takes the text and its edits off both sides, and survives a restart', async () => {
    const [alice, bob, network] = await pair(52);
    const secret = await alice.engine.sendMessage(bob.id, 'the code is 1234');
    await alice.engine.actions.edit(bob.id, secret.id, 'the code is 4321');
    await waitUntil(async () => (await bob.engine.count(alice.id)) === 2, 'Bob has both');
    await alice.engine.actions.delete(bob.id, secret.id);
    for (const [peer, friend] of [[alice, bob], [bob, alice]] as const) {
      await waitUntil(async () => {
        const h = await peer.engine.history(friend.id);
        return h.length === 3 && h.slice(0, 2).every((m) => m.text === '' && m.deleted);
      }, 'the message and its edit lost their text');
      const raw = JSON.stringify(await Promise.all((await peer.store.keys()).map((k) => peer.store.get(k))));
      expect(raw).to.not.include('the code is');
    }
    // Bob restarts on the same store: nothing comes back.
    bob.engine.stop();
    const again = await startPeer(network, bob.store);
    running.push(again);
    const history = await again.engine.history(alice.id);
    expect(history.map((m) => [m.kind, m.text, !!m.deleted])).to.deep.equal([
      ['text', '', true],
      ['edit', '', true],
      ['delete', '', false],
    ]);
  });

  it('a message deleted while the friend was offline never reaches them with its text', async () => {
    const [alice, bob, network] = await pair(55);
    bob.engine.stop();
    await waitUntil(() => alice.engine.presence(bob.id) === 'offline', 'Bob offline');
    const oops = await alice.engine.sendMessage(bob.id, 'sent to the wrong person');
    await alice.engine.actions.delete(bob.id, oops.id);
    const again = await startPeer(network, bob.store);
    running.push(again);
    await waitUntil(async () => (await again.engine.count(alice.id)) === 2, 'Bob gets both entries');
    expect((await again.engine.history(alice.id)).map((m) => [m.kind, m.text, !!m.deleted])).to.deep.equal([
      ['text', '', true],
      ['delete', '', false],
    ]);
    expect(again.messages.map((m) => m.text).join()).to.not.include('wrong person');
  });

  it('refuses own actions that the friend would refuse', async () => {
    const [alice, bob] = await pair(53);
    const mine = await alice.engine.sendMessage(bob.id, 'mine');
    await waitUntil(() => bob.messages.some((m) => m.id === mine.id), 'Bob has it');
    const codes = async (run: () => Promise<unknown>) => run().then(() => 'ok', (e: { code: string }) => e.code);
    expect(await codes(() => bob.engine.actions.edit(alice.id, mine.id, 'not yours'))).to.equal('bad-input');
    expect(await codes(() => bob.engine.actions.delete(alice.id, mine.id))).to.equal('bad-input');
    expect(await codes(() => bob.engine.actions.react(alice.id, 'ab'.repeat(32), '👍'))).to.equal('bad-input');
    expect(await codes(() => bob.engine.actions.react(alice.id, mine.id, '<b>'))).to.equal('bad-input');
    expect(await codes(() => alice.engine.actions.edit(bob.id, mine.id, ' '))).to.equal('empty-message');
    expect(await bob.engine.count(alice.id)).to.equal(1);
  });

  it('a malicious friend: an edit or tombstone of our message and a reaction to no message are refused and reported', async () => {
    const network = new LoopbackNetwork({ seed: 54 });
    const alice = await startPeer(network);
    const mallory = await startPeer(network);
    running.push(alice);
    await befriend(alice, mallory);
    const mine = await alice.engine.sendMessage(mallory.id, 'Alice wrote this');
    await waitUntil(() => mallory.messages.some((m) => m.id === mine.id), 'Mallory has it');
    const { identity, c, signaling, connect } = await goRogue(network, alice, mallory);
    const session = await connect();
    const head = (await alice.engine.history(mallory.id)).at(-1)!;
    const forged = async (kind: 'edit' | 'delete' | 'react', body: object) =>
      createEntry(identity, c, { seq: 1, prev: '', deps: [head.id], clock: 100, ts: Date.now(), kind, body: JSON.stringify(body) });
    const attempts = [
      await forged('edit', { r: mine.id, t: 'Alice never wrote this' }),
      await forged('delete', { r: mine.id }),
      await forged('react', { r: 'cd'.repeat(32), e: '👍' }),
    ];
    for (const entry of attempts) session.send(FrameType.Entries, utf8(JSON.stringify({ c, entries: [entry] })));
    await waitUntil(() => alice.warnings.filter((w) => w.peer === mallory.id && w.detail.startsWith('refused')).length >= 3, 'three refusals reported');
    const details = alice.warnings.map((w) => w.detail);
    expect(details.some((d) => d.includes("edit of someone else's message"))).to.equal(true);
    expect(details.some((d) => d.includes("delete of someone else's message"))).to.equal(true);
    expect(details.some((d) => d.includes('react of no message'))).to.equal(true);
    expect(alice.warnings.every((w) => w.reason === 'bad-frame')).to.equal(true);
    expect(await alice.engine.count(mallory.id)).to.equal(1);
    expect((await alice.engine.history(mallory.id))[0]).to.include({ text: 'Alice wrote this' });
    session.close();
    signaling.close();
  });
});
