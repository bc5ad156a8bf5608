import { FriendsChatError } from '../errors.js';

/** The parsed `signaling` attribute. New schemes are added to the registry, not here. */
export type SignalingConfig =
  | { scheme: 'peerjs'; host: string; port: number; path: string; key: string; secure: boolean }
  | { scheme: 'manual' }
  | { scheme: 'loopback'; network: string };

/** The PeerJS public cloud, used when no `signaling` attribute is set. */
export const DEFAULT_SIGNALING = 'peerjss://0.peerjs.com:443/?key=peerjs';

/**
 * Parses `peerjs://host:port/path?key=…`, `peerjss://…` (TLS), `manual:` and
 * `loopback:name` (in-memory, for tests). Throws `bad-signaling` with what was wrong.
 */
export function parseSignalingUrl(value: string): SignalingConfig {
  const text = value.trim();
  if (text === 'manual:' || text === 'manual') return { scheme: 'manual' };
  const loop = /^loopback:([A-Za-z0-9_-]{1,64})$/.exec(text);
  if (loop) return { scheme: 'loopback', network: loop[1]! };
  const match = /^(peerjss?):\/\//.exec(text);
  if (!match) {
    throw new FriendsChatError('bad-signaling', `signaling "${text.slice(0, 80)}" must start with peerjs://, peerjss://, manual: or loopback:`);
  }
  let url: URL;
  try {
    // URL does not know these schemes' defaults; parse as http(s) to get host and port checks.
    url = new URL(text.replace(/^peerjss?:/, match[1] === 'peerjss' ? 'https:' : 'http:'));
  } catch {
    throw new FriendsChatError('bad-signaling', `signaling "${text.slice(0, 80)}" is not a valid URL`);
  }
  if (!url.hostname) throw new FriendsChatError('bad-signaling', 'signaling URL has no host');
  if (url.username || url.password) throw new FriendsChatError('bad-signaling', 'signaling URL must not carry credentials');
  const secure = match[1] === 'peerjss';
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  const key = url.searchParams.get('key') ?? 'peerjs';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(key)) throw new FriendsChatError('bad-signaling', 'signaling key must be 1–64 letters, digits, - or _');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { scheme: 'peerjs', host, port, path: url.pathname || '/', key, secure };
}

/** Parses the `ice-servers` attribute: a JSON array of RTCIceServer objects. */
export function parseIceServers(value: string): RTCIceServer[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new FriendsChatError('bad-ice-servers', 'ice-servers must be a JSON array of RTCIceServer objects');
  }
  if (!Array.isArray(parsed)) throw new FriendsChatError('bad-ice-servers', 'ice-servers must be a JSON array');
  return parsed.map((server, i) => {
    if (typeof server !== 'object' || server === null) {
      throw new FriendsChatError('bad-ice-servers', `ice-servers[${i}] must be an object`);
    }
    const { urls, username, credential } = server as Record<string, unknown>;
    const list = typeof urls === 'string' ? [urls] : urls;
    if (!Array.isArray(list) || list.length === 0 || !list.every((u) => typeof u === 'string' && /^(stun|stuns|turn|turns):/.test(u))) {
      throw new FriendsChatError('bad-ice-servers', `ice-servers[${i}].urls must be stun:, stuns:, turn: or turns: URLs`);
    }
    const out: RTCIceServer = { urls: list as string[] };
    if (username !== undefined) {
      if (typeof username !== 'string') throw new FriendsChatError('bad-ice-servers', `ice-servers[${i}].username must be a string`);
      out.username = username;
    }
    if (credential !== undefined) {
      if (typeof credential !== 'string') throw new FriendsChatError('bad-ice-servers', `ice-servers[${i}].credential must be a string`);
      out.credential = credential;
    }
    return out;
  });
}

/** One public STUN server by default; no TURN credentials are built in. */
export const DEFAULT_ICE_SERVERS: RTCIceServer[] = [{ urls: 'stun:stun.l.google.com:19302' }];
