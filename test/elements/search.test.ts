import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { createStore, keys } from 'idb-keyval';
import type { FriendsChatError } from '../../src/errors.js';
import { seedConversations, type SeedEntry } from '../helpers/seed-history.js';
import { uniqueProfile, waitForEvent, waitUntil } from '../helpers/env.js';
import { mountWidget } from '../helpers/widgets.js';
import { violations } from '../helpers/axe.js';

const TOTAL = 3000;
/** Conversation 0: a few German texts among numbered ones, an edit and a deletion near the end. */
const first: SeedEntry = (i, id) => {
  if (i === 7) return { kind: 'text', body: 'Treffen wir uns in der Straße am Müllerplatz? <b>bold</b>' };
  if (i === 1500) return { kind: 'text', body: 'Die STRASSE ist gesperrt' };
  if (i === 2990) return { kind: 'text', body: 'alter Text' };
  if (i === 2991) return { kind: 'text', body: 'geheime Straße' };
  if (i === 2992) return { kind: 'edit', body: JSON.stringify({ r: id(2990), t: 'neuer Strassentext' }) };
  if (i === 2993) return { kind: 'delete', body: JSON.stringify({ r: id(2991) }) };
  return { kind: 'text', body: `message ${i}` };
};
const second: SeedEntry = (i) => ({ kind: 'text', body: i === 100 ? 'Café in der straße' : `other ${i}` });

function panel(el: Element): ShadowRoot {
  const search = el.shadowRoot!.querySelector('friends-chat-search');
  if (!search?.shadowRoot) throw new Error('no search panel');
  return search.shadowRoot;
}
function deepActive(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

describe('searching the history', function () {
  this.timeout(120000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('finds text in every conversation ignoring case and accents, newest first, as edited, without deleted ones', async () => {
    const profile = uniqueProfile('search');
    const [a, b] = await seedConversations(profile, [
      { total: TOTAL, entry: first },
      { total: 200, entry: second },
    ]);
    const { el } = await mountWidget({ profile });
    const found = await el.search('strasse');
    expect(found.map((r) => r.snippet)).to.deep.equal([
      'neuer Strassentext',
      'Die STRASSE ist gesperrt',
      'Café in der straße',
      'Treffen wir uns in der Straße am Müllerplatz? <b>bold</b>',
    ]);
    expect(found.map((r) => r.friendId)).to.deep.equal([a, a, b, a]);
    const marked = found.map((r) => r.snippet.slice(...r.match));
    expect(marked).to.deep.equal(['Strasse', 'STRASSE', 'straße', 'Straße']);
    expect((await el.search('MULLERPLATZ'))[0]!.snippet.slice(...(await el.search('MULLERPLATZ'))[0]!.match)).to.equal('Müllerplatz');
    expect((await el.search('cafe', { id: b })).length).to.equal(1);
    expect((await el.search('cafe', { id: a })).length).to.equal(0);
    expect((await el.search('geheime')).length, 'a deleted message is not found').to.equal(0);
    expect((await el.search('alter Text')).length, 'an edited message is found by its new text only').to.equal(0);
    expect((await el.search('message', { limit: 5 })).map((r) => r.snippet)).to.deep.equal(['message 2999', 'message 2998', 'message 2997', 'message 2996', 'message 2995']);
    expect(await el.search('   ')).to.deep.equal([]);
    for (const bad of [() => el.search(42 as unknown as string), () => el.search('x'.repeat(201)), () => el.search('x', { limit: 0 }), () => el.search('x', { id: 'nobody' })]) {
      const error = (await bad().catch((e: unknown) => e)) as FriendsChatError;
      expect(['bad-input', 'unknown-friend']).to.include(error.code);
    }
  });

  it('finds messages in a sealed store without writing anything', async () => {
    const profile = uniqueProfile('search-sealed');
    await seedConversations(profile, [{ total: 1000, entry: first }]);
    const { el } = await mountWidget({ profile });
    await el.enableLock('correct horse battery staple');
    await el.lockNow();
    const ready = waitForEvent(el, 'friends-chat-ready', 30000);
    await el.unlock('correct horse battery staple');
    await ready;
    const store = createStore(`friends-chat:${profile}`, 'kv');
    const before = (await keys(store)).map(String).sort();
    expect(before.some((k) => k.startsWith('log:')), 'the pages are sealed').to.equal(false);
    const found = await el.search('müllerplatz');
    expect(found.map((r) => r.snippet)).to.deep.equal(['Treffen wir uns in der Straße am Müllerplatz? <b>bold</b>']);
    expect((await keys(store)).map(String).sort(), 'no index on disk').to.deep.equal(before);
  });

  for (const theme of ['light', 'dark']) {
    it(`searches from the panel by keyboard and opens an old message that was not loaded (${theme})`, async () => {
      const profile = uniqueProfile('search-ui');
      const [a] = await seedConversations(profile, [{ total: TOTAL, entry: first }, { total: 200, entry: second }]);
      const { el } = await mountWidget({ profile, theme });
      await el.open(a!);
      const toggle = el.shadowRoot!.querySelector('button.search-toggle') as HTMLButtonElement;
      toggle.click();
      await waitUntil(() => !!el.shadowRoot!.querySelector('friends-chat-search') && panel(el).activeElement?.id === 'q', 'the search field has focus');
      await sendKeys({ type: 'müllerplatz' });
      // Typing may pause between keys (a search per pause): wait for the whole word's.
      await waitUntil(() => panel(el).querySelectorAll('li').length === 1 && panel(el).querySelector('mark')?.textContent === 'Müllerplatz', 'one result');
      expect(panel(el).querySelector('[role=status]')!.textContent).to.equal('1 message found');
      expect(panel(el).querySelector('mark')!.textContent).to.equal('Müllerplatz');
      // Peer text stays text: the <b> in it is shown, not made bold.
      expect(panel(el).querySelector('li b')).to.equal(null);
      expect(panel(el).querySelector('li')!.textContent).to.contain('<b>bold</b>');
      expect(await violations(el)).to.deep.equal([]);
      // Only in this conversation: the café of the other one is not found.
      const input = panel(el).querySelector('#q') as HTMLInputElement;
      input.value = 'café';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await waitUntil(() => panel(el).querySelectorAll('li').length === 1, 'the café');
      (panel(el).querySelector('[name=here]') as HTMLInputElement).click();
      await waitUntil(() => panel(el).querySelector('[role=status]')!.textContent === 'No messages found.', 'not in this conversation');
      input.value = 'müllerplatz';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await waitUntil(() => panel(el).querySelectorAll('li').length === 1, 'the result again');
      (panel(el).querySelector('li button') as HTMLButtonElement).focus();
      await sendKeys({ press: 'Enter' });
      const thread = () => el.shadowRoot!.querySelector('friends-chat-thread')!.shadowRoot!;
      const hit = (await el.search('müllerplatz'))[0]!;
      await waitUntil(() => deepActive() === thread().querySelector(`[data-id="${hit.id}"]`), 'the old message has focus');
      expect(thread().querySelector(`[data-id="${hit.id}"] .text`)!.textContent).to.contain('Müllerplatz');
      expect(thread().querySelectorAll('.message').length).to.be.at.most(300);
      const newer = thread().querySelector('.newer') as HTMLButtonElement;
      newer.click();
      await waitUntil(() => [...thread().querySelectorAll('.message .text')].at(-1)?.textContent === 'message 2999', 'back to the newest');
    });
  }
});
