import { expect } from '@esm-bundle/chai';
import { emulateMedia } from '@web/test-runner-commands';

/**
 * Emulating the system colour scheme needs the DevTools protocol, which Firefox (driven over
 * WebDriver BiDi) does not offer: those two tests run in Chromium only (README, "Which browser").
 */
const EMULATES_COLOR_SCHEME = !navigator.userAgent.includes('Firefox');
import '../../src/friends-chat.js';
import type { FriendsChatElement } from '../../src/elements/friends-chat.js';
import type { FriendsChatErrorEvent } from '../../src/events/error-event.js';
import type { FriendsChatReadyEvent } from '../../src/events/ready-event.js';
import { rendezvousId } from '../../src/identity/identity.js';
import { fromHex } from '../../src/util/bytes.js';
import { NO_ICE, registeredIds, signalingUrl, uniqueProfile, waitForEvent, waitUntil } from '../helpers/env.js';
import { watchNetwork } from '../helpers/network-watch.js';
import { makeFriends, mountWidget } from '../helpers/widgets.js';

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

  it('reports an unknown theme, falls back to auto and follows prefers-color-scheme live', async function () {
    if (!EMULATES_COLOR_SCHEME) this.skip();
    await emulateMedia({ colorScheme: 'dark' });
    try {
      const { el, ready, errors } = await mount({ profile: uniqueProfile(), theme: 'purple', signaling: await signalingUrl(), 'ice-servers': NO_ICE });
      await ready;
      expect(errors.map((e) => e.code)).to.include('bad-attribute');
      expect(errors.find((e) => e.code === 'bad-attribute')!.message).to.contain('purple');
      await el.updateComplete;
      const base = el.shadowRoot!.querySelector('[part=base]')!;
      expect([...base.classList].filter((c) => c === 'light' || c === 'dark')).to.deep.equal(['dark']);
      await emulateMedia({ colorScheme: 'light' });
      await waitUntil(() => base.classList.contains('light'), 'the widget follows the system to light');
      expect(base.classList.contains('dark')).to.equal(false);
      expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('purple');
    } finally {
      await emulateMedia({ colorScheme: 'no-preference' });
    }
  });

  it('keeps an explicit theme whatever the system prefers', async function () {
    if (!EMULATES_COLOR_SCHEME) this.skip();
    await emulateMedia({ colorScheme: 'dark' });
    try {
      const { el, ready } = await mount({ profile: uniqueProfile(), theme: 'light', storage: 'memory', signaling: await signalingUrl(), 'ice-servers': NO_ICE });
      await ready;
      await el.updateComplete;
      const base = el.shadowRoot!.querySelector('[part=base]')!;
      expect(base.classList.contains('light')).to.equal(true);
      expect(base.classList.contains('dark')).to.equal(false);
    } finally {
      await emulateMedia({ colorScheme: 'no-preference' });
    }
  });

  it('fails closed on a bad signaling attribute: offline, a bad-attribute error and alert, no connection to any host', async () => {
    const network = watchNetwork();
    try {
      const bad = await mount({ profile: uniqueProfile('closed'), storage: 'memory', signaling: 'ftp://nope', 'ice-servers': NO_ICE });
      await bad.ready;
      // A second widget on the local broker: once it is online, the first had as long to try.
      const good = await mount({ profile: uniqueProfile('open'), storage: 'memory', signaling: await signalingUrl(), 'ice-servers': NO_ICE });
      await good.ready;
      await waitUntil(() => good.el.signalingState === 'online', 'the second widget is online');
      expect(bad.errors.map((e) => e.code)).to.deep.equal(['bad-attribute']);
      expect(bad.errors[0]!.message).to.contain('ftp://nope');
      expect(bad.el.signalingState).to.equal('offline');
      await bad.el.updateComplete;
      expect(bad.el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('ftp://nope');
      expect(network.outside).to.deep.equal([]);
      // Still usable: the identity is there and invites can be made.
      expect(bad.el.profileId).to.match(/^[0-9a-f]{64}$/);
      expect(await bad.el.createInvite()).to.match(/^fc1\./);
    } finally {
      network.restore();
    }
  });

  for (const signaling of ['peerjs://user:pw@127.0.0.1:9/peerjs', 'peerjs://127.0.0.1:9/peerjs?key=<x>', 'xmpp://127.0.0.1:5222', 'loopback:test']) {
    it(`stays offline with signaling="${signaling}" and says why`, async () => {
      const network = watchNetwork();
      try {
        const { el, ready, errors } = await mount({ profile: uniqueProfile('closed'), storage: 'memory', signaling, 'ice-servers': NO_ICE });
        await ready;
        expect(errors.map((e) => e.code)).to.deep.equal(['bad-attribute']);
        expect(el.signalingState).to.equal('offline');
        await el.updateComplete;
        expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain(errors[0]!.message);
        expect(network.outside).to.deep.equal([]);
      } finally {
        network.restore();
      }
    });
  }

  it('reports malformed ice-servers and then uses no ICE server at all: friends still connect, no STUN server is asked', async () => {
    const network = watchNetwork();
    try {
      const alice = await mountWidget({ 'ice-servers': '[{"urls":"stun:typo.example"', storage: 'memory' });
      const bob = await mountWidget({ storage: 'memory' });
      expect(alice.errors.map((e) => e.code)).to.deep.equal(['bad-ice-servers']);
      await makeFriends(alice, bob);
      expect(network.outside).to.deep.equal([]);
    } finally {
      network.restore();
    }
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
