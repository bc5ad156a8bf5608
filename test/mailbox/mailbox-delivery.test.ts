import { expect } from '@esm-bundle/chai';
import { ed25519Keypair, x25519Keypair } from '../../src/crypto/index.js';
import type { Keypair } from '../../src/crypto/x25519.js';
import { Inbox, MAX_ENVELOPE, mailboxClientId, mailboxTopic, sealEnvelope } from '../../src/mailbox/index.js';
import { IdbStore } from '../../src/storage/idb-store.js';
import { MailboxClient } from '../../src/transport/mqtt/mailbox-client.js';
import { fromUtf8, toHex, utf8 } from '../../src/util/bytes.js';
import { uniqueProfile, waitUntil } from '../helpers/env.js';
import { WIDEST, containsBytes, controlMqtt, hexId, mqttEnv, spy, subscriptionRefused } from '../transport/mqtt-env.js';

/** A recipient: its keys, its mailbox topic and secret client ID, and a real IndexedDB store. */
async function recipient(): Promise<{ dh: Keypair; signSecret: Uint8Array; topic: string; clientId: string; store: IdbStore }> {
  const dh = (await x25519Keypair());
  const signSecret = (await ed25519Keypair()).privateKey;
  return { dh, signSecret, topic: mailboxTopic(dh.publicKey), clientId: mailboxClientId(signSecret), store: new IdbStore(uniqueProfile('mbox')) };
}

type Bob = Awaited<ReturnType<typeof recipient>>;

/** Bob's widget: a mailbox client whose handler writes each payload to IndexedDB before it resolves. */
function open(bob: Bob, urls: string[], hooks: { before?: (text: string) => Promise<void> | void } = {}): { client: MailboxClient; inbox: Inbox; arrivals: string[] } {
  const arrivals: string[] = [];
  const inbox = new Inbox({
    topic: bob.topic,
    own: bob.dh,
    deliver: async (payload) => {
      const text = fromUtf8(payload);
      await hooks.before?.(text);
      arrivals.push(text);
      await bob.store.set(`m/${text}`, payload);
    },
  });
  const client = new MailboxClient({ urls, clientId: bob.clientId, topic: bob.topic, onEnvelope: inbox.receive, maxEnvelope: MAX_ENVELOPE });
  client.start();
  return { client, inbox, arrivals };
}

/** Alice: a plain publisher with its own (clean) session. */
function sender(urls: string[]): MailboxClient {
  const alice = new MailboxClient({ urls, clientId: hexId(), topic: `fc1/m/${hexId()}`, onEnvelope: async () => {}, maxEnvelope: MAX_ENVELOPE });
  alice.start();
  return alice;
}

async function online(...clients: MailboxClient[]): Promise<void> {
  await waitUntil(() => clients.every((c) => c.state === 'online'), 'connected to the broker', 60000);
}

async function stored(bob: Bob): Promise<string[]> {
  return (await bob.store.keys()).filter((k) => k.startsWith('m/')).map((k) => k.slice(2));
}

const names = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

