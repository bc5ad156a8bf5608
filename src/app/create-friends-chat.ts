import type { FriendsChatConfig } from '../config/attributes.js';
import { ChatEngine, type ChatEngineOptions } from '../core/chat-engine.js';
import { cryptoSupported } from '../crypto/index.js';
import { lockProfile, type ProfileLock } from '../core/profile-lock.js';
import { Identity } from '../identity/identity.js';
import { Inbox, MAX_ENVELOPE, mailboxClientId, mailboxTopic } from '../mailbox/index.js';
import { MailboxClient } from '../transport/mqtt/mailbox-client.js';
import { FriendsChatError, toFriendsChatError } from '../errors.js';
import { OfflineSignaling } from '../transport/offline-signaling.js';
import type { Signaling } from '../transport/signaling.js';
import type { ProfileStores } from './profile-stores.js';

/** Everything the engine reports and reads while it runs (all but its ports). */
export type FriendsChatHooks = Omit<ChatEngineOptions, 'store' | 'signaling'>;

/** A running widget core: the engine and the signaling backend it was built on. */
export interface FriendsChat {
  readonly engine: ChatEngine;
  readonly signaling: Signaling;
  /** Stops the engine (and its signaling) and lets another tab take the profile. */
  stop(): void;
}

export interface CreateOptions {
  stores: ProfileStores;
  /** Aborting drops every later event and stops what was being built. */
  signal: AbortSignal;
  /** Another tab holds this profile; this one waits for it. */
  onWaiting?: () => void;
}

/**
 * The composition root: from a checked config, takes the profile's tab lock, opens its
 * store (`locked` rejects while its storage lock is closed), builds the signaling backend (or, if the `signaling` attribute was wrong, one
 * that stays offline: fail closed) and opens the engine on them. Resolves null if aborted
 * first. Errors of the engine reach `hooks.onError`; a failure to open rejects.
 */
export async function createFriendsChat(config: FriendsChatConfig, hooks: FriendsChatHooks, options: CreateOptions): Promise<FriendsChat | null> {
  const { signal } = options;
  const live = (): boolean => !signal.aborted;
  // Fail closed before anything is read or stored: without these, no end-to-end promise holds.
  if (!(await cryptoSupported())) {
    throw new FriendsChatError('unsupported-browser', 'friends-chat needs a secure context (https) and WebCrypto Ed25519 and X25519');
  }
  if (!live()) return null;
  let lock: ProfileLock | null = null;
  // The next tab may take the profile once the envelope being stored (if any) is in the store.
  let idle = (): Promise<void> => Promise.resolve();
  const release = (): void => void idle().then(() => lock?.release());
  if (config.storage !== 'memory') {
    const held = lockProfile(`friends-chat:${config.profile}`, () => live() && options.onWaiting?.());
    lock = held;
    signal.addEventListener('abort', release, { once: true });
    await held.acquired;
    if (!live()) return null;
  }
  let store: Awaited<ReturnType<ProfileStores['get']>>;
  try {
    store = await options.stores.get(config);
    if (config.lock === 'passphrase' && (await options.stores.lock(config)?.state()) === 'none') throw new FriendsChatError('locked', 'choose a passphrase first');
  } catch (error) {
    lock?.release(); // locked (or unreadable): another tab may take the profile meanwhile
    throw error;
  }
  // Backends that seal their signaling (MQTT) need our X25519 key pair, and later the engine's
  // pinned keys of friends; the engine runs on the same identity.
  const identity = await Identity.load(store);
  let engine: ChatEngine | undefined;
  const keys = { own: identity.dh, peerKey: (id: string) => engine?.staticKeyAt(id) };
  let signaling: Signaling;
  try {
    signaling = config.signaling?.create({ iceServers: config.iceServers, relayOnly: config.relayOnly, keys }) ?? new OfflineSignaling();
  } catch (error) {
    hooks.onError(toFriendsChatError(error, 'bad-signaling'));
    signaling = new OfflineSignaling();
  }
  const mailbox = config.mailbox ? openMailbox(config.mailbox, identity, (payload) => engine?.receiveMail(payload) ?? Promise.reject(new Error('not started'))) : undefined;
  try {
    engine = await ChatEngine.open({ ...guard(hooks, live), store, signaling, ...(mailbox ? { mailbox } : {}) }, identity);
  } catch (error) {
    signaling.close();
    mailbox?.close();
    lock?.release();
    throw error;
  }
  const started = engine;
  if (mailbox) {
    idle = () => mailbox.idle();
    mailbox.onState((state) => state === 'online' && void started.flushMailbox());
    mailbox.onError((error) => hooks.onError(error));
    mailbox.start();
  }
  const stop = (): void => {
    mailbox?.close();
    started.stop();
    release();
  };
  if (!live()) {
    stop();
    return null;
  }
  return { engine: started, signaling, stop };
}

/**
 * The profile's mailbox session: a fixed client ID only this identity can compute, its own
 * topic from its X25519 key, and every envelope opened and stored before it is acknowledged.
 * Only the tab holding the profile lock gets here, so one tab owns the session.
 */
function openMailbox(urls: string[], identity: Identity, deliver: (payload: Uint8Array) => Promise<void>): MailboxClient {
  const topic = mailboxTopic(identity.dh.publicKey);
  const inbox = new Inbox({ topic, own: identity.dh, deliver });
  return new MailboxClient({ urls, clientId: mailboxClientId(identity.signing.privateKey), topic, onEnvelope: inbox.receive, maxEnvelope: MAX_ENVELOPE });
}

/** The same hooks, but every `on…` callback is dropped once `live()` is false. */
function guard(hooks: FriendsChatHooks, live: () => boolean): FriendsChatHooks {
  const guarded: Record<string, unknown> = { ...hooks };
  for (const [name, hook] of Object.entries(hooks)) {
    if (!name.startsWith('on') || typeof hook !== 'function') continue;
    guarded[name] = (...args: unknown[]) => (live() ? (hook as (...a: unknown[]) => unknown)(...args) : undefined);
  }
  return guarded as unknown as FriendsChatHooks;
}
