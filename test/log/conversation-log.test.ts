import { expect } from '@esm-bundle/chai';
import { Identity } from '../../src/identity/identity.js';
import { ConversationLog, PAGE_TARGET } from '../../src/log/conversation-log.js';
import { createEntry, type Entry } from '../../src/log/entry.js';
import { MemoryStore } from '../../src/storage/memory-store.js';

const alice = (await Identity.generate());
const bob = (await Identity.generate());

describe('ConversationLog', () => {

  async function chain(identity: Identity, n: number, clockOf: (i: number) => number): Promise<Entry[]> {
    const out: Entry[] = [];
    for (let i = 0; i < n; i++) {
      out.push(await createEntry(identity, 'c'.repeat(64), { seq: i + 1, prev: out[i - 1]?.id ?? '', deps: [], clock: clockOf(i), ts: 1000 + i, kind: 'text', body: `${identity.profileId.slice(0, 4)} ${i}` }));
    }
    return out;
  }

  it('stores pages of at most a few hundred entries, never one key per message, and pages history backwards', async () => {
    const store = new MemoryStore();
    const log = await ConversationLog.open(store, 'c');
    const entries = await chain(alice, 1000, (i) => i + 1);
    for (const e of entries) expect(await log.append(e, 0)).to.equal('stored');
    const keys = await store.keys();
    expect(keys.length).to.be.below(20);
    for (const key of keys.filter((k) => k.includes(':page:'))) expect(((await store.get<Entry[]>(key)) ?? []).length).to.be.at.most(2 * PAGE_TARGET);
    const newest = await log.history({ limit: 10 });
    expect(newest.map((e) => e.seq)).to.deep.equal([991, 992, 993, 994, 995, 996, 997, 998, 999, 1000]);
    const older = await log.history({ before: newest[0]!.id, limit: 5 });
    expect(older.map((e) => e.seq)).to.deep.equal([986, 987, 988, 989, 990]);
    // A new log over the same store sees the same thing (nothing only in memory).
    const again = await ConversationLog.open(store, 'c');
    expect((await again.history({ limit: 3 })).map((e) => e.seq)).to.deep.equal([998, 999, 1000]);
    expect(again.versionVector()).to.deep.equal({ [alice.profileId]: 1000 });
  });

  it('is idempotent, waits on gaps, refuses forks, and merges two authors in clock order', async () => {
    const log = await ConversationLog.open(new MemoryStore(), 'd');
    const a = await chain(alice, 3, (i) => 2 * i + 1);
    const b = await chain(bob, 3, (i) => 2 * i + 2);
    expect(await log.append(a[1]!, 0)).to.equal('gap');
    expect(await log.append(a[0]!, 0)).to.equal('stored');
    expect(await log.append(a[0]!, 0)).to.equal('duplicate');
    const fork = await createEntry(alice, 'c'.repeat(64), { seq: 2, prev: 'ab'.repeat(32), deps: [], clock: 9, ts: 1, kind: 'text', body: 'fork' });
    expect(await log.append(fork, 0)).to.equal('fork');
    for (const e of [b[0]!, a[1]!, b[1]!, b[2]!, a[2]!]) expect(await log.append(e, 0)).to.equal('stored');
    expect((await log.history()).map((e) => e.body)).to.deep.equal([a[0], b[0], a[1], b[1], a[2], b[2]].map((e) => e!.body));
    expect(await log.entriesAfter(bob.profileId, 1)).to.deep.equal([b[1], b[2]]);
  });
});