describe('Mailbox over MQTT', function () {
  this.timeout(180000);

  it('100 envelopes sent while the recipient is offline arrive when it connects, once each, in order', async () => {
    const { ws } = await mqttEnv();
    const bob = await recipient();
    const first = open(bob, ws);
    await online(first.client);
    first.client.close(); // the broker keeps the session and the subscription
    const alice = sender(ws);
    await online(alice);
    const sent = names(100, 'offline');
    for (const text of sent) await alice.publish(bob.topic, await sealEnvelope(bob.topic, bob.dh.publicKey, utf8(text)));
    alice.close();
    const later = open(bob, ws);
    await waitUntil(() => later.arrivals.length >= 100, 'all 100 arrive', 60000);
    await new Promise((r) => setTimeout(r, 500));
    expect(later.arrivals).to.deep.equal(sent);
    expect((await stored(bob)).sort()).to.deep.equal(sent);
    later.client.close();
    // Everything was acknowledged: the next session gets nothing again.
    const again = open(bob, ws);
    await online(again.client);
    await new Promise((r) => setTimeout(r, 1000));
    expect(again.arrivals).to.deep.equal([]);
    again.client.close();
  });

  it('an envelope whose handler fails (nothing persisted) is not acknowledged and comes again', async () => {
    const { ws } = await mqttEnv();
    const bob = await recipient();
    let attempts = 0;
    const box = open(bob, ws, {
      before: (text) => {
        if (text === 'flaky-002' && attempts++ === 0) throw new Error('IndexedDB went away');
      },
    });
    await online(box.client);
    const alice = sender(ws);
    await online(alice);
    const sent = names(5, 'flaky');
    for (const text of sent) await alice.publish(bob.topic, await sealEnvelope(bob.topic, bob.dh.publicKey, utf8(text)));
    await waitUntil(async () => (await stored(bob)).length === 5, 'all five are stored', 60000);
    expect(attempts, 'handled twice: failed once, then stored').to.equal(2);
    expect((await stored(bob)).sort()).to.deep.equal(sent);
    box.client.close();
    alice.close();
  });

  it('a broker restart loses nothing that was acknowledged', async function () {
    const env = await mqttEnv();
    if (env.kind === 'nats') this.skip(); // the cluster test kills single nodes instead
    const bob = await recipient();
    const first = open(bob, env.ws);
    await online(first.client);
    first.client.close();
    const alice = sender(env.ws);
    await online(alice);
    const sent = names(50, 'restart');
    for (const text of sent) await alice.publish(bob.topic, await sealEnvelope(bob.topic, bob.dh.publicKey, utf8(text)));
    alice.close();
    await controlMqtt('stop');
    await controlMqtt('start');
    const later = open(bob, env.ws);
    await waitUntil(() => later.arrivals.length >= 50, 'all 50 arrive after the restart', 60000);
    expect(later.arrivals).to.deep.equal(sent);
    later.client.close();
  });

  it('a client subscribed to # sees no plaintext, no profile ID, no key and no client ID', async () => {
    const { ws, kind } = await mqttEnv();
    if (kind === 'nats') {
      // NATS would show a # subscriber its MQTT session records, client IDs included: its permissions refuse that.
      expect(await subscriptionRefused(ws, '#'), '#').to.equal(true);
      expect(await subscriptionRefused(ws, '$MQTT/sess/#'), '$MQTT/sess/#').to.equal(true);
    }
    const watcher = await spy(ws, WIDEST[kind]);
    const bob = await recipient();
    const profileId = toHex((await ed25519Keypair()).publicKey);
    const box = open(bob, ws);
    const alice = sender(ws);
    await online(box.client, alice);
    const secret = `secret words for ${profileId}`;
    await alice.publish(bob.topic, await sealEnvelope(bob.topic, bob.dh.publicKey, utf8(secret)));
    await waitUntil(() => box.arrivals.length === 1 && watcher.seen.some((m) => m.topic === bob.topic), 'delivered and seen');
    expect(box.arrivals).to.deep.equal([secret]);
    // Everything the spy saw, the broker's own topics too (NATS keeps MQTT sessions under $MQTT/sess/…).
    for (const { topic, payload } of watcher.seen) {
      if (topic.startsWith('fc1/')) expect(topic).to.match(/^fc1\/m\/[0-9a-f]{32}$/);
      for (const needle of [utf8('secret words'), utf8(profileId), bob.dh.publicKey, utf8(toHex(bob.dh.publicKey)), utf8(bob.clientId)]) {
        expect(containsBytes(payload, needle)).to.equal(false);
        expect(containsBytes(utf8(topic), needle)).to.equal(false);
      }
    }
    box.client.close();
    alice.close();
    watcher.close();
  });

  it('a client with a guessed client ID gets nothing; the owner gets everything', async () => {
    const { ws } = await mqttEnv();
    const bob = await recipient();
    const first = open(bob, ws);
    await online(first.client);
    first.client.close();
    const alice = sender(ws);
    await online(alice);
    for (const text of names(3, 'guess')) await alice.publish(bob.topic, await sealEnvelope(bob.topic, bob.dh.publicKey, utf8(text)));
    // Guesses from everything public: the topic's hex, the public key, a hash-looking prefix of it.
    const topicHex = bob.topic.slice(6);
    let stolen = 0;
    for (const guess of [topicHex, toHex(bob.dh.publicKey).slice(0, 32), toHex(bob.dh.publicKey).slice(32)]) {
      const thief = new MailboxClient({ urls: ws, clientId: guess, topic: `fc1/m/${hexId()}`, onEnvelope: async () => void stolen++, maxEnvelope: MAX_ENVELOPE });
      thief.start();
      await online(thief);
      await new Promise((r) => setTimeout(r, 700));
      thief.close();
    }
    expect(stolen).to.equal(0);
    const owner = open(bob, ws);
    await waitUntil(() => owner.arrivals.length === 3, 'the owner gets all three', 60000);
    owner.client.close();
    alice.close();
  });

  it('drops and counts garbage, oversized and misaddressed envelopes, and goes on', async () => {
    const { ws } = await mqttEnv();
    const bob = await recipient();
    const box = open(bob, ws);
    const alice = sender(ws);
    await online(box.client, alice);
    const errors: string[] = [];
    box.client.onError((e) => errors.push(e.code));
    await alice.publish(bob.topic, utf8('not an envelope at all'));
    await alice.publish(bob.topic, new Uint8Array(0));
    await alice.publish(bob.topic, await sealEnvelope(bob.topic, (await x25519Keypair()).publicKey, utf8('for someone else')));
    // Bigger than the cap: sent through a client that allows it (a hostile sender would).
    const big = new MailboxClient({ urls: ws, clientId: hexId(), topic: `fc1/m/${hexId()}`, onEnvelope: async () => {}, maxEnvelope: 4 * MAX_ENVELOPE });
    big.start();
    await online(big);
    await big.publish(bob.topic, new Uint8Array(MAX_ENVELOPE + 1).fill(1));
    await alice.publish(bob.topic, await sealEnvelope(bob.topic, bob.dh.publicKey, utf8('the real one')));
    await waitUntil(() => box.inbox.stats.delivered === 1, 'the real one is stored');
    expect(box.arrivals).to.deep.equal(['the real one']);
    expect(box.inbox.stats).to.deep.equal({ delivered: 1, oversized: 0, garbage: 3 });
    expect(box.client.oversized).to.equal(1);
    expect(errors).to.deep.equal([]);
    box.client.close();
    // They were acknowledged (dropped on purpose), so they do not come back.
    const again = open(bob, ws);
    await online(again.client);
    await new Promise((r) => setTimeout(r, 1000));
    expect(again.inbox.stats).to.deep.equal({ delivered: 0, oversized: 0, garbage: 0 });
    again.client.close();
    alice.close();
    big.close();
  });
});
