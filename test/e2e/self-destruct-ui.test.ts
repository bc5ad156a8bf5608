import { expect } from '@esm-bundle/chai';
import { waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget } from '../helpers/widgets.js';

function thread(el: Element): ShadowRoot | null {
  return el.shadowRoot!.querySelector('friends-chat-thread')?.shadowRoot ?? null;
}

/** Everything the thread shows, file elements included. */
function shown(el: Element): string {
  const root = thread(el);
  if (!root) return '';
  const files = [...root.querySelectorAll('friends-chat-file')].map((f) => f.shadowRoot?.textContent ?? '');
  return (root.textContent ?? '') + files.join(' ');
}

describe('the open thread at expiry, and large files', function () {
  this.timeout(60000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('removes an expired message’s text and file from the open thread on both sides', async () => {
    const alice = await mountWidget();
    const bob = await mountWidget();
    await makeFriends(alice, bob);
    await alice.el.open(bob.el.profileId);
    await bob.el.open(alice.el.profileId);
    const text = 'meet me at the old mill';
    await alice.el.sendMessage(bob.el.profileId, text, { expiresIn: 2000 });
    await alice.el.sendFile(bob.el.profileId, new Blob([new Uint8Array(5000).fill(1)]), 'map-of-the-mill.bin', { expiresIn: 2000 });
    await waitUntil(() => shown(bob.el).includes(text) && shown(bob.el).includes('map-of-the-mill'), 'Bob sees both');
    expect(shown(alice.el)).to.contain(text);
    for (const side of [alice, bob]) {
      await waitUntil(() => !shown(side.el).includes(text) && !shown(side.el).includes('map-of-the-mill'), 'gone from the thread', 10000);
      const history = await side.el.history(side === alice ? bob.el.profileId : alice.el.profileId);
      expect(history.map((m) => m.text)).to.deep.equal(['', '']);
      expect(history.every((m) => m.expired && !m.file)).to.equal(true);
    }
  });

  it('offers a file above auto-download-limit with a Fetch button and fetches it on click', async () => {
    const alice = await mountWidget();
    const bob = await mountWidget({ 'auto-download-limit': '1000' });
    await makeFriends(alice, bob);
    await bob.el.open(alice.el.profileId);
    const sent = await alice.el.sendFile(bob.el.profileId, new Blob([new Uint8Array(20_000).fill(9)]), 'big.bin');
    const fileElement = (): HTMLElement | null => thread(bob.el)?.querySelector(`[data-id="${sent.id}"] friends-chat-file`) ?? null;
    await waitUntil(() => !!fileElement()?.shadowRoot?.querySelector('button.fetch'), 'the Fetch button shows');
    const history = await bob.el.history(alice.el.profileId);
    expect(history.find((m) => m.id === sent.id)?.file).to.include({ state: 'waiting', awaitingDownload: true });
    (fileElement()!.shadowRoot!.querySelector('button.fetch') as HTMLButtonElement).click();
    await waitUntil(async () => (await bob.el.history(alice.el.profileId)).find((m) => m.id === sent.id)?.file?.state === 'done', 'fetched');
    expect((await bob.el.getFile(alice.el.profileId, sent.id)).size).to.equal(20_000);
  });
});
