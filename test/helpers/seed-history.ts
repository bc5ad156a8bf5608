import { createStore, setMany } from 'idb-keyval';
import { Identity } from '../../src/identity/identity.js';
import { toHex } from '../../src/util/bytes.js';

const PAGE = 100;

/** What entry `i` of a seeded conversation is: its kind and body (default: the text `message i`). */
export type SeedEntry = (i: number, id: (i: number) => string) => { kind: string; body: string };

/**
 * Writes a conversation of `total` messages straight into a profile's IndexedDB store, in the
 * widget's storage format (index, page directory, pages of 100). The entries are not signed:
 * opening and paging history does not verify them; sync would.
 */
export async function seedConversation(profile: string, total: number): Promise<{ friendId: string }> {
  const [friendId] = await seedConversations(profile, [{ total }]);
  return { friendId: friendId! };
}

/**
 * Like `seedConversation`, with one friend per conversation; `entry` says what each entry
 * is (even `i`: the friend's, odd: mine). Entry `i` of conversation `c` has ts
 * 1_700_000_000_000 + i s + c ms. Returns the friends' IDs.
 */
export async function seedConversations(profile: string, conversations: { total: number; entry?: SeedEntry }[]): Promise<string[]> {
  const store = createStore(`friends-chat:${profile}`, 'kv');
  const me = (await Identity.generate());
  const friends: string[] = [];
  const records: [string, unknown][] = [];
  for (const [c, { total, entry }] of conversations.entries()) {
    const friend = (await Identity.generate());
    friends.push(friend.profileId);
    const id = (i: number): string => toHex(new Uint8Array(32).map((_, k) => (k < 4 ? (i >>> (8 * k)) & 255 : k === 4 ? c : 7)));
    const dir: { n: number; first: { clock: number; ts: number; id: string } }[] = [];
    let batch: [string, unknown][] = [];
    const pages = Math.ceil(total / PAGE);
    for (let p = 0; p < pages; p++) {
      const page = [];
      for (let k = 0; k < PAGE && p * PAGE + k < total; k++) {
        const i = p * PAGE + k;
        const author = i % 2 ? me.profileId : friend.profileId;
        const seq = Math.floor(i / 2) + 1;
        const { kind, body } = entry?.(i, id) ?? { kind: 'text', body: `message ${i}` };
        page.push({ id: id(i), author, seq, prev: seq > 1 ? id(i - 2) : '', deps: [], clock: i + 1, ts: 1_700_000_000_000 + i * 1000 + c, kind, bodyHash: '00'.repeat(32), sig: '00'.repeat(64), body });
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
    await setMany(batch, store);
    records.push(
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
    );
  }
  const names = ['Long talker', 'Zweite'];
  await setMany(
    [
      ...records,
      ['identity', me.toRecord()],
      ['contacts', friends.map((id, c) => ({ id, name: names[c] ?? `Friend ${c}`, state: 'friend', verified: false, createdAt: 1 }))],
    ],
    store,
  );
  return friends;
}
