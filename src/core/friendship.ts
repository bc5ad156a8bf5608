import { FriendsChatError } from '../errors.js';
import type { SecurityWarningReason } from '../model/index.js';
import { FrameType } from '../session/frame.js';
import type { SecureSession } from '../session/secure-session.js';
import { fromHex, toHex } from '../util/bytes.js';
import type { Connections, ConnectionsOptions } from './connections.js';
import type { Contact, Contacts } from './contacts.js';
import type { FrameRouter, Standing } from './frame-router.js';
import { emptyFrame, friendRequestFrame } from './frames.js';
import { decodeInvite, isProfileId, type Invites } from './invite.js';
import { epochOf, pairRendezvousId } from './rendezvous.js';
import { rendezvousId as publicRendezvousId } from '../identity/identity.js';

/** Requests from strangers waiting for an answer at most; the oldest goes first. */
export const MAX_PENDING_REQUESTS = 50;
/** New requests from strangers taken per minute; more are dropped (and counted). */
export const REQUESTS_PER_MINUTE = 20;
/** A declined profile's new requests are ignored this long. */
const DECLINE_TOMBSTONE = 30 * 24 * 60 * 60 * 1000;

export interface FriendshipOptions {
  me: string;
  contacts: Contacts;
  invites: Invites;
  connections: () => Connections;
  now: () => number;
  send(session: SecureSession | undefined, type: number, value: unknown): boolean;
  /** Between friends, a session (new, or one that just became a friend's) starts syncing. */
  onFriendSession(session: SecureSession): void;
  /** Own messages to this contact can no longer be delivered (removed, blocked). */
  onLost(id: string, reason: 'removed' | 'blocked'): Promise<void>;
  onFriendRequest(contact: Contact): void;
  onFriend(contact: Contact): void;
  onWarning(reason: SecurityWarningReason, peer: string, detail: string): void;
  onChange(): void;
}

/**
 * The friendship state machine: requests out and in, accept, decline, remove, block,
 * verify, and what each authenticated session is admitted as. A stranger's session may
 * carry a friend request and nothing else (see `standing`, which the frame router asks).
 */
export class Friendship {
  readonly #o: FriendshipOptions;
  /** When the last new requests from strangers came in (for the rate limit). */
  #recentRequests: number[] = [];
  /** Requests from strangers not kept: over the rate limit, or the oldest beyond the cap. */
  droppedRequests = 0;

  constructor(options: FriendshipOptions) {
    this.#o = options;
  }

