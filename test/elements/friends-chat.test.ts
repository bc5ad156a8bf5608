import { expect } from '@esm-bundle/chai';
import '../../src/friends-chat.js';
import type { FriendsChatElement } from '../../src/elements/friends-chat.js';
import type { FriendsChatErrorEvent } from '../../src/events/error-event.js';
import type { FriendsChatReadyEvent } from '../../src/events/ready-event.js';
import { rendezvousId } from '../../src/identity/identity.js';
import { fromHex } from '../../src/util/bytes.js';
import { NO_ICE, registeredIds, signalingUrl, uniqueProfile, waitForEvent, waitUntil } from '../helpers/env.js';

async function mount(attributes: Record<string, string>): Promise<{ el: FriendsChatElement; ready: Promise<FriendsChatReadyEvent>; errors: FriendsChatErrorEvent[] }> {
  const el = document.createElement('friends-chat');
  const errors: FriendsChatErrorEvent[] = [];
  el.addEventListener('friends-chat-error', (e) => errors.push(e));
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  const ready = waitForEvent<FriendsChatReadyEvent>(el, 'friends-chat-ready');
  document.body.append(el);
  return { el, ready, errors };
}

describe('<friends-chat>', () => {
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('gives two profiles in one page two identities, both registered with the local broker', async () => {
    const signaling = await signalingUrl();
    const alice = await mount({ profile: uniqueProfile('alice'), signaling, 'ice-servers': NO_ICE });
    const bob = await mount({ profile: uniqueProfile('bob'), signaling, 'ice-servers': NO_ICE });
    const [a, b] = await Promise.all([alice.ready, bob.ready]);
    expect(a.profileId).to.match(/^[0-9a-f]{64}$/);
    expect(b.profileId).to.match(/^[0-9a-f]{64}$/);
    expect(a.profileId).to.not.equal(b.profileId);
    expect(alice.el.profileId).to.equal(a.profileId);
    await waitUntil(() => alice.el.signalingState === 'online' && bob.el.signalingState === 'online', 'both are online');
    const ids = await registeredIds();
    // The broker sees rendezvous IDs only, never the public key.
    expect(ids).to.include(rendezvousId(fromHex(a.profileId)));
    expect(ids).to.include(rendezvousId(fromHex(b.profileId)));
    expect(ids.some((id) => a.profileId.includes(id) || id.includes(a.profileId))).to.equal(false);
    expect(alice.errors).to.deep.equal([]);
  });

  it('keeps its identity across a reload of the same profile', async () => {
    const profile = uniqueProfile('same');
    const signaling = await signalingUrl();
    const first = await mount({ profile, signaling, 'ice-servers': NO_ICE });
    const id = (await first.ready).profileId;
    first.el.remove();
    const second = await mount({ profile, signaling, 'ice-servers': NO_ICE });
    expect((await second.ready).profileId).to.equal(id);
  });

  it('keeps nothing on disk with storage="memory"', async () => {
    const profile = uniqueProfile('mem');
    const signaling = await signalingUrl();
    const first = await mount({ profile, signaling, storage: 'memory', 'ice-servers': NO_ICE });
    const id = (await first.ready).profileId;
    first.el.remove();
    const second = await mount({ profile, signaling, storage: 'memory', 'ice-servers': NO_ICE });
    expect((await second.ready).profileId).to.not.equal(id);
    const dbs = await indexedDB.databases();
    expect(dbs.map((d) => d.name)).to.not.include(`friends-chat:${profile}`);
  });

  it('reports an unknown theme, falls back to auto and keeps working', async () => {
    const { el, ready, errors } = await mount({ profile: uniqueProfile(), theme: 'purple', signaling: await signalingUrl(), 'ice-servers': NO_ICE });
    await ready;
    expect(errors.map((e) => e.code)).to.include('bad-attribute');
    expect(errors.find((e) => e.code === 'bad-attribute')!.message).to.contain('purple');
    const base = el.shadowRoot!.querySelector('[part=base]')!;
    expect(base.classList.contains('light') || base.classList.contains('dark')).to.equal(true);
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('purple');
  });

  it('reports an unparsable signaling URL and malformed ice-servers instead of throwing', async () => {
    const { ready, errors } = await mount({ profile: uniqueProfile(), signaling: 'ftp://nope', 'ice-servers': '{not json', storage: 'memory' });
    await ready;
    const codes = errors.map((e) => e.code);
    expect(codes).to.include('bad-signaling');
    expect(codes).to.include('bad-ice-servers');
  });

  it('switches theme live without losing its identity', async () => {
    const { el, ready } = await mount({ profile: uniqueProfile(), theme: 'light', signaling: await signalingUrl(), 'ice-servers': NO_ICE });
    const id = (await ready).profileId;
    el.theme = 'dark';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=base]')!.classList.contains('dark')).to.equal(true);
    expect(el.profileId).to.equal(id);
  });

  it('speaks German when lang="de" and switches live', async () => {
    const { el, ready } = await mount({ profile: uniqueProfile(), lang: 'de', storage: 'memory', signaling: await signalingUrl(), 'ice-servers': NO_ICE });
    await ready;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Freunde-Chat');
    el.lang = 'en';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Friends chat');
  });
});

describe('<friends-chat> with an unreachable broker', function () {
  this.timeout(30000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('reports a signaling error, keeps retrying with back-off and never rejects unhandled', async () => {
    const rejections: unknown[] = [];
    const onRejection = (e: PromiseRejectionEvent): void => {
      rejections.push(e.reason);
    };
    window.addEventListener('unhandledrejection', onRejection);
    try {
      const { el, ready, errors } = await mount({ profile: uniqueProfile('nobroker'), storage: 'memory', signaling: 'peerjs://127.0.0.1:9/peerjs?key=peerjs', 'ice-servers': NO_ICE });
      await ready;
      await waitUntil(() => errors.some((e) => e.code === 'signaling-failed'), 'a signaling error is reported', 15000);
      const first = errors.filter((e) => e.code === 'signaling-failed').length;
      await waitUntil(() => errors.filter((e) => e.code === 'signaling-failed').length > first, 'it retries', 15000);
      expect(el.signalingState).to.not.equal('online');
      expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('signaling');
      expect(rejections).to.deep.equal([]);
    } finally {
      window.removeEventListener('unhandledrejection', onRejection);
    }
  });
});
