import { expect } from '@esm-bundle/chai';
import { x25519Keypair, ed25519Keypair } from '../../src/crypto/index.js';
import { Inbox, MAX_ENVELOPE, mailboxClientId, mailboxTopic, sealEnvelope } from '../../src/mailbox/index.js';
import { MailboxClient } from '../../src/transport/mqtt/mailbox-client.js';
import { fromUtf8, utf8 } from '../../src/util/bytes.js';
import { waitUntil } from '../helpers/env.js';
import { controlMqtt, hexId, mqttEnv } from '../transport/mqtt-env.js';

/** Runs only against the three-node NATS cluster (`npm run test:brokers`). */
describe('Mailbox on a replicated cluster', function () {
  this.timeout(300000);

  it('the node holding the recipient’s session dies mid-delivery: it fails over and gets every message', async function () {
    const env = await mqttEnv();
    if (env.kind !== 'nats') this.skip();
    const dh = (await x25519Keypair());
    const topic = mailboxTopic(dh.publicKey);
    const clientId = mailboxClientId((await ed25519Keypair()).privateKey);
    const arrivals: string[] = [];
    let urlAtKill = '';
    const inbox = new Inbox({
      topic,
      own: dh,
      deliver: async (payload) => {
        arrivals.push(fromUtf8(payload));
        await new Promise((r) => setTimeout(r, 15)); // a slow store: the kill lands mid-drain
      },
    });
    const open = (): MailboxClient => {
      const client = new MailboxClient({ urls: env.ws, clientId, topic, onEnvelope: inbox.receive, maxEnvelope: MAX_ENVELOPE, connectTimeout: 6000 });
      client.start();
      return client;
    };
    const first = open();
    await waitUntil(() => first.state === 'online', 'bob connects', 60000);
    expect(first.url).to.equal(env.ws[0]);
    first.close();
    // Alice publishes through the last node, so killing the first does not touch her.
    const alice = new MailboxClient({ urls: [env.ws[2]!], clientId: hexId(), topic: `fc1/m/${hexId()}`, onEnvelope: async () => {}, maxEnvelope: MAX_ENVELOPE });
    alice.start();
    await waitUntil(() => alice.state === 'online', 'alice connects', 60000);
    const sent = Array.from({ length: 200 }, (_, i) => `cluster-${String(i).padStart(3, '0')}`);
    for (const text of sent) await alice.publish(topic, await sealEnvelope(topic, dh.publicKey, utf8(text)));
    const bob = open();
    await waitUntil(() => arrivals.length >= 40, 'the drain is under way', 60000);
    urlAtKill = bob.url;
    expect(urlAtKill).to.equal(env.ws[0]);
    await controlMqtt('kill/0');
    await waitUntil(() => new Set(arrivals).size === 200, 'all 200 arrive after the failover', 120000);
    expect(bob.url).to.not.equal(env.ws[0]);
    const firsts = [...new Set(arrivals)];
    expect(firsts).to.deep.equal(sent); // in order, counting each once (QoS 1 may repeat one)
    expect(arrivals.length - 200, 'repeats after the failover').to.be.at.most(5);
    bob.close();
    alice.close();
    await controlMqtt('start');
  });
});
