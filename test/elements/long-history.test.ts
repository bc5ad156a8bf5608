import { expect } from '@esm-bundle/chai';
import { createStore, setMany } from 'idb-keyval';
import { Identity } from '../../src/identity/identity.js';
import { toHex } from '../../src/util/bytes.js';
import { uniqueProfile, waitUntil } from '../helpers/env.js';
import { mountWidget } from '../helpers/widgets.js';

const TOTAL = 100_000;
const PAGE = 100;

/** Writes a 100,000-message conversation straight into a profile's store (its storage format). */
async function seed(profile: string): Promise<{ friendId: string; ms: number }> {
  const store = createStore(`friends-chat:${profile}`, 'kv');
  const me = Identity.generate();
  const friend = Identity.generate();
  const started = performance.now();
  const id = (i: number): string => toHex(new Uint8Array(32).map((_, k) => (k < 4 ? (i >>> (8 * k)) & 255 : 7)));
  const dir: { n: number; first: { clock: number; ts: number; id: string } }[] = [];
  let batch: [string, unknown][] = [];
  for (let p = 0; p < TOTAL / PAGE; p++) {
    const page = [];
    for (let k = 0; k < PAGE; k++) {
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
  const last = TOTAL - 1;
  await setMany(
    [
      ...batch,
      [`log:${friend.profileId}:dir`, dir],
      [
        `log:${friend.profileId}:index`,
        {
          v: 1,
          nextPage: TOTAL / PAGE,
          heads: { [friend.profileId]: { seq: TOTAL / 2, id: id(last - 1), clock: last }, [me.profileId]: { seq: TOTAL / 2, id: id(last), clock: last + 1 } },
          maxClock: last + 1,
          expiring: {},
          count: TOTAL,
        },
      ],
      [`receipts:${friend.profileId}`, { delivered: TOTAL / 2, read: TOTAL / 2, myRead: TOTAL / 2 }],
      ['identity', me.toRecord()],
      ['contacts', [{ id: friend.profileId, name: 'Long talker', state: 'friend', verified: false, createdAt: 1 }]],
    ],
    store,
  );
  return { friendId: friend.profileId, ms: performance.now() - started };
}

describe('a conversation with 100,000 messages', function () {
  this.timeout(180000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('opens with only the newest page, keeps the DOM bounded while scrolling back, and jumps to the newest', async () => {
    const profile = uniqueProfile('long');
    const { friendId } = await seed(profile);
    const { el } = await mountWidget({ profile });
    const t0 = performance.now();
    await el.open(friendId);
    const thread = el.shadowRoot!.querySelector('friends-chat-thread')!;
    await (thread as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    const openMs = performance.now() - t0;
    const root = thread.shadowRoot!;
    const texts = (): string[] => [...root.querySelectorAll('.message .text')].map((n) => n.textContent ?? '');
    expect(texts().length).to.equal(50);
    expect(texts().at(-1)).to.equal(`message ${TOTAL - 1}`);
    // Scroll back through 12 pages (600 messages): never more than 300 in the DOM, always contiguous.
    for (let i = 0; i < 12; i++) {
      const before = texts()[0];
      const list = root.querySelector('.messages') as HTMLElement;
      list.scrollTop = 0;
      list.dispatchEvent(new Event('scroll'));
      await waitUntil(() => texts()[0] !== before, `page ${i + 1} loads on scroll`);
      const numbers = texts().map((x) => Number(x.split(' ')[1]));
      expect(numbers.length).to.be.at.most(300);
      expect(numbers.every((x, k) => k === 0 || x === numbers[k - 1]! + 1)).to.equal(true);
    }
    expect(texts()[0]).to.equal(`message ${TOTAL - 50 - 12 * 50}`);
    (root.querySelector('.newer') as HTMLButtonElement).click();
    await waitUntil(() => texts().at(-1) === `message ${TOTAL - 1}`, 'jump to the newest');
    expect(texts().length).to.equal(50);
    console.log(`open 100k conversation: ${openMs.toFixed(0)} ms to the newest page`);
  });
});
