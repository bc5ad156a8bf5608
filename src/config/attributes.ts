import { DEFAULT_MAX_FILE_SIZE, MAX_FILE_SIZE } from '../files/manifest.js';
import { DEFAULT_AUTO_DOWNLOAD_LIMIT } from '../files/receiver.js';
import { parseMqttUrls } from '../transport/mqtt/mqtt-url.js';
import { FriendsChatError } from '../errors.js';
import { resolveLang, type Lang } from '../i18n/index.js';
import { PROFILE_PATTERN } from '../storage/idb-store.js';
import type { SignalingPlan, SignalingRegistry } from '../transport/registry.js';
import { DEFAULT_ICE_SERVERS, parseIceServers } from './ice-servers.js';

/** A checked attribute: the value to use and, if the attribute was wrong, why. */
export interface Checked<T> {
  value: T;
  problem?: FriendsChatError;
}

export type Theme = 'light' | 'dark' | 'auto';
export const THEMES: readonly Theme[] = ['light', 'dark', 'auto'];
export type StorageKind = 'indexeddb' | 'memory';

/** The PeerJS public cloud: what an empty `signaling` attribute means (documented default). */
export const DEFAULT_SIGNALING = 'peerjss://0.peerjs.com:443/?key=peerjs';

function badAttribute(message: string, cause?: unknown): FriendsChatError {
  return new FriendsChatError('bad-attribute', message, cause === undefined ? undefined : { cause });
}

/**
 * `signaling`: empty means the documented default; anything the registry cannot parse
 * fails closed: the value is `null` (the widget stays offline) and the problem is a
 * `bad-attribute` error. Never a fallback to a broker the page author did not choose.
 */
export function checkSignaling(value: string, registry: SignalingRegistry): Checked<SignalingPlan | null> {
  try {
    return { value: registry.parse(value.trim() || DEFAULT_SIGNALING) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { value: null, problem: badAttribute(`${reason}; the widget stays offline`, error) };
  }
}

/**
 * `ice-servers`: empty means one public STUN server. A bad value is a `bad-ice-servers`
 * error and no ICE server at all, so a typo contacts nobody the page did not name.
 */
export function checkIceServers(value: string): Checked<RTCIceServer[]> {
  if (!value.trim()) return { value: DEFAULT_ICE_SERVERS };
  try {
    return { value: parseIceServers(value) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { value: [], problem: new FriendsChatError('bad-ice-servers', `${reason}; using no ICE servers`, { cause: error }) };
  }
}

export function checkProfile(value: string): Checked<string> {
  if (PROFILE_PATTERN.test(value)) return { value };
  return { value: 'default', problem: badAttribute(`profile "${value.slice(0, 80)}" must be 1–64 letters, digits, . _ or -; using "default"`) };
}

export function checkStorage(value: string): Checked<StorageKind> {
  if (value === 'indexeddb' || value === 'memory') return { value };
  return { value: 'indexeddb', problem: badAttribute(`storage "${value.slice(0, 80)}" is not indexeddb or memory; using indexeddb`) };
}

export function checkTheme(value: string): Checked<Theme> {
  if ((THEMES as readonly string[]).includes(value)) return { value: value as Theme };
  return { value: 'auto', problem: badAttribute(`theme "${value.slice(0, 80)}" is not light, dark or auto; using auto`) };
}

/** `lang`: empty follows the page's `lang`, else English. */
export function checkLang(value: string, pageLang: string): Checked<Lang> {
  const fallback = resolveLang(pageLang) ?? 'en';
  if (!value) return { value: fallback };
  const lang = resolveLang(value);
  if (lang) return { value: lang };
  return { value: fallback, problem: badAttribute(`lang "${value.slice(0, 80)}" is not supported (en, de); using ${fallback}`) };
}

export function checkMaxFileSize(value: number): Checked<number> {
  if (Number.isInteger(value) && value > 0 && value <= MAX_FILE_SIZE) return { value };
  return { value: DEFAULT_MAX_FILE_SIZE, problem: badAttribute(`max-file-size must be a whole number of bytes from 1 to ${MAX_FILE_SIZE}; using 1 GiB`) };
}

/** `auto-download-limit`: 0 (every file waits for a click) up to the largest file size. */
export function checkAutoDownloadLimit(value: number): Checked<number> {
  if (Number.isInteger(value) && value >= 0 && value <= MAX_FILE_SIZE) return { value };
  return { value: DEFAULT_AUTO_DOWNLOAD_LIMIT, problem: badAttribute(`auto-download-limit must be a whole number of bytes from 0 to ${MAX_FILE_SIZE}; using 16 MiB`) };
}

/**
 * `mailbox`: MQTT broker URLs (space-separated) that hold messages for this profile while it
 * is offline. Empty: the signaling broker's, when `signaling` is MQTT; else none. `none`:
 * no mailbox. A bad value means no mailbox (fail closed) and a `bad-attribute` problem.
 */
export function checkMailbox(value: string, signaling: string): Checked<string[] | null> {
  const text = String(value ?? '').trim();
  if (text === 'none') return { value: null };
  const source = text || (/^mqtts?:/i.test(String(signaling ?? '').trim()) ? String(signaling).trim() : '');
  if (!source) return { value: null };
  try {
    return { value: parseMqttUrls(source).urls };
  } catch (error) {
    return { value: null, problem: badAttribute(`mailbox: ${(error as Error).message}; no mailbox is used`) };
  }
}

export type LockKind = 'none' | 'passphrase';

/** `lock`: `passphrase` makes the user choose one before the chat opens (docs/storage-lock.md). */
export function checkLock(value: string): Checked<LockKind> {
  if (value === 'none' || value === 'passphrase') return { value };
  return { value: 'passphrase', problem: badAttribute('lock must be none or passphrase; using passphrase') };
}

/** The attributes that decide which store, identity and broker the widget runs on. */
export interface ConnectionAttributes {
  profile: string;
  storage: string;
  signaling: string;
  iceServers: string;
  relayOnly: boolean;
  mailbox: string;
  lock: string;
}

/** A checked connection: every field safe to use; `signaling: null` means stay offline. */
export interface FriendsChatConfig {
  profile: string;
  storage: StorageKind;
  signaling: SignalingPlan | null;
  iceServers: RTCIceServer[];
  relayOnly: boolean;
  /** WebSocket URLs of the MQTT mailbox, or null for none. */
  mailbox: string[] | null;
  lock: LockKind;
}

/** Checks the connection attributes together; each wrong one is a problem to report. */
export function checkConnection(attributes: ConnectionAttributes, registry: SignalingRegistry): { config: FriendsChatConfig; problems: FriendsChatError[] } {
  const storage = checkStorage(attributes.storage);
  // A memory store writes nothing, so its profile is only a name.
  const profile = storage.value === 'memory' ? { value: attributes.profile } : checkProfile(attributes.profile);
  const signaling = checkSignaling(attributes.signaling, registry);
  const iceServers = checkIceServers(attributes.iceServers);
  const mailbox = checkMailbox(attributes.mailbox, attributes.signaling);
  const lock = checkLock(attributes.lock);
  const problems = [storage, profile, signaling, iceServers, mailbox, lock].flatMap((c) => (c.problem ? [c.problem] : []));
  return {
    config: {
      profile: profile.value,
      storage: storage.value,
      signaling: signaling.value,
      iceServers: iceServers.value,
      relayOnly: attributes.relayOnly,
      mailbox: mailbox.value,
      lock: lock.value,
    },
    problems,
  };
}
