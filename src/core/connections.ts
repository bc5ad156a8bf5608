import { toFriendsChatError, type FriendsChatError } from '../errors.js';
import type { Presence } from '../model/index.js';
import type { SecurityWarningReason } from '../model/index.js';
import { rendezvousId, type Identity } from '../identity/identity.js';
import { epochOf, listenEpochs, pairRendezvousId, pairSecret, untilNextListenChange } from './rendezvous.js';
import { FrameType } from '../session/frame.js';
import { SecureSession } from '../session/secure-session.js';
import type { Channel } from '../transport/channel.js';
import type { Signaling } from '../transport/signaling.js';
import { randomBytes } from '../crypto/index.js';
import { fromHex, toHex } from '../util/bytes.js';
import { Backoff } from '../util/backoff.js';

export interface ConnectionsOptions {
  identity: Identity;
  signaling: Signaling;
  displayName: () => string;
  /** Invite secret for an outgoing dial to this profile, if the contact came from an invite. */
  inviteFor: (profileId: string) => { id: Uint8Array; secret: Uint8Array } | undefined;
  /** Reserves one of our unused invites for an incoming XXpsk3 handshake (its secret, or null). */
  resolveInvite: (inviteId: Uint8Array) => Uint8Array | null;
  /** The handshake that reserved this invite failed: free it again. */
  releaseInvite?: (inviteId: Uint8Array) => void;
  /** The static keys a contact may answer with when we dial it (its pin); empty: any key bound to its profile. */
  pinnedKeys?: (profileId: string) => Uint8Array[];
  /** The secret we share with this friend for pairwise rendezvous IDs, once known (docs/rendezvous.md). */
  pairSecret?: (profileId: string) => Uint8Array | undefined;
  /** A contact session was installed: this is the pair secret its authenticated keys give. */
  onPaired?: (session: SecureSession, secret: string) => void;
  /**
   * Decides about an authenticated session: `accept` (a contact), `stranger` (only a
   * friend request may follow) or `refuse` (blocked, or a key that does not match a pin).
   */
  admit: (session: SecureSession) => 'accept' | 'stranger' | 'refuse';
  onSession: (session: SecureSession, stranger: boolean) => void;
  /** Called for every live contact session on every heartbeat (retransmission hook). */
  onBeat?: (session: SecureSession) => void;
  onPresence: (profileId: string, presence: Presence) => void;
  onWarning: (reason: SecurityWarningReason, peer: string, detail: string) => void;
  onError: (error: FriendsChatError) => void;
  heartbeatInterval?: number;
  deadAfter?: number;
  backoff?: { min: number; max: number };
  handshakeTimeout?: number;
  /** Frames per second a session may send before it is cut off as a flood. */
  maxFramesPerSecond?: number;
}

const MAX_STRANGERS = 8;
const STRANGER_LIFETIME = 60000;
const MAX_HANDSHAKES = 16;

interface Target {
  backoff: Backoff;
  timer?: ReturnType<typeof setTimeout>;
  dialling: boolean;
}

/**
 * Keeps one live, authenticated session per contact: dials when both are online, detects
 * dead peers by heartbeat, reconnects with jittered back-off (and at once when the page
 * comes back online), resolves duplicate sessions the same way on both sides, and holds
 * strangers (who may only send a friend request) on a short leash.
 */
export class Connections {
  readonly #o: ConnectionsOptions;
  readonly #sessions = new Map<string, SecureSession>();
  readonly #strangers = new Map<string, SecureSession>();
  readonly #targets = new Map<string, Target>();
  readonly #presence = new Map<string, Presence>();
  readonly #strangerTimers = new WeakMap<SecureSession, ReturnType<typeof setTimeout>>();
  readonly #unsubscribe: (() => void)[] = [];
  #handshakes = 0;
  /** Contacts whose invite failed a handshake: they are dialled with a plain request from now on. */
  readonly #inviteFailed = new Set<string>();
  #listenTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * A random ID, registered only to dial from: a friend request goes to a public request
   * address from it, so whoever answers there (perhaps a squatter) learns no ID of ours.
   */
  readonly #dialOut = toHex(randomBytes(16));
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #stopped = false;

