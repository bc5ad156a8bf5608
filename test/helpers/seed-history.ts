import { createStore, setMany } from 'idb-keyval';
import { Identity } from '../../src/identity/identity.js';
import { toHex } from '../../src/util/bytes.js';

const PAGE = 100;

/**
 * Writes a conversation of `total` messages straight into a profile's IndexedDB store, in the
 * widget's storage format (index, page directory, pages of 100). The entries are not signed:
 * opening and paging history does not verify them; sync would.
 */
export async function seedConversation(profile: string, total: number): Promise<{ friendId: string }> {
  const store = createStore(`friends-chat:${profile}`, 'kv');
  const me = (await Identity.generate());
  const friend = (await Identity.generate());
  const id = (i: number): string => toHex(new Uint8Array(32).map((_, k) => (k < 4 ? (i >>> (8 * k)) & 255 : 7)));
  const dir: { n: number; first: { clock: number; ts: number; id: string } }[] = [];
  let batch: [string, unknown][] = [];
  const pages = Math.ceil(total / PAGE);
  for (let p = 0; p < pages; p++) {
    const page = [];
    for (let k = 0; k < PAGE && p * PAGE + k < total; k++) {
      const i = p * PAGE + k;
      const author = i % 2 ? me.profileId : friend.profileId;
      const seq = Math.floor(i / 2) + 1;
      page.push({ id: id(i), author, seq, prev: seq > 1 ? id(i - 2) : '', deps: [], clock: i + 1, ts: 1_700_000_000_000 + i * 1000, kind: 'text', bodyHash: '00'.repeat(32), sig: '00'.repeat(64), body: `message ${i}` });
    }
    dir.push({ n: p, first: { clock: page[0]!.clock, ts: page[0]!.ts, id: page[0]!.id } });
    batch.push([`log:${friend.profileId}:page:${p}`, page]);
    if (batch.length === 50) {
      await setMany(batch, store);
      batch = [];
    }
  }
  const last = total - 1;
  const mine = Math.floor(total / 2);
  const theirs = Math.ceil(total / 2);
  await setMany(
    [
      ...batch,
      [`log:${friend.profileId}:dir`, dir],
      [
        `log:${friend.profileId}:index`,
        {
          v: 1,
          nextPage: pages,
          heads: {
            [friend.profileId]: { seq: theirs, id: id(last % 2 ? last - 1 : last), clock: last % 2 ? last : last + 1 },
            ...(mine ? { [me.profileId]: { seq: mine, id: id(last % 2 ? last : last - 1), clock: last % 2 ? last + 1 : last } } : {}),
          },
          maxClock: last + 1,
          expiring: {},
          count: total,
        },
      ],
      [`receipts:${friend.profileId}`, { delivered: mine, read: mine, myRead: theirs }],
      ['identity', me.toRecord()],
      ['contacts', [{ id: friend.profileId, name: 'Long talker', state: 'friend', verified: false, createdAt: 1 }]],
    ],
    store,
  );
  return { friendId: friend.profileId };
}
