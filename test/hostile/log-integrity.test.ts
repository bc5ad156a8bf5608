import { expect } from '@esm-bundle/chai';
import { Identity } from '../../src/identity/identity.js';
import { directConversationId } from '../../src/log/conversation-id.js';
import { ConversationLog } from '../../src/log/conversation-log.js';
import { createEntry, type Entry } from '../../src/log/entry.js';
import type { ChatMessage } from '../../src/model/index.js';
import { FrameType } from '../../src/session/frame.js';
import { Keyspace } from '../../src/storage/keyspace.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { utf8 } from '../../src/util/bytes.js';
import { befriend, goRogue, startPeer, texts } from '../helpers/engine.js';
import { waitUntil } from '../helpers/env.js';

/** A friend gone rogue: Alice and Mallory are friends, then Mallory speaks raw frames with her real keys. */
async function rogueFriend(seed: number) {
  const network = new LoopbackNetwork({ seed });
  const alice = await startPeer(network);
  const mallory = await startPeer(network);
  await befriend(alice, mallory);
  const { identity, c, signaling, connect } = await goRogue(network, alice, mallory);
  const session = await connect();
  const received: { type: number; body: string }[] = [];
  session.onFrame((type, body) => received.push({ type, body: new TextDecoder().decode(body) }));
  const send = (entries: Entry[]) => session.send(FrameType.Entries, utf8(JSON.stringify({ c, entries })));
  const entry = (fields: { seq: number; prev: string; clock: number; ts?: number; deps?: string[]; body: string }) =>
    createEntry(identity, c, { deps: [], ts: Date.now(), kind: 'text', ...fields });
  const stop = () => {
    signaling.close();
    alice.engine.stop();
  };
  return { alice, mallory: identity, c, session, send, entry, received, stop };
}