  constructor(options: ConnectionsOptions) {
    this.#o = options;
    this.#unsubscribe.push(
      options.signaling.onChannel((channel) => this.#incoming(channel)),
      options.signaling.onState((state) => {
        if (state === 'online') this.retryAll();
      }),
    );
    this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatInterval ?? 5000);
  }

  /**
   * Registers at the pairwise rendezvous IDs of every wanted contact we share a secret with
   * (this epoch and the nearer neighbour), and again whenever that set changes.
   */
  relisten(): void {
    clearTimeout(this.#listenTimer);
    if (this.#stopped) return;
    const now = Date.now();
    const me = this.#o.identity.signing.publicKey;
    const ids: string[] = [];
    for (const profileId of this.#targets.keys()) {
      const secret = this.#o.pairSecret?.(profileId);
      if (secret) for (const epoch of listenEpochs(now)) ids.push(pairRendezvousId(secret, me, epoch));
    }
    this.#o.signaling.listen?.(ids, [this.#dialOut]);
    this.#listenTimer = setTimeout(() => this.relisten(), untilNextListenChange(now) + 1000);
  }

  session(profileId: string): SecureSession | undefined {
    return this.#sessions.get(profileId) ?? this.#strangers.get(profileId);
  }

  presence(profileId: string): Presence {
    return this.#presence.get(profileId) ?? 'offline';
  }

  /** Keep a session with this contact (dial now, and again whenever it drops). */
  want(profileId: string): void {
    if (this.#stopped || this.#targets.has(profileId)) return;
    this.#targets.set(profileId, { backoff: new Backoff(this.#o.backoff), dialling: false });
    this.relisten();
    this.#dial(profileId);
  }

  /** A stranger became a friend: its session now carries everything. */
  promote(profileId: string): SecureSession | undefined {
    // A new friend: listen at the rendezvous IDs the two now share.
    this.relisten();
    const session = this.#strangers.get(profileId);
    if (!session || session.closed) return undefined;
    this.#strangers.delete(profileId);
    clearTimeout(this.#strangerTimers.get(session));
    if (this.#sessions.has(profileId)) {
      session.close('duplicate');
      this.want(profileId);
      return undefined;
    }
    // The caller already handles this session's frames: install it without announcing it again.
    this.#install(profileId, session, false);
    this.want(profileId);
    return session;
  }

  /** Stop wanting this contact and close any session with it. */
  drop(profileId: string): void {
    const target = this.#targets.get(profileId);
    if (target) clearTimeout(target.timer);
    this.#targets.delete(profileId);
    this.#inviteFailed.delete(profileId);
    this.relisten();
    this.#sessions.get(profileId)?.close('dropped');
    this.#strangers.get(profileId)?.close('dropped');
    this.#setPresence(profileId, 'offline');
  }

  /** Dial every wanted contact without a session now (online again, tab visible). */
  retryAll(): void {
    for (const [id, target] of this.#targets) {
      if (this.#sessions.has(id)) continue;
      target.backoff.reset();
      clearTimeout(target.timer);
      this.#dial(id);
    }
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#listenTimer);
    for (const off of this.#unsubscribe.splice(0)) off();
    for (const target of this.#targets.values()) clearTimeout(target.timer);
    this.#targets.clear();
    for (const session of [...this.#sessions.values(), ...this.#strangers.values()]) session.close('stopped');
    this.#sessions.clear();
    this.#strangers.clear();
  }

  #dial(profileId: string): void {
    const target = this.#targets.get(profileId);
    if (!target || target.dialling || this.#sessions.has(profileId) || this.#stopped) return;
    if (this.#o.signaling.state !== 'online') return; // retried when signaling comes online
    target.dialling = true;
    this.#setPresence(profileId, 'connecting');
    void (async () => {
      let ok = false;
      try {
        const channel = await this.#o.signaling.dial(...this.#route(profileId));
        if (this.#stopped || !this.#targets.has(profileId)) {
          channel.close();
          return;
        }
        const invite = this.#inviteFailed.has(profileId) ? undefined : this.#o.inviteFor(profileId);
        // Only the contact we dialled (bound to its profile key, and its pinned static key)
        // completes this handshake: anyone else never sees our key or name.
        const session = await this.#establish(channel, invite, profileId);
        if (!session) {
          // An invite that was used (perhaps by someone else who saw the link) or damaged
          // must not lock us out: from now on we ask with a plain friend request.
          if (invite) this.#inviteFailed.add(profileId);
          return;
        }
        ok = this.#adopt(session);
      } catch (error) {
        // Offline friends are the normal case; only report what is not.
        const wrapped = toFriendsChatError(error, 'connection-failed');
        if (wrapped.code !== 'connection-failed') this.#o.onError(wrapped);
      } finally {
        target.dialling = false;
        if (!ok && this.#targets.has(profileId) && !this.#sessions.has(profileId)) {
          this.#setPresence(profileId, 'offline');
          this.#schedule(profileId);
        }
      }
    })();
  }

  /**
   * Where to dial a contact, and from where: a friend we share a secret with at its pairwise
   * ID for today, from ours (so the broker sees neither profile's public ID); anyone else at
   * its public request address.
   */
  #route(profileId: string): [string, string?] {
    const secret = this.#o.pairSecret?.(profileId);
    if (!secret) return [rendezvousId(fromHex(profileId)), this.#dialOut];
    const epoch = epochOf(Date.now());
    return [pairRendezvousId(secret, fromHex(profileId), epoch), pairRendezvousId(secret, this.#o.identity.signing.publicKey, epoch)];
  }

  #schedule(profileId: string): void {
    const target = this.#targets.get(profileId);
    if (!target || this.#stopped) return;
    clearTimeout(target.timer);
    target.timer = setTimeout(() => this.#dial(profileId), target.backoff.next());
  }

  #incoming(channel: Channel): void {
    if (this.#stopped || this.#handshakes >= MAX_HANDSHAKES) {
      channel.close();
      return;
    }
    void this.#establish(channel, undefined, undefined).then((session) => {
      if (session) this.#adopt(session);
    });
  }

  async #establish(channel: Channel, invite: { id: Uint8Array; secret: Uint8Array } | undefined, expected: string | undefined): Promise<SecureSession | null> {
    this.#handshakes++;
    let reserved: Uint8Array | null = null;
    try {
      return await SecureSession.establish(channel, {
        identity: this.#o.identity,
        displayName: this.#o.displayName(),
        capabilities: ['text', 'files'],
        handshakeTimeout: this.#o.handshakeTimeout ?? 10000,
        ...(invite ? { invite } : {}),
        ...(expected ? { expect: { signKey: fromHex(expected), staticKeys: this.#o.pinnedKeys?.(expected) ?? [] } } : {}),
        resolveInvite: (id) => {
          const secret = this.#o.resolveInvite(id);
          if (secret) reserved = id;
          return secret;
        },
      });
    } catch (error) {
      if (reserved) this.#o.releaseInvite?.(reserved);
      this.#o.onWarning('handshake-failed', expected ?? channel.remoteId, error instanceof Error ? error.message : 'handshake failed');
      return null;
    } finally {
      this.#handshakes--;
    }
  }

  /** Takes an authenticated session into service; false if it was refused. */
  #adopt(session: SecureSession): boolean {
    if (this.#stopped) {
      session.close('stopped');
      return false;
    }
    const id = session.peer.profileId;
    const verdict = this.#o.admit(session);
    if (verdict === 'refuse') {
      session.close('refused');
      return false;
    }
    if (verdict === 'stranger') {
      if (this.#strangers.size >= MAX_STRANGERS && !this.#strangers.has(id)) {
        session.close('too many strangers');
        return false;
      }
      this.#strangers.get(id)?.close('replaced');
      this.#strangers.set(id, session);
      const timer = setTimeout(() => session.close('stranger timeout'), STRANGER_LIFETIME);
      this.#strangerTimers.set(session, timer);
      session.onClose(() => {
        clearTimeout(timer);
        if (this.#strangers.get(id) === session) this.#strangers.delete(id);
      });
      this.#guard(session);
      this.#o.onSession(session, true);
      return true;
    }
    const existing = this.#sessions.get(id);
    if (existing && !existing.closed) {
      // Two sessions at once (both dialled): keep the one the lower profile ID started.
      const mine = this.#o.identity.profileId;
      const keepNew = (session.channel.initiator ? mine : id) < (existing.channel.initiator ? mine : id);
      if (!keepNew) {
        session.close('duplicate');
        return true;
      }
      existing.close('duplicate');
    }
    this.#strangers.delete(id);
    this.#guard(session);
    this.#install(id, session);
    return true;
  }

  /** Makes `session` the live session with a contact until it closes. */
  #install(id: string, session: SecureSession, announce = true): void {
    this.#sessions.set(id, session);
    // X25519 is async: the pair secret follows a moment later (friendship checks the contact then).
    const onPaired = this.#o.onPaired;
    if (onPaired) void pairSecret(this.#o.identity, session.peer.signKey, session.peerStaticKey).then((secret) => onPaired(session, toHex(secret)), () => {});
    const target = this.#targets.get(id);
    if (target) {
      target.backoff.reset();
      clearTimeout(target.timer);
    }
    session.onClose(() => {
      if (this.#sessions.get(id) !== session) return;
      this.#sessions.delete(id);
      this.#setPresence(id, 'offline');
      if (this.#targets.has(id) && !this.#stopped) this.#schedule(id);
    });
    this.#setPresence(id, 'online');
    if (announce) this.#o.onSession(session, false);
  }

  /** Liveness and flood control for one session. */
  #guard(session: SecureSession): void {
    const limit = this.#o.maxFramesPerSecond ?? 3000;
    let windowStart = performance.now();
    let frames = 0;
    session.onFrame((type) => {
      const now = performance.now();
      if (now - windowStart > 1000) {
        windowStart = now;
        frames = 0;
      }
      if (++frames > limit) {
        this.#o.onWarning('flood', session.peer.profileId, 'too many frames per second');
        session.close('flood');
        return;
      }
      if (type === FrameType.Ping) {
        try {
          session.send(FrameType.Pong, new Uint8Array(0));
        } catch {
          // closed meanwhile
        }
      }
    });
  }

  #beat(): void {
    const dead = this.#o.deadAfter ?? 15000;
    const now = performance.now();
    for (const session of [...this.#sessions.values(), ...this.#strangers.values()]) {
      if (now - session.lastHeardAt > dead) {
        session.close('dead peer');
        continue;
      }
      try {
        session.send(FrameType.Ping, new Uint8Array(0));
      } catch {
        session.close('send failed');
        continue;
      }
      if (this.#sessions.get(session.peer.profileId) === session) this.#o.onBeat?.(session);
    }
  }

  #setPresence(profileId: string, presence: Presence): void {
    if (this.#presence.get(profileId) === presence) return;
    // A stranger or a dropped contact shows nothing.
    if (presence !== 'offline' && !this.#targets.has(profileId) && !this.#sessions.has(profileId)) return;
    this.#presence.set(profileId, presence);
    this.#o.onPresence(profileId, presence);
  }
}

