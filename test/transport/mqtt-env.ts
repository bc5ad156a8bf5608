import { randomBytes } from '../../src/crypto/index.js';
import { MqttConnection } from '../../src/transport/mqtt/mqtt-connection.js';
import { parseMqttUrls } from '../../src/transport/mqtt/mqtt-url.js';
import { toHex } from '../../src/util/bytes.js';
import { waitUntil } from '../helpers/env.js';

/** The MQTT broker of this test run (web-test-runner.config.mjs): Aedes, mosquitto or NATS. */
export interface MqttEnv {
  kind: 'aedes' | 'mosquitto' | 'nats';
  /** `mqtt://…` URLs, one per broker node. */
  urls: string[];
  /** The same as WebSocket URLs, for the transport classes. */
  ws: string[];
}

let cached: MqttEnv | undefined;

export async function mqttEnv(): Promise<MqttEnv> {
  if (!cached) {
    const { kind, urls } = (await (await fetch('/__env')).json()).mqtt as { kind: MqttEnv['kind']; urls: string[] };
    cached = { kind, urls, ws: parseMqttUrls(urls.join(' ')).urls };
  }
  return cached;
}

/** Restarts the broker (`stop`, `start`) or kills one cluster node (`kill/N`). */
export async function controlMqtt(action: 'stop' | 'start' | `kill/${number}`): Promise<void> {
  const response = await fetch(`/__mqtt/${action}`, { method: 'POST' });
  if (!response.ok) throw new Error(`MQTT broker ${action} failed`);
}

/** A rendezvous-style ID no other test uses. */
export function hexId(): string {
  return toHex(randomBytes(16));
}

/** A port nothing listens on: a broker URL that always fails. */
export const DEAD_URL = 'ws://127.0.0.1:9/mqtt';

/**
 * The widest a watcher without credentials may subscribe on this broker: `#` on Aedes and
 * mosquitto; on the NATS test cluster, whose permissions refuse `#` (it would show NATS's own
 * session records, tools/nats-cluster.mjs), every mailbox and signaling topic.
 */
export const WIDEST: Record<MqttEnv['kind'], string[]> = { aedes: ['#'], mosquitto: ['#'], nats: ['fc1/m/+', 'fc1/s/+'] };

/** A plain MQTT client subscribed to `#` (or `filters`): everything another broker user (or the operator) could see. */
export async function spy(urls: string[], filters = ['#']): Promise<{ seen: { topic: string; payload: Uint8Array }[]; publish(topic: string, payload: Uint8Array): Promise<void>; close(): void }> {
  const seen: { topic: string; payload: Uint8Array }[] = [];
  const connection = new MqttConnection({
    urls,
    clientId: hexId(),
    clean: true,
    subscriptions: filters.map((topic) => ({ topic, qos: 0 as const })),
    onMessage: (message) => void seen.push(message),
  });
  connection.start();
  await waitUntil(() => connection.state === 'online', 'the spy is connected', 30000);
  return { seen, publish: (topic, payload) => connection.publish(topic, payload, 0), close: () => connection.close() };
}

/** True when `needle` occurs in `haystack`. */
export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let k = 0; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

/** True when the broker refuses a subscription to `filter` (the connection never comes up). */
export async function subscriptionRefused(urls: string[], filter: string): Promise<boolean> {
  const connection = new MqttConnection({ urls: urls.slice(0, 1), clientId: hexId(), clean: true, subscriptions: [{ topic: filter, qos: 0 }], onMessage: () => {} });
  let failed = false;
  connection.onError(() => (failed = true));
  connection.start();
  await waitUntil(() => failed || connection.state === 'online', `the broker answers a subscription to ${filter}`, 30000);
  const refused = connection.state !== 'online';
  connection.close();
  return refused;
}