  register(router: FrameRouter): void {
    router
      .on(FrameType.FriendRequest, friendRequestFrame, (session, { note }) => this.#onRequest(session, note), { audience: 'anyone' })
      .on(FrameType.FriendAccept, emptyFrame, (session) => this.#onAccept(session), { audience: 'asked' })
      .on(FrameType.FriendDecline, emptyFrame, (session) => this.#onDecline(session), { audience: 'asked' });
  }

  /**
   * Where a session's peer stands, read per frame (a request may be answered mid-session).
   * A friend whose session key is not the pinned one is held like a stranger until the user
   * verifies them: nothing of the conversation flows either way.
   */
  standing(session: SecureSession): Standing {
    const contact = this.#o.contacts.get(session.peer.profileId);
    if (contact?.state === 'friend') return this.quarantined(session) ? 'stranger' : 'friend';
    return contact?.state === 'outgoing' ? 'asked' : 'stranger';
  }

  /** A friend's session whose key differs from the pinned one (a key change not yet verified). */
  quarantined(session: SecureSession): boolean {
    const pinned = this.#o.contacts.get(session.peer.profileId)?.pinnedKey;
    return pinned !== undefined && pinned !== toHex(session.peerStaticKey);
  }

  async add(inviteOrProfileId: string, note?: string): Promise<Contact> {
    if (typeof inviteOrProfileId !== 'string') throw new FriendsChatError('bad-input', 'addFriend needs an invite or a profile ID');
    if (note !== undefined && (typeof note !== 'string' || note.length > 500)) throw new FriendsChatError('bad-input', 'the note must be text of at most 500 characters');
    const text = inviteOrProfileId.trim();
    let id: string;
    let invite: Contact['invite'];
    if (isProfileId(text.toLowerCase())) {
      id = text.toLowerCase();
    } else {
      const decoded = decodeInvite(text);
      id = decoded.profileId;
      invite = { id: decoded.id, secret: decoded.secret };
    }
    if (id === this.#o.me) throw new FriendsChatError('bad-input', 'that is your own profile');
    const existing = this.#o.contacts.get(id);
    if (existing?.state === 'friend') return existing;
    if (existing?.state === 'blocked') throw new FriendsChatError('blocked', 'you blocked this profile; unblock it first');
    if (existing?.state === 'incoming') return this.accept(id);
    const contact = await this.#o.contacts.put({
      id,
      name: existing?.name ?? '',
      state: 'outgoing',
      verified: false,
      createdAt: this.#o.now(),
      ...(note ? { note } : {}),
      ...(invite ? { invite } : {}),
    });
    this.#o.onChange();
    const session = this.#o.connections().session(id);
    if (session && !session.closed) this.sendRequest(session, contact);
    this.#o.connections().want(id);
    return contact;
  }

  async accept(id: string): Promise<Contact> {
    const contact = this.require(id);
    if (contact.state === 'friend') return contact;
    if (contact.state !== 'incoming') throw new FriendsChatError('bad-input', 'there is no request from this profile');
    const connections = this.#o.connections();
    const session = connections.session(id);
    const accepted = await this.#o.contacts.update(id, {
      state: 'friend',
      ...(session ? { pinnedKey: toHex(session.peerStaticKey) } : {}),
    });
    this.#o.onFriend(accepted!);
    this.#o.onChange();
    const promoted = connections.promote(id);
    if (promoted) this.greet(promoted);
    else connections.want(id);
    return accepted!;
  }

  async decline(id: string): Promise<void> {
    const contact = this.require(id);
    if (contact.state !== 'incoming') throw new FriendsChatError('bad-input', 'there is no request from this profile');
    this.#o.send(this.#o.connections().session(id), FrameType.FriendDecline, {});
    // A tombstone: the same profile cannot ask again at once.
    await this.#o.contacts.decline(id, this.#o.now() + DECLINE_TOMBSTONE, this.#o.now());
    await this.#o.contacts.remove(id);
    this.#o.connections().drop(id);
    this.#o.onChange();
  }

  async remove(id: string): Promise<void> {
    const contact = this.require(id);
    if (contact.state === 'friend') await this.#o.onLost(id, 'removed');
    await this.#o.contacts.remove(id);
    this.#o.connections().drop(id);
    this.#o.onChange();
  }

