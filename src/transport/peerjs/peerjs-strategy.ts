import { FriendsChatError } from '../../errors.js';
import type { SignalingStrategy } from '../registry.js';
import { PeerjsSignaling } from './peerjs-signaling.js';

/** A checked `peerjs://` / `peerjss://` URL. */
export interface PeerjsUrl {
  host: string;
  port: number;
  path: string;
  key: string;
  secure: boolean;
}

function bad(message: string): FriendsChatError {
  return new FriendsChatError('bad-signaling', message);
}

/**
 * Parses `peerjs://host:port/path?key=…` and `peerjss://…` (TLS). Throws `bad-signaling`
 * with what was wrong: no host, credentials in the URL, a key PeerJS would not accept.
 */
export function parsePeerjsUrl(value: string): PeerjsUrl {
  const text = value.trim();
  const scheme = /^(peerjss?):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (!scheme) throw bad(`signaling "${text.slice(0, 80)}" must look like peerjs://host:port/path or peerjss://…`);
  const secure = scheme === 'peerjss';
  let url: URL;
  try {
    // URL does not know these schemes' defaults; parse as http(s) to get host and port checks.
    url = new URL((secure ? 'https:' : 'http:') + text.slice(scheme.length + 1));
  } catch {
    throw bad(`signaling "${text.slice(0, 80)}" is not a valid URL`);
  }
  // URL accepts some hosts no broker can have (Chromium keeps "exa mple.org" as "exa%20mple.org").
  if (!/^([a-z0-9_-]+\.)*[a-z0-9_-]+\.?$/i.test(url.hostname) && !/^\[[0-9a-f:.]+\]$/i.test(url.hostname)) {
    throw bad(`signaling "${text.slice(0, 80)}" has no valid host name`);
  }
  if (url.username || url.password) throw bad('signaling URL must not carry credentials');
  const key = url.searchParams.get('key') ?? 'peerjs';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(key)) throw bad('signaling key must be 1–64 letters, digits, - or _');
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 443 : 80,
    path: url.pathname || '/',
    key,
    secure,
  };
}

/** `peerjs://` and `peerjss://`: a PeerJS broker. */
export const peerjsStrategy: SignalingStrategy<PeerjsUrl> = {
  schemes: ['peerjs', 'peerjss'],
  parse: parsePeerjsUrl,
  create: (url, context) => new PeerjsSignaling({ ...url, ...context }),
};
