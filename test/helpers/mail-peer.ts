import type { MailLimit } from '../../src/core/mail-budget.js';
import { Identity } from '../../src/identity/identity.js';
import { Inbox, MAX_ENVELOPE, mailboxClientId, mailboxTopic } from '../../src/mailbox/index.js';
import type { MemoryStore } from '../../src/storage/memory-store.js';
import type { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { MailboxClient } from '../../src/transport/mqtt/mailbox-client.js';
import { mqttEnv } from '../transport/mqtt-env.js';
import { waitUntil } from './env.js';
import { startPeer, type TestPeer } from './engine.js';

/** An engine on the loopback network with a real mailbox on the test run's MQTT broker. */
export interface MailPeer {
  peer: TestPeer;
  client: MailboxClient;
  stop(): void;
}

/** Starts one (a page opened on `store`); resolves once its mailbox is connected. */
export async function mailPeer(network: LoopbackNetwork, store: MemoryStore, mailLimit?: MailLimit): Promise<MailPeer> {
  const { ws } = await mqttEnv();
  const identity = await Identity.load(store);
  const topic = mailboxTopic(identity.dh.publicKey);
  let peer: TestPeer | undefined;
  const inbox = new Inbox({ topic, own: identity.dh, deliver: (payload) => (peer ? peer.engine.receiveMail(payload) : Promise.reject(new Error('not started'))) });
  const client = new MailboxClient({ urls: ws, clientId: mailboxClientId(identity.signing.privateKey), topic, onEnvelope: inbox.receive, maxEnvelope: MAX_ENVELOPE });
  peer = await startPeer(network, store, { mailbox: client, ...(mailLimit ? { mailLimit } : {}) });
  const started = peer;
  client.onState((state) => state === 'online' && void started.engine.flushMailbox());
  client.start();
  await waitUntil(() => client.state === 'online', 'the mailbox is connected', 60000);
  return { peer, client, stop: () => (client.close(), started.engine.stop()) };
}
