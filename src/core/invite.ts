import { randomBytes } from '../crypto/index.js';
import { FriendsChatError } from '../errors.js';
import { PROFILE_ID_PATTERN } from '../identity/identity.js';
import { Keyspace } from '../storage/keyspace.js';
import type { Store } from '../storage/store.js';
import { concat, fromBase64Url, fromHex, toBase64Url, toHex } from '../util/bytes.js';

const PREFIX = 'fc1.';
/** Invites expire; an old link lying around should not work forever. */
export const INVITE_LIFETIME = 30 * 24 * 60 * 60 * 1000;

/** A parsed invite: who to reach, and the one-time secret for the XXpsk3 handshake. */
export interface Invite {
  profileId: string;
  id: string;
  secret: string;
}

/** `fc1.` + base64url(Ed25519 key ‖ invite ID (16) ‖ secret (32)). */
export function encodeInvite(invite: Invite): string {
  return PREFIX + toBase64Url(concat(fromHex(invite.profileId), fromHex(invite.id), fromHex(invite.secret)));
}

/** Accepts the bare invite or any link that carries one (`…#friends-chat-invite=fc1.…`). */
export function decodeInvite(text: string): Invite {
  const found = new Set(Array.from(String(text).matchAll(/fc1\.([A-Za-z0-9_-]{107})(?![A-Za-z0-9_-])/g), (m) => m[1]!));
  // A link that shows one invite but carries another must not pick one silently.
  if (found.size > 1) throw new FriendsChatError('bad-invite', 'the text holds more than one invite');
  const [encoded] = found;
  if (!encoded) throw new FriendsChatError('bad-invite', 'this is not a friends-chat invite');
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(encoded);
  } catch {
    throw new FriendsChatError('bad-invite', 'the invite is damaged');
  }
  if (bytes.length !== 80) throw new FriendsChatError('bad-invite', 'the invite is damaged');
  return { profileId: toHex(bytes.subarray(0, 32)), id: toHex(bytes.subarray(32, 48)), secret: toHex(bytes.subarray(48, 80)) };
}

export function isProfileId(text: string): boolean {
  return PROFILE_ID_PATTERN.test(text);
}

interface StoredInvite {
  id: string;
  secret: string;
  createdAt: number;
}

/**
 * Invites this profile created and that are still unused. Held in memory so the
 * handshake can reserve a secret synchronously: the first handshake that names an invite
 * takes it, a second one at the same time is refused at its first message. A reservation
 * ends in `consume` (the handshake succeeded: the invite is deleted) or `release` (it
 * failed: the invite can be used again).
 *
 * An invite is a convenience, not a proof: anyone who saw the link can redeem it, so a
 * request "via your invite" says only that its sender had the link (docs/rendezvous.md).
 */
export class Invites {
  readonly #store: Store;
  readonly #now: () => number;
  #list: StoredInvite[];
  readonly #reserved = new Set<string>();

  private constructor(store: Store, list: StoredInvite[], now: () => number) {
    this.#store = store;
    this.#list = list;
    this.#now = now;
  }

  static async load(store: Store, now: () => number): Promise<Invites> {
    const list = (await store.get<StoredInvite[]>(Keyspace.invites)) ?? [];
    return new Invites(store, Array.isArray(list) ? list : [], now);
  }

  async create(profileId: string): Promise<Invite> {
    const stored = { id: toHex(randomBytes(16)), secret: toHex(randomBytes(32)), createdAt: this.#now() };
    this.#list = [...this.#list.filter((i) => this.#now() - i.createdAt < INVITE_LIFETIME), stored];
    await this.#store.set(Keyspace.invites, this.#list);
    return { profileId, id: stored.id, secret: stored.secret };
  }

  /**
   * Reserves an unused, unexpired, unreserved invite for one handshake and returns its
   * secret, or null. Synchronous, so two handshakes can never both hold it.
   */
  reserve(id: Uint8Array): Uint8Array | null {
    const hex = toHex(id);
    if (this.#reserved.has(hex)) return null;
    const found = this.#list.find((i) => i.id === hex && this.#now() - i.createdAt < INVITE_LIFETIME);
    if (!found) return null;
    this.#reserved.add(hex);
    return fromHex(found.secret);
  }

  /** Whether the invite with this ID (hex) can still open a handshake: not used, not expired. */
  isOpen(id: string): boolean {
    return this.#list.some((i) => i.id === id && this.#now() - i.createdAt < INVITE_LIFETIME);
  }

  /** The handshake that reserved this invite failed: it may be used again. */
  release(id: Uint8Array): void {
    this.#reserved.delete(toHex(id));
  }

  /** Marks an invite used: it will not open another handshake. */
  async consume(id: Uint8Array): Promise<void> {
    const hex = toHex(id);
    this.#list = this.#list.filter((i) => i.id !== hex);
    this.#reserved.delete(hex);
    await this.#store.set(Keyspace.invites, this.#list);
  }
}
