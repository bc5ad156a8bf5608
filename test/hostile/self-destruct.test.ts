import { expect } from '@esm-bundle/chai';
import { IdbStore } from '../../src/storage/idb-store.js';
import type { Store } from '../../src/storage/store.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { befriend, startPeer, type TestPeer } from '../helpers/engine.js';
import { uniqueProfile, waitUntil } from '../helpers/env.js';

const SECRET = 'the launch code is 7-4-1-9';

function noise(n: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

/** Every record of a store as bytes (Blobs read, everything else as its JSON), to search for traces. */
async function rawRecords(store: Store): Promise<{ key: string; bytes: Uint8Array }[]> {
  const out = [];
  for (const key of await store.keys()) {
    const value = await store.get<unknown>(key);
    const parts: Uint8Array[] = [new TextEncoder().encode(key)];
    const walk = async (v: unknown): Promise<void> => {
      if (v instanceof Blob) parts.push(new Uint8Array(await v.arrayBuffer()));
      else if (v instanceof Uint8Array) parts.push(v);
      else if (Array.isArray(v)) for (const x of v) await walk(x);
      else if (v && typeof v === 'object') for (const x of Object.values(v)) await walk(x);
      else parts.push(new TextEncoder().encode(JSON.stringify(v ?? null)));
    };
    await walk(value);
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) bytes.set(p, (at += p.length) - p.length);
    out.push({ key, bytes });
  }
  return out;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

async function traces(store: Store, needles: Uint8Array[]): Promise<string[]> {
  return (await rawRecords(store)).filter((r) => needles.some((n) => contains(r.bytes, n))).map((r) => r.key);
}

describe('self-destruct and removal', function () {
  this.timeout(60000);
  const running: TestPeer[] = [];
  afterEach(() => {
    for (const p of running.splice(0)) p.engine.stop();
  });

  async function pair(seed: number): Promise<[TestPeer, TestPeer]> {
    const network = new LoopbackNetwork({ seed });
    const alice = await startPeer(network, new IdbStore(uniqueProfile('sd-alice')));
    const bob = await startPeer(network, new IdbStore(uniqueProfile('sd-bob')));
    running.push(alice, bob);
    await befriend(alice, bob);
    return [alice, bob];
  }

  it('leaves no trace of an expired text or file in history or in the raw IndexedDB records, on either side', async () => {
    const [alice, bob] = await pair(41);
    const bytes = noise(200_000, 5);
    const needles = [new TextEncoder().encode(SECRET), bytes.subarray(1000, 1064)];
    const text = await alice.engine.sendMessage(bob.id, SECRET, { expiresIn: 2000 });
    const file = await alice.engine.sendFile(bob.id, new Blob([bytes]), 'plans.bin', { expiresIn: 2000 });
    await waitUntil(() => bob.messages.some((m) => m.id === text.id), 'Bob has the text');
    await waitUntil(() => bob.progress.some((p) => p.messageId === file.id && p.state === 'done'), 'Bob has the file');
    expect(await traces(bob.store, needles)).to.not.deep.equal([]);
    await waitUntil(async () => (await bob.engine.history(alice.id)).every((m) => m.expired), 'everything expired on Bob’s side', 10000);
    await waitUntil(async () => (await alice.engine.history(bob.id)).every((m) => m.expired), 'and on Alice’s', 10000);
    for (const peer of [alice, bob]) {
      const history = await peer.engine.history(peer === alice ? bob.id : alice.id);
      expect(history.map((m) => [m.text, m.file])).to.deep.equal([
        ['', undefined],
        ['', undefined],
      ]);
      expect(await peer.engine.file(peer === alice ? bob.id : alice.id, file.id)).to.equal(undefined);
      await waitUntil(async () => (await traces(peer.store, needles)).length === 0, 'no record holds the text or the bytes');
    }
  });

  it('deletes a removed friend’s conversation and files from the store', async () => {
    const [alice, bob] = await pair(42);
    const bytes = noise(100_000, 6);
    const needles = [new TextEncoder().encode(SECRET), bytes.subarray(500, 564)];
    await alice.engine.sendMessage(bob.id, SECRET);
    const file = await alice.engine.sendFile(bob.id, new Blob([bytes]), 'plans.bin');
    await waitUntil(() => bob.progress.some((p) => p.messageId === file.id && p.state === 'done'), 'Bob has the file');
    await bob.engine.removeFriend(alice.id);
    await alice.engine.block(bob.id);
    for (const peer of [alice, bob]) {
      expect(await traces(peer.store, needles)).to.deep.equal([]);
      expect((await peer.store.keys()).filter((k) => k.startsWith('log:') || k.startsWith('receipts:') || k.startsWith('file:'))).to.deep.equal([]);
    }
  });
});