describe('log integrity against a friend', function () {
  this.timeout(60000);
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const stop of cleanups.splice(0)) stop();
  });

  it('detects a fork (two signed entries for one seq): refused, kept as evidence, reported as `fork`', async () => {
    const rogue = await rogueFriend(21);
    cleanups.push(rogue.stop);
    const first = await rogue.entry({ seq: 1, prev: '', clock: 5, body: 'I agree' });
    rogue.send([first]);
    await waitUntil(() => rogue.alice.messages.some((m) => m.id === first.id), 'the first version arrives');
    const second = await rogue.entry({ seq: 1, prev: '', clock: 5, body: 'I never agreed' });
    rogue.send([second]);
    await waitUntil(() => rogue.alice.warnings.some((w) => w.reason === 'fork'), 'the fork is reported');
    expect(await texts(rogue.alice, rogue.mallory.profileId)).to.deep.equal(['I agree']);
    const evidence = await rogue.alice.store.get<Entry[]>(Keyspace.log(rogue.c, 'forks'));
    expect(evidence?.map((e) => e.id)).to.deep.equal([second.id]);
    // A later entry built on the other branch is a fork too.
    const onTop = await rogue.entry({ seq: 2, prev: second.id, clock: 6, body: 'see?' });
    rogue.send([onTop]);
    await waitUntil(() => rogue.alice.warnings.filter((w) => w.reason === 'fork').length === 2, 'the branch is refused');
    expect(await texts(rogue.alice, rogue.mallory.profileId)).to.deep.equal(['I agree']);
  });

  it('refuses back-dated clocks and timestamps, and marks an entry that sorts before what its author confirmed', async () => {
    const rogue = await rogueFriend(22);
    cleanups.push(rogue.stop);
    const { alice } = rogue;
    const m = rogue.mallory.profileId;
    const one = await rogue.entry({ seq: 1, prev: '', clock: 1, ts: Date.now(), body: 'one' });
    rogue.send([one]);
    await waitUntil(() => alice.messages.length === 1, 'one arrives');
    // Alice writes three messages; Mallory confirms she holds them.
    const own: ChatMessage[] = [];
    for (const text of ['a', 'b', 'c']) own.push(await alice.engine.sendMessage(m, text));
    await waitUntil(() => rogue.received.some((f) => f.type === FrameType.Entries && f.body.includes(own[2]!.id)), 'Mallory gets them');
    rogue.session.send(FrameType.Receipt, utf8(JSON.stringify({ c: rogue.c, delivered: 3 })));
    await waitUntil(() => alice.statuses.some((s) => s.id === own[2]!.id && s.status === 'delivered'), 'delivered');
    // A dep's clock is not below the entry's: refused.
    const belowDep = await rogue.entry({ seq: 2, prev: one.id, clock: 2, deps: [own[2]!.id], body: 'below my dep' });
    // A timestamp before the author's previous one: refused.
    const backInTime = await rogue.entry({ seq: 2, prev: one.id, clock: 50, ts: one.ts - 3600_000, body: 'yesterday' });
    rogue.send([belowDep]);
    rogue.send([backInTime]);
    await waitUntil(() => alice.warnings.filter((w) => /bad-clock/.test(w.detail)).length === 2, 'both refused');
    // Claiming to have written before Alice's a, b and c, which Mallory confirmed: marked.
    const sneaky = await rogue.entry({ seq: 2, prev: one.id, clock: 2, body: 'I said so before b' });
    rogue.send([sneaky]);
    await waitUntil(() => alice.messages.some((msg) => msg.id === sneaky.id), 'the late one arrives');
    const history = await alice.engine.history(m);
    // Its clock (2) ties with a's and its time is later: it sorts between a and b, everywhere.
    expect(history.map((msg) => msg.text)).to.deep.equal(['one', 'a', 'I said so before b', 'b', 'c']);
    expect(history.map((msg) => !!msg.late)).to.deep.equal([false, false, true, false, false]);
    expect(alice.messages.find((msg) => msg.id === sneaky.id)?.late).to.equal(true);
  });

  it('checks unknown deps with one scan of the history, not one per entry, and stops a batch at its first refusal', async () => {
    const store = new MemoryStore();
    let pageReads = 0;
    const get = store.get.bind(store);
    store.get = async <T>(key: string): Promise<T | undefined> => {
      if (key.includes(':page:')) pageReads++;
      return get<T>(key);
    };
    const alice = (await Identity.generate());
    const mallory = (await Identity.generate());
    const c = directConversationId(alice.profileId, mallory.profileId);
    let log = await ConversationLog.open(store, c);
    let prev = '';
    const history: Entry[] = [];
    for (let seq = 1; seq <= 5000; seq++) {
      const e = await createEntry(alice, c, { seq, prev, deps: [], clock: seq, ts: 1000 + seq, kind: 'text', body: `m${seq}` });
      history.push(e);
      prev = e.id;
    }
    for (let i = 0; i < history.length; i += 500) await log.appendMany(history.slice(i, i + 500), 0);
    const pages = (await store.keys()).filter((k) => k.includes(':page:')).length;
    expect(pages).to.be.at.least(40);
    log = await ConversationLog.open(store, c); // a reload: nothing recent in memory
    pageReads = 0;
    for (let k = 0; k < 500; k++) {
      const bogus = await createEntry(mallory, c, { seq: 1, prev: '', deps: [k.toString(16).padStart(64, '0')], clock: 6000, ts: 2000, kind: 'text', body: 'x' });
      expect(await log.append(bogus, 0)).to.equal('missing-dep');
    }
    expect(pageReads).to.be.at.most(pages);
    // A batch: the refused first entry stops it; the (valid) second is not looked at.
    const bad = await createEntry(mallory, c, { seq: 1, prev: '', deps: ['ee'.repeat(32)], clock: 6000, ts: 2000, kind: 'text', body: 'bad' });
    const good = await createEntry(mallory, c, { seq: 1, prev: '', deps: [history.at(-1)!.id], clock: 6000, ts: 2000, kind: 'text', body: 'good' });
    expect(await log.appendMany([bad, good], 0)).to.deep.equal(['missing-dep', 'skipped']);
    expect(await log.append(good, 0)).to.equal('stored');
  });
});
