// A three-node NATS cluster on loopback for `npm run test:brokers`: cluster routes between
// the nodes, JetStream with its own store per node, MQTT with sessions and messages in
// streams replicated three times, and MQTT over WebSocket (`/mqtt`, subprotocol `mqtt`).
// `kill(n)` crashes node n (SIGKILL); `start()` brings back whatever is down.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertLoopbackOnly, freePort, probeMqtt, processControl, waitForPort } from './broker-process.mjs';

export const NATS_SERVER = process.env.FC_NATS_SERVER ?? '/usr/sbin/nats-server';
const NODES = 3;
// Clients without credentials (the widget has none) act as one user that may use
// friends-chat's topics only: without this, a client subscribed to "#" also gets NATS's own
// MQTT session records ($MQTT.sess.*), which hold every session's client ID, and with a
// mailbox's client ID anyone can take its session and drain its queue. $MQTT.sub.* is where
// NATS delivers a client's QoS 1 messages. Mirrors docs/self-hosting.md.
const PERMISSIONS = `authorization {
  users: [{ user: "chat", password: "${Math.random().toString(36).slice(2)}", permissions: {
    publish: { allow: ["fc1.m.*", "fc1.s.*"] },
    subscribe: { allow: ["fc1.m.*", "fc1.s.*", "$MQTT.sub.>"] } } }]
}
no_auth_user: "chat"`;

/**
 * Starts the cluster; a cluster that does not form (its JetStream finds no peers for the
 * replicated MQTT streams, seen once on a loaded machine) is torn down and started afresh on
 * new ports, up to three times.
 */
export async function startNatsCluster() {
  if (!existsSync(NATS_SERVER)) throw new Error(`nats-server is not installed at ${NATS_SERVER}`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startNatsClusterOnce();
    } catch (error) {
      if (attempt === 3) throw error;
      console.error(`nats cluster did not form (attempt ${attempt}), starting it again on new ports`);
    }
  }
}

async function startNatsClusterOnce() {
  const dir = mkdtempSync(join(tmpdir(), 'friends-chat-nats-'));
  const nodes = [];
  for (let i = 0; i < NODES; i++) {
    nodes.push({ client: await freePort(), cluster: await freePort(), mqtt: await freePort(), ws: await freePort() });
  }
  const procs = nodes.map((node, i) => {
    const store = join(dir, `n${i}`);
    mkdirSync(store);
    const routes = nodes.filter((_, k) => k !== i).map((other) => `"nats-route://127.0.0.1:${other.cluster}"`);
    const config = join(dir, `n${i}.conf`);
    writeFileSync(
      config,
      `server_name: "fc-n${i}"
listen: "127.0.0.1:${node.client}"
jetstream { store_dir: "${store}" }
${PERMISSIONS}
cluster { name: "friends-chat", listen: "127.0.0.1:${node.cluster}", routes: [${routes.join(', ')}] }
mqtt { listen: "127.0.0.1:${node.mqtt}", stream_replicas: 3, consumer_replicas: 3, ack_wait: "10s" }
websocket { listen: "127.0.0.1:${node.ws}", no_tls: true }
`,
    );
    return processControl(NATS_SERVER, ['-c', config], `nats n${i}`);
  });

  /** Starts every node that is down and waits until each accepts MQTT connects. */
  async function start() {
    const started = procs.filter((p) => !p.running);
    for (const proc of started) proc.start();
    const deadline = Date.now() + 90000;
    for (const [i, node] of nodes.entries()) {
      if (!started.includes(procs[i])) continue;
      try {
        await waitForPort(node.ws, 30000);
        while ((await probeMqtt(node.mqtt)) !== 0) {
          if (Date.now() > deadline) throw new Error('MQTT never accepted a connect');
          await new Promise((r) => setTimeout(r, 500));
        }
      } catch (error) {
        throw new Error(`${error.message}\n${procs[i].output()}`);
      }
    }
    assertLoopbackOnly(nodes.flatMap((n) => [n.client, n.cluster, n.mqtt, n.ws]));
  }

  try {
    await start();
  } catch (error) {
    for (const proc of procs) await proc.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    kind: 'nats',
    urls: nodes.map((n) => `mqtt://127.0.0.1:${n.ws}/mqtt`),
    get running() {
      return procs.every((p) => p.running);
    },
    start,
    stop: async () => {
      for (const proc of procs) await proc.stop('SIGKILL');
    },
    kill: (n) => procs[n].stop('SIGKILL'),
    async close() {
      for (const proc of procs) await proc.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
