import { expect } from '@esm-bundle/chai';
import { directConversationId } from '../../src/log/conversation-id.js';
import type { Entry } from '../../src/log/entry.js';
import { IdbStore } from '../../src/storage/idb-store.js';
import { Keyspace, SCHEMA_VERSION } from '../../src/storage/keyspace.js';
import type { Store } from '../../src/storage/store.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { compareEntries } from '../../src/log/entry.js';
import { startPeer, texts, type TestPeer } from '../helpers/engine.js';
import { uniqueProfile, waitUntil } from '../helpers/env.js';

/** Two friends' stores exactly as the first release wrote them (see tools/v1-fixture.mjs). */
interface Fixture {
  release: string;
  alice: { id: string; store: Record<string, unknown> };
  bob: { id: string; store: Record<string, unknown> };
}

const revive = (_key: string, value: unknown): unknown =>
  value && typeof value === 'object' && '$bytes' in value ? Uint8Array.from(atob((value as { $bytes: string }).$bytes), (c) => c.charCodeAt(0)) : value;

async function fixture(): Promise<Fixture> {
  return JSON.parse(await (await fetch('/test/fixtures/v1-stores.json')).text(), revive) as Fixture;
}

/** The old store's history with one friend, in display order. */
function oldTexts(store: Record<string, unknown>, friendId: string): string[] {
  const pages = Object.entries(store)
    .filter(([key]) => key.startsWith(`log:${friendId}:page:`))
    .flatMap(([, page]) => page as Entry[]);
  return pages.sort(compareEntries).map((e) => e.body ?? '');
}

async function load(store: Store, values: Record<string, unknown>): Promise<void> {
  await store.setMany(Object.entries(values));
}

describe('a store written by the first release', () => {
  const running: TestPeer[] = [];
  afterEach(() => {
    for (const p of running.splice(0)) p.engine.stop();
  });

  it('migrates on first open: same history and statuses, old keys gone, and the friends keep syncing', async () => {
    const old = await fixture();
    const aliceStore = new IdbStore(uniqueProfile('v1-alice'));
    const bobStore = new IdbStore(uniqueProfile('v1-bob'));
    await load(aliceStore, old.alice.store);
    await load(bobStore, old.bob.store);
    const expectedAlice = oldTexts(old.alice.store, old.bob.id);
    expect(expectedAlice.length).to.be.at.least(175);

    const network = new LoopbackNetwork({ seed: 11 });
    const alice = await startPeer(network, aliceStore);
    const bob = await startPeer(network, bobStore);
    running.push(alice, bob);
    expect(alice.id).to.equal(old.alice.id);
    expect(await texts(alice, bob.id)).to.deep.equal(expectedAlice);
    expect(await texts(bob, alice.id)).to.deep.equal(oldTexts(old.bob.store, old.alice.id));

    // The layout is the new one: conversation-keyed, marked, with no key of the old one left.
    const keys = await aliceStore.keys();
    expect(await aliceStore.get(Keyspace.schema)).to.equal(SCHEMA_VERSION);
    expect(keys.filter((k) => k.startsWith(`log:${bob.id}:`) || k === `receipts:${bob.id}`)).to.deep.equal([]);
    const conversation = directConversationId(alice.id, bob.id);
    expect(keys).to.include(Keyspace.log(conversation, 'index'));
    // Bob read everything before the upgrade: Alice's own messages still say so.
    const history = await alice.engine.history(bob.id, { limit: 1000 });
    const own = history.filter((m) => !m.incoming);
    expect(own.length).to.be.at.least(130);
    expect(new Set(own.map((m) => m.status))).to.deep.equal(new Set(['read']));
    expect(history.every((m) => m.conversationId === conversation)).to.equal(true);

    // Both on the new release: new messages (format 2) go both ways after the old ones.
    await waitUntil(() => alice.engine.presence(bob.id) === 'online' && bob.engine.presence(alice.id) === 'online', 'both are online');
    await alice.engine.sendMessage(bob.id, 'after the upgrade');
    await bob.engine.sendMessage(alice.id, 'me too');
    await waitUntil(() => bob.messages.some((m) => m.text === 'after the upgrade'), 'Bob receives');
    await waitUntil(() => alice.messages.some((m) => m.text === 'me too'), 'Alice receives');
    const after = await texts(alice, bob.id);
    expect(after.slice(0, expectedAlice.length)).to.deep.equal(expectedAlice);
    expect(after.slice(expectedAlice.length).sort()).to.deep.equal(['after the upgrade', 'me too']);
    expect(await texts(bob, alice.id)).to.deep.equal(after);

    // Opening again changes nothing (the migration ran once).
    alice.engine.stop();
    running.splice(running.indexOf(alice), 1);
    const again = await startPeer(network, aliceStore);
    running.push(again);
    expect(await texts(again, bob.id)).to.deep.equal(after);
  });

  it('refuses a store from a newer release instead of reading it wrongly', async () => {
    const store = new IdbStore(uniqueProfile('v9'));
    const old = await fixture();
    await load(store, old.alice.store);
    await store.set(Keyspace.schema, SCHEMA_VERSION + 1);
    const error = await startPeer(new LoopbackNetwork({ seed: 1 }), store).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as { code?: string })?.code).to.equal('storage-unreadable');
  });
});
