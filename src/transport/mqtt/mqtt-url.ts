import { FriendsChatError } from '../../errors.js';

/** A parsed `mqtt://…` / `mqtts://…` attribute: WebSocket URLs to try in order. */
export interface MqttConfig {
  scheme: 'mqtt' | 'mqtts';
  /** `ws://` / `wss://` URLs, first one first; the connection moves on when one fails. */
  urls: string[];
}

/** A list longer than this is a mistake, not a cluster. */
const MAX_URLS = 8;

/**
 * Parses `mqtt://host:port/path` (MQTT over plain WebSocket) and `mqtts://…` (over TLS),
 * or a space-separated list of them for failover. No credentials, no query, no fragment:
 * a misconfiguration fails closed with `bad-signaling`.
 */
export function parseMqttUrls(value: string): MqttConfig {
  const parts = String(value).trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) throw new FriendsChatError('bad-signaling', 'the MQTT broker list is empty');
  if (parts.length > MAX_URLS) throw new FriendsChatError('bad-signaling', `at most ${MAX_URLS} MQTT broker URLs`);
  const urls = parts.map(parseOne);
  return { scheme: urls.every((u) => u.startsWith('wss:')) ? 'mqtts' : 'mqtt', urls };
}

function parseOne(text: string): string {
  const match = /^(mqtts?):\/\//.exec(text);
  if (!match) throw new FriendsChatError('bad-signaling', `MQTT broker "${text.slice(0, 80)}" must start with mqtt:// or mqtts://`);
  let url: URL;
  try {
    url = new URL(text.replace(/^mqtts?:/, match[1] === 'mqtts' ? 'wss:' : 'ws:'));
  } catch {
    throw new FriendsChatError('bad-signaling', `MQTT broker "${text.slice(0, 80)}" is not a valid URL`);
  }
  if (!url.hostname) throw new FriendsChatError('bad-signaling', 'MQTT broker URL has no host');
  if (url.username || url.password) throw new FriendsChatError('bad-signaling', 'MQTT broker URL must not carry credentials');
  if (url.search || url.hash) throw new FriendsChatError('bad-signaling', 'MQTT broker URL must not have a query or fragment');
  return url.href;
}