  async block(id: string): Promise<void> {
    if (!isProfileId(String(id))) throw new FriendsChatError('bad-input', 'block needs a profile ID');
    if (id === this.#o.me) throw new FriendsChatError('bad-input', 'that is your own profile');
    const existing = this.#o.contacts.get(id);
    if (existing?.state === 'friend') await this.#o.onLost(id, 'blocked');
    await this.#o.contacts.put({ id, name: existing?.name ?? '', state: 'blocked', verified: false, createdAt: existing?.createdAt ?? this.#o.now() });
    this.#o.connections().drop(id);
    this.#o.onChange();
  }

  /** The user compared safety numbers: mark verified, and accept a changed key. */
  async verify(id: string): Promise<Contact> {
    const contact = this.require(id);
    if (contact.state !== 'friend') throw new FriendsChatError('bad-input', 'only friends can be verified');
    const next = await this.#o.contacts.update(id, {
      verified: true,
      ...(contact.changedKey ? { pinnedKey: contact.changedKey, changedKey: undefined } : {}),
    });
    this.#o.onChange();
    // A session held back by the key change may now sync.
    const session = this.#o.connections().session(id);
    if (contact.changedKey && session && !session.closed) this.greet(session);
    return next!;
  }

  /** A contact, or a `bad-input` / `unknown-friend` error. */
  require(id: string): Contact {
    if (typeof id !== 'string' || !isProfileId(id)) throw new FriendsChatError('bad-input', 'expected a 64-hex profile ID');
    const contact = this.#o.contacts.get(id);
    if (!contact) throw new FriendsChatError('unknown-friend', 'no such friend');
    return contact;
  }

  /** A friend that may be messaged now, or the reason it may not. */
  requireSendable(id: string): Contact {
    const contact = this.require(id);
    if (contact.state === 'blocked') throw new FriendsChatError('blocked', 'this profile is blocked');
    if (contact.state !== 'friend') throw new FriendsChatError('unknown-friend', 'you can only message friends');
    if (contact.changedKey) throw new FriendsChatError('key-changed', 'this friend’s key changed: verify the safety number first');
    return contact;
  }

  /**
   * Decides about an authenticated session: a contact's (`accept`), a stranger's (only a
   * request may follow) or none (`refuse`: blocked or declined). A friend's new key is
   * noted and reported; sending to it pauses until the user verifies.
   */
  admit(session: SecureSession): 'accept' | 'stranger' | 'refuse' {
    const { contacts } = this.#o;
    const id = session.peer.profileId;
    const contact = contacts.get(id);
    if (session.inviteId) void this.#o.invites.consume(session.inviteId);
    if (!contact || contact.state === 'declined') return contact ? 'refuse' : 'stranger';
    if (contact.state === 'blocked') return 'refuse';
    if (contact.state === 'incoming') return 'stranger';
    const key = toHex(session.peerStaticKey);
    if (contact.state === 'friend') {
      if (!contact.pinnedKey) {
        void contacts.update(id, { pinnedKey: key });
      } else if (contact.pinnedKey !== key && contact.changedKey !== key) {
        void contacts.update(id, { changedKey: key, verified: false });
        this.#o.onWarning('key-changed', id, 'this friend’s key changed; sending is paused until you verify them');
        this.#o.onChange();
      }
    }
    if (session.peer.displayName && session.peer.displayName !== contact.name) {
      void contacts.update(id, { name: session.peer.displayName });
    }
    return 'accept';
  }

  /**
   * What the connections need to know of contacts when dialling and admitting: the invite
   * to dial with, the pinned keys the answer must show, and the secret for pairwise
   * rendezvous (kept from the first session that carries the pinned key, set once, so a
   * later key change does not split the two; docs/rendezvous.md).
   */
  connectionHooks(): Pick<ConnectionsOptions, 'inviteFor' | 'resolveInvite' | 'releaseInvite' | 'pinnedKeys' | 'pairSecret' | 'onPaired'> {
    const { contacts, invites } = this.#o;
    return {
      inviteFor: (id) => {
        const invite = contacts.get(id)?.invite;
        return invite ? { id: fromHex(invite.id), secret: fromHex(invite.secret) } : undefined;
      },
      // Invites are reserved at first use, and released if the handshake fails.
      resolveInvite: (id) => invites.reserve(id),
      releaseInvite: (id) => invites.release(id),
      pinnedKeys: (id) => {
        const c = contacts.get(id);
        return [c?.pinnedKey, c?.changedKey].filter((k): k is string => !!k).map(fromHex);
      },
      pairSecret: (id) => {
        const c = contacts.get(id);
        return c?.state === 'friend' && c.rendezvous ? fromHex(c.rendezvous) : undefined;
      },
      onPaired: (session, secret) => void this.#paired(session, secret),
    };
  }

  /**
   * The pinned X25519 key of the contact that listens at `rendezvousId` (its public request
   * address, or a pairwise ID of around now), so a backend can seal an offer to it.
   */
  staticKeyAt(rendezvousId: string): Uint8Array | undefined {
    const epoch = epochOf(this.#o.now());
    for (const c of this.#o.contacts.all()) {
      if (!c.pinnedKey) continue;
      const key = fromHex(c.id);
      const ids = [publicRendezvousId(key)];
      if (c.rendezvous) for (const e of [epoch - 1, epoch, epoch + 1]) ids.push(pairRendezvousId(fromHex(c.rendezvous), key, e));
      if (ids.includes(rendezvousId)) return fromHex(c.pinnedKey);
    }
    return undefined;
  }

  /** What a session starts with: our request, or (between friends) a yes and then sync. */
  greet(session: SecureSession): void {
    const contact = this.#o.contacts.get(session.peer.profileId);
    if (contact?.state === 'outgoing') this.sendRequest(session, contact);
    if (contact?.state === 'friend' && !this.quarantined(session)) {
      this.#o.send(session, FrameType.FriendAccept, {});
      this.#o.onFriendSession(session);
    }
  }

  /** A request not yet answered is asked again on every beat (a lossy link may have lost it). */
  onBeat(session: SecureSession): void {
    const contact = this.#o.contacts.get(session.peer.profileId);
    if (contact?.state === 'outgoing') this.sendRequest(session, contact);
  }

  sendRequest(session: SecureSession, contact: Contact): void {
    this.#o.send(session, FrameType.FriendRequest, contact.note ? { note: contact.note } : {});
  }

  async #paired(session: SecureSession, secret: string): Promise<void> {
    const c = this.#o.contacts.get(session.peer.profileId);
    if (!c || (c.state !== 'friend' && c.state !== 'outgoing') || c.rendezvous) return;
    if (c.pinnedKey && c.pinnedKey !== toHex(session.peerStaticKey)) return;
    await this.#o.contacts.update(c.id, { rendezvous: secret });
    this.#o.connections().relisten();
  }

  async #onRequest(session: SecureSession, note: string | undefined): Promise<void> {
    const id = session.peer.profileId;
    const contact = this.#o.contacts.get(id);
    if (contact?.state === 'blocked' || contact?.state === 'declined' || contact?.state === 'incoming') return;
    if (!contact && !this.#admitRequest(id)) return;
    if (contact?.state === 'friend') {
      this.#o.send(session, FrameType.FriendAccept, {});
      return;
    }
    if (contact?.state === 'outgoing') {
      // We both asked: that is a yes from both sides.
      await this.#becomeFriends(session, contact);
      this.#o.send(session, FrameType.FriendAccept, {});
      return;
    }
    const request = await this.#o.contacts.put({
      id,
      name: session.peer.displayName,
      state: 'incoming',
      verified: false,
      createdAt: this.#o.now(),
      ...(note ? { note } : {}),
      ...(session.inviteId ? { viaInvite: true } : {}),
    });
    this.#o.onFriendRequest(request);
    this.#o.onChange();
  }

  /**
   * A new request from a stranger: not from a declined profile, not more than
   * REQUESTS_PER_MINUTE in a minute, and at most MAX_PENDING_REQUESTS waiting (the oldest goes,
   * and is counted in `droppedRequests`).
   */
  #admitRequest(id: string): boolean {
    const now = this.#o.now();
    if (this.#o.contacts.isDeclined(id, now)) return false;
    this.#recentRequests = this.#recentRequests.filter((t) => t > now - 60_000);
    if (this.#recentRequests.length >= REQUESTS_PER_MINUTE) {
      this.droppedRequests++;
      this.#o.onChange();
      return false;
    }
    this.#recentRequests.push(now);
    const pending = this.#o.contacts.all().filter((c) => c.state === 'incoming').sort((a, b) => a.createdAt - b.createdAt);
    for (const old of pending.slice(0, Math.max(0, pending.length - MAX_PENDING_REQUESTS + 1))) {
      this.droppedRequests++;
      void this.#o.contacts.remove(old.id);
      this.#o.connections().drop(old.id);
    }
    return true;
  }

  async #onAccept(session: SecureSession): Promise<void> {
    const contact = this.#o.contacts.get(session.peer.profileId);
    if (contact?.state === 'outgoing') await this.#becomeFriends(session, contact);
  }

  async #onDecline(session: SecureSession): Promise<void> {
    const id = session.peer.profileId;
    if (this.#o.contacts.get(id)?.state !== 'outgoing') return;
    await this.#o.contacts.update(id, { state: 'declined', invite: undefined });
    this.#o.connections().drop(id);
    this.#o.onChange();
  }

  async #becomeFriends(session: SecureSession, contact: Contact): Promise<void> {
    const friend = await this.#o.contacts.update(contact.id, { state: 'friend', invite: undefined, pinnedKey: toHex(session.peerStaticKey) });
    // A session that began as a stranger's (manual signaling, both adding at once) now counts.
    this.#o.connections().promote(contact.id);
    this.#o.onFriend(friend!);
    this.#o.onChange();
    this.#o.onFriendSession(session);
  }
}
