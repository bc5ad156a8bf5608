import { expect } from '@esm-bundle/chai';
import { DRAFT_DELAY, DraftModel } from '../../../src/elements/models/draft-model.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A store of drafts whose writes can be held back, to see their order. */
function source(stored: Record<string, string> = {}) {
  const writes: [string, string][] = [];
  let slow = 0;
  return {
    writes,
    stored,
    slowNext(ms: number) {
      slow = ms;
    },
    async draft(id: string): Promise<string> {
      return stored[id] ?? '';
    },
    async saveDraft(id: string, text: string): Promise<void> {
      const wait = slow;
      slow = 0;
      await sleep(wait);
      writes.push([id, text]);
      if (text) stored[id] = text;
      else delete stored[id];
    },
  };
}

describe('DraftModel', () => {
  it('reads a draft once and lets text typed meanwhile win', async () => {
    const s = source({ a: 'stored' });
    const drafts = new DraftModel(s, () => {});
    expect(drafts.text('a')).to.equal(undefined);
    await drafts.load('a');
    expect(drafts.text('a')).to.equal('stored');
    const loading = drafts.load('b');
    drafts.set('b', 'typed');
    await loading;
    expect(drafts.text('b')).to.equal('typed');
  });

  it('writes once typing stops, a cleared draft at once, in order', async () => {
    const s = source();
    const drafts = new DraftModel(s, () => {});
    drafts.set('a', 'h');
    drafts.set('a', 'he');
    drafts.set('a', 'hey');
    expect(s.writes).to.deep.equal([]);
    await sleep(DRAFT_DELAY + 100);
    expect(s.writes).to.deep.equal([['a', 'hey']]);
    // A slow write of text, then the clear of a sent message: the clear lands last.
    drafts.set('a', 'hey you');
    s.slowNext(50);
    const first = drafts.flush();
    drafts.set('a', '');
    await first;
    await drafts.flush();
    expect(s.writes.slice(1)).to.deep.equal([['a', 'hey you'], ['a', '']]);
    expect(s.stored).to.deep.equal({});
  });

  it('reports a failed write and keeps working', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const drafts = new DraftModel(
      {
        draft: async () => '',
        saveDraft: async () => {
          if (fail) throw new Error('disk full');
        },
      },
      (error) => errors.push(error),
    );
    drafts.set('a', 'x');
    await drafts.flush();
    expect(errors.length).to.equal(1);
    fail = false;
    drafts.set('a', 'y');
    await drafts.flush();
    expect(errors.length).to.equal(1);
  });
});
