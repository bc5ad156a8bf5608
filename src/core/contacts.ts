import type { ContactState } from '../model/index.js';
import { Keyspace } from '../storage/keyspace.js';
import type { Store } from '../storage/store.js';

export type { ContactState } from '../model/index.js';

/** What this profile knows about another profile. */
export interface Contact {
  /** Their profile ID (hex Ed25519 key). */
  id: string;
  /** The name they offered in their handshake. */
  name: string;
  /** A local rename, if the user set one. */
  nickname?: string;
  state: ContactState;
  /** Note sent with an incoming request, or written with an outgoing one. */
  note?: string;
  /** The X25519 key pinned at accept (hex); a different one later is a key change. */
  pinnedKey?: string;
  /** A key different from the pinned one was seen; sending is blocked until verified. */
  changedKey?: string;
  verified: boolean;
  /** Outgoing through an invite: ID and secret for the XXpsk3 handshake. */
  invite?: { id: string; secret: string };
  /**
   * Incoming request that used one of our invites. Not a proof of who sent it: anyone who
   * saw the link could have redeemed it (docs/rendezvous.md).
   */
  viaInvite?: boolean;
  /** Hex secret shared with this friend for pairwise rendezvous IDs (docs/rendezvous.md). */
  rendezvous?: string;
  createdAt: number;
}


/**
 * The contact list of one profile, held in memory and written through to the store as one
 * small value (contact lists are short; messages are stored elsewhere, in pages).
 */
export class Contacts {
  readonly #store: Store;
  readonly #map = new Map<string, Contact>();
  /** Declined requesters: ID → until when their new requests are ignored. */
  readonly #declined: Map<string, number>;
  #writing: Promise<void> = Promise.resolve();

  private constructor(store: Store, contacts: Contact[], declined: Record<string, number>) {
    this.#store = store;
    for (const c of contacts) this.#map.set(c.id, c);
    this.#declined = new Map(Object.entries(declined));
  }

  static async load(store: Store): Promise<Contacts> {
    const [stored, declined] = await Promise.all([store.get<Contact[]>(Keyspace.contacts), store.get<Record<string, number>>(Keyspace.declined)]);
    return new Contacts(store, Array.isArray(stored) ? stored : [], declined && typeof declined === 'object' ? declined : {});
  }

  /** Whether a request from `id` is to be ignored (the user declined one until `until`). */
  isDeclined(id: string, now: number): boolean {
    return (this.#declined.get(id) ?? 0) > now;
  }

  /** Remembers a declined requester (a tombstone), dropping tombstones that have run out. */
  async decline(id: string, until: number, now: number): Promise<void> {
    for (const [other, end] of this.#declined) if (end <= now) this.#declined.delete(other);
    this.#declined.set(id, until);
    await this.#store.set(Keyspace.declined, Object.fromEntries(this.#declined));
  }

  get(id: string): Contact | undefined {
    return this.#map.get(id);
  }

  all(): Contact[] {
    return [...this.#map.values()];
  }

  isFriend(id: string): boolean {
    return this.#map.get(id)?.state === 'friend';
  }

  /** Writes a contact (merged with what exists) and persists the list. */
  async put(contact: Contact): Promise<Contact> {
    this.#map.set(contact.id, contact);
    await this.#persist();
    return contact;
  }

  async update(id: string, change: Partial<Contact>): Promise<Contact | undefined> {
    const existing = this.#map.get(id);
    if (!existing) return undefined;
    const next = { ...existing, ...change };
    for (const key of Object.keys(change) as (keyof Contact)[]) if (change[key] === undefined) delete next[key];
    return this.put(next);
  }

  async remove(id: string): Promise<void> {
    this.#map.delete(id);
    await this.#persist();
  }

  #persist(): Promise<void> {
    // Serialise writes; each writes the current snapshot, so the last one wins.
    this.#writing = this.#writing.catch(() => {}).then(() => this.#store.set(Keyspace.contacts, this.all()));
    return this.#writing;
  }
}
