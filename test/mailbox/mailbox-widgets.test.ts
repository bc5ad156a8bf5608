import { expect } from '@esm-bundle/chai';
import type { FriendsChatMessageEvent } from '../../src/events/message-event.js';
import { NO_ICE, uniqueProfile, waitForEvent, waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget, type Mounted } from '../helpers/widgets.js';
import { fromHex, utf8 } from '../../src/util/bytes.js';
import { WIDEST, containsBytes, controlMqtt, mqttEnv, spy } from '../transport/mqtt-env.js';

/**
 * The mailbox between real `<friends-chat>` widgets on the test run's broker (Aedes in
 * `npm test`; mosquitto and the NATS cluster in `npm run test:brokers`): a page reloaded, a
 * broker restarted, a cluster node killed while the queue drains.
 */

/** Opens Bob's page: the element is in the document before the mailbox connects, so `onArrival` sees every message. */
async function openPage(signaling: string, profile: string, onArrival: (ids: string[], el: HTMLElement) => void = () => {}): Promise<{ el: Mounted['el']; ids: string[] }> {
  const el = document.createElement('friends-chat');
  const ids: string[] = [];
  el.addEventListener('friends-chat-message', (e) => {
    ids.push((e as FriendsChatMessageEvent).message.id);
    onArrival(ids, el);
  });
  for (const [name, value] of Object.entries({ profile, signaling, 'ice-servers': NO_ICE })) el.setAttribute(name, value);
  const ready = waitForEvent(el, 'friends-chat-ready', 30000);
  document.body.append(el);
  await ready;
  return { el, ids };
}

/** Alice and Bob become friends, Bob closes his page, Alice writes `n` messages and closes hers. */
async function writeWhileAway(n: number, prefix: string): Promise<{ signaling: string; aliceProfile: string; bobProfile: string; aliceId: string; bobId: string; sent: string[] }> {
  const signaling = (await mqttEnv()).urls.join(' ');
  const aliceProfile = uniqueProfile(`${prefix}-alice`);
  const bobProfile = uniqueProfile(`${prefix}-bob`);
  const alice = await mountWidget({ signaling, profile: aliceProfile });
  const bob = await mountWidget({ signaling, profile: bobProfile });
  await makeFriends(alice, bob);
  const aliceId = alice.el.profileId;
  const bobId = bob.el.profileId;
  bob.el.remove();
  await waitUntil(() => alice.el.friends.some((f) => f.id === bobId && f.presence === 'offline'), 'Alice sees Bob go', 30000);
  const sent: string[] = [];
  for (let i = 0; i < n; i++) sent.push((await alice.el.sendMessage(bobId, `${prefix} ${i}`)).id);
  // Every message went out as its own envelope once Alice's outbox shows none waiting for the broker.
  await new Promise((r) => setTimeout(r, 300));
  alice.el.remove();
  return { signaling, aliceProfile, bobProfile, aliceId, bobId, sent };
}

/** Once each, in order, nothing else. */
async function expectAll(el: Mounted['el'], friendId: string, sent: string[], prefix: string): Promise<void> {
  await waitUntil(async () => (await el.history(friendId, { limit: 500 })).length >= sent.length, `all ${sent.length} are in Bob’s history`, 120000);
  await new Promise((r) => setTimeout(r, 500)); // a repeat would come now
  const history = await el.history(friendId, { limit: 500 });
  expect(history.map((m) => m.id)).to.deep.equal(sent);
  expect(history.map((m) => m.text)).to.deep.equal(sent.map((_, i) => `${prefix} ${i}`));
}

