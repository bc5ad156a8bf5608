import { expect } from '@esm-bundle/chai';
import { seedConversation } from '../helpers/seed-history.js';
import { uniqueProfile, waitUntil } from '../helpers/env.js';
import { mountWidget } from '../helpers/widgets.js';

const TOTAL = 100_000;

describe('a conversation with 100,000 messages', function () {
  this.timeout(180000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('opens with only the newest page, keeps the DOM bounded while scrolling back, and jumps to the newest', async () => {
    const profile = uniqueProfile('long');
    const { friendId } = await seedConversation(profile, TOTAL);
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
