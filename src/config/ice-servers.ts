import { FriendsChatError } from '../errors.js';

/** One public STUN server when `ice-servers` is empty; no TURN credentials are built in. */
export const DEFAULT_ICE_SERVERS: RTCIceServer[] = [{ urls: 'stun:stun.l.google.com:19302' }];

function bad(message: string): FriendsChatError {
  return new FriendsChatError('bad-ice-servers', message);
}

/**
 * Parses the `ice-servers` attribute: a JSON array of RTCIceServer objects whose URLs are
 * `stun:`, `stuns:`, `turn:` or `turns:`. Throws `bad-ice-servers` saying which entry is wrong.
 */
export function parseIceServers(value: string): RTCIceServer[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw bad('ice-servers must be a JSON array of RTCIceServer objects');
  }
  if (!Array.isArray(parsed)) throw bad('ice-servers must be a JSON array');
  return parsed.map((server: unknown, i) => {
    if (typeof server !== 'object' || server === null || Array.isArray(server)) throw bad(`ice-servers[${i}] must be an object`);
    const { urls, username, credential } = server as Record<string, unknown>;
    const list = typeof urls === 'string' ? [urls] : urls;
    if (!Array.isArray(list) || list.length === 0 || !list.every((u) => typeof u === 'string' && /^(stun|stuns|turn|turns):/.test(u))) {
      throw bad(`ice-servers[${i}].urls must be stun:, stuns:, turn: or turns: URLs`);
    }
    const out: RTCIceServer = { urls: list as string[] };
    for (const [name, field] of [['username', username], ['credential', credential]] as const) {
      if (field === undefined) continue;
      if (typeof field !== 'string') throw bad(`ice-servers[${i}].${name} must be a string`);
      out[name] = field;
    }
    return out;
  });
}