describe('the mailbox between widgets, when things break during delivery', function () {
  this.timeout(300000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('Bob’s page is reloaded while his mailbox drains: all 100 once each, in order, and Alice sees them delivered', async () => {
    const w = await writeWhileAway(100, 'reload');
    let cutAt = 0;
    // The page goes away on the 20th arrival, from inside the event: mid-drain.
    const first = await openPage(w.signaling, w.bobProfile, (ids, el) => {
      if (ids.length === 20 && !cutAt) {
        cutAt = ids.length;
        el.remove();
      }
    });
    await waitUntil(() => cutAt > 0, 'the drain started', 60000);
    const before = [...first.ids];
    expect(before.length, 'the page went away before the queue was empty').to.be.below(100);
    // The same profile (same IndexedDB) in a new element: a reload.
    const second = await openPage(w.signaling, w.bobProfile);
    await expectAll(second.el, w.aliceId, w.sent, 'reload');
    // What the first page showed is not shown again, and the second page shows each of the rest once.
    // (Entries the first page stored while it was being torn down are in the history, with no event left to fire.)
    // Alice's messages went one envelope each, so the cut left some for the second page; on NATS
    // (slow replicated PUBACKs) her outbox may have sent them in bigger envelopes.
    const kind = (await mqttEnv()).kind;
    if (kind !== 'nats') expect(second.ids.length, 'the second page drained the rest').to.be.above(0);
    expect(second.ids.filter((id) => before.includes(id)), 'shown twice').to.deep.equal([]);
    expect(new Set(second.ids).size).to.equal(second.ids.length);
    expect(second.ids.every((id) => w.sent.includes(id))).to.equal(true);
    // The envelope the first page stored while it went away was never acknowledged (its
    // receipt could not go): the broker brings it again and the second page answers it with
    // the receipt. Aedes and mosquitto do so at the connect; NATS after its ack_wait (10 s in
    // the test cluster, as docs/self-hosting.md advises), so on NATS the second page stays that long.
    if (kind === 'nats') await new Promise((r) => setTimeout(r, 15000));
    second.el.remove();

    // Alice comes back while Bob is away: his receipt waited in her mailbox.
    const alice = await mountWidget({ signaling: w.signaling, profile: w.aliceProfile });
    await waitUntil(async () => (await alice.el.history(w.bobId, { limit: 200 })).every((m) => m.status === 'delivered' || m.status === 'read'), 'Alice sees all 100 delivered', 60000);
    expect(alice.errors).to.deep.equal([]);
  });

  it('the broker restarts while Alice writes and again while Bob’s mailbox drains: nothing lost, nothing doubled', async function () {
    const env = await mqttEnv();
    if (env.kind === 'nats') this.skip(); // the cluster loses single nodes instead (next test)
    const signaling = env.urls.join(' ');
    const aliceProfile = uniqueProfile('restart-alice');
    const bobProfile = uniqueProfile('restart-bob');
    const alice = await mountWidget({ signaling, profile: aliceProfile });
    const bob = await mountWidget({ signaling, profile: bobProfile });
    await makeFriends(alice, bob);
    const aliceId = alice.el.profileId;
    const bobId = bob.el.profileId;
    bob.el.remove();
    await waitUntil(() => alice.el.friends.some((f) => f.id === bobId && f.presence === 'offline'), 'Alice sees Bob go', 30000);
    const sent: string[] = [];
    for (let i = 0; i < 60; i++) {
      // A third of the way in, the broker goes down; the outbox keeps what it could not take.
      if (i === 20) await controlMqtt('stop');
      if (i === 40) await controlMqtt('start');
      sent.push((await alice.el.sendMessage(bobId, `restart ${i}`)).id);
    }
    // Alice's widget reconnects and mails what waited in her outbox.
    await waitUntil(() => alice.el.signalingState === 'online', 'Alice is back on the broker', 60000);
    await new Promise((r) => setTimeout(r, 1500));
    alice.el.remove();

    let restarted: Promise<void> | undefined;
    const page = await openPage(signaling, bobProfile, (ids) => {
      if (ids.length === 15 && !restarted) restarted = controlMqtt('stop').then(() => controlMqtt('start'));
    });
    await waitUntil(() => restarted !== undefined, 'the drain started', 60000);
    await restarted;
    await expectAll(page.el, aliceId, sent, 'restart');
    expect(new Set(page.ids).size, 'no message shown twice').to.equal(page.ids.length);
    expect(page.ids.length).to.equal(60);
  });

  it('a NATS node dies while Bob’s mailbox drains from it: the widget fails over, all 100 once each, in order', async function () {
    const env = await mqttEnv();
    if (env.kind !== 'nats') this.skip();
    const w = await writeWhileAway(100, 'cluster');
    let killed: Promise<void> | undefined;
    const page = await openPage(w.signaling, w.bobProfile, (ids) => {
      if (ids.length === 20 && !killed) killed = controlMqtt('kill/0');
    });
    await waitUntil(() => killed !== undefined, 'the drain started', 90000);
    await killed;
    try {
      await expectAll(page.el, w.aliceId, w.sent, 'cluster');
      expect(new Set(page.ids).size, 'no message shown twice').to.equal(page.ids.length);
      expect(page.ids.length).to.equal(100);
    } finally {
      await controlMqtt('start');
    }
  });

  it('a client subscribed to # while two widgets befriend, chat live and through the mailbox learns no profile ID, name or text', async () => {
    const env = await mqttEnv();
    const watcher = await spy(env.ws, WIDEST[env.kind]);
    const signaling = env.urls.join(' ');
    const bobProfile = uniqueProfile('spy-bob');
    const alice = await mountWidget({ signaling, 'display-name': 'Alice Liddell' });
    let bob = await mountWidget({ signaling, 'display-name': 'Bob Tables', profile: bobProfile });
    await makeFriends(alice, bob);
    const ids = [alice.el.profileId, bob.el.profileId];
    await alice.el.sendMessage(ids[1]!, 'live words about the picnic');
    await waitUntil(async () => (await bob.el.history(ids[0]!)).length === 1, 'Bob has the live message', 30000);
    bob.el.remove();
    await waitUntil(() => alice.el.friends.some((f) => f.id === ids[1] && f.presence === 'offline'), 'Alice sees Bob go', 30000);
    await alice.el.sendMessage(ids[1]!, 'mailed words about the picnic');
    // The mail must go through the broker before Bob is back (else a live session carries it):
    // on a cluster that just had a node restarted this can take a while.
    await waitUntil(() => watcher.seen.some((m) => m.topic.startsWith('fc1/m/')), 'the spy sees the mail go by', 60000);
    bob = await mountWidget({ signaling, profile: bobProfile });
    await waitUntil(async () => (await bob.el.history(ids[0]!)).length === 2, 'Bob has the mailed message', 60000);
    await new Promise((r) => setTimeout(r, 500));
    watcher.close();
    const seen = watcher.seen.filter((m) => m.topic.startsWith('fc1/'));
    expect(seen.some((m) => m.topic.startsWith('fc1/m/')), 'the spy saw mailbox traffic').to.equal(true);
    expect(seen.some((m) => m.topic.startsWith('fc1/s/')), 'the spy saw signaling traffic').to.equal(true);
    const needles = [...ids.flatMap((id) => [utf8(id), utf8(id.slice(0, 16)), fromHex(id)]), utf8('Alice Liddell'), utf8('Bob Tables'), utf8('picnic')];
    for (const { topic, payload } of watcher.seen) {
      expect(topic).to.match(/^fc1\/[ms]\/[0-9a-f]{32}$/);
      for (const needle of needles) {
        expect(containsBytes(payload, needle), `a payload on ${topic}`).to.equal(false);
        expect(containsBytes(utf8(topic), needle), topic).to.equal(false);
      }
    }
  });
});
