import type { ContactState, Status } from '../model/index.js';
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
  /** What a friend last sent in a Status frame (friends only; docs/protocol.md). */
  status?: { s: Status; t?: string; a?: string };
  createdAt: number;
}


/** The records that hold `contacts`: one per contact and the list of their IDs. */
export function contactRecords(contacts: Contact[]): [string, unknown][] {
  return [[Keyspace.contacts, contacts.map((c) => c.id)], ...contacts.map((c): [string, unknown] => [Keyspace.contact(c.id), c])];
}

/**
 * The contact list of one profile, held in memory and written through to the store: one
 * record per contact and a list of their IDs, so a change to one contact (or a stranger's
 * request) writes that contact, not the whole list. Writes are serialised in call order.
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
    const [stored, declined] = await Promise.all([store.get<unknown[]>(Keyspace.contacts), store.get<Record<string, number>>(Keyspace.declined)]);
    const list = Array.isArray(stored) ? stored : [];
    let contacts: Contact[];
    if (list.every((id) => typeof id === 'string')) {
      contacts = (await store.getMany<Contact>(list.map((id) => Keyspace.contact(id as string)))).filter((c): c is Contact => !!c);
    } else {
      // The layout before one record per contact: the whole list in one value.
      contacts = list.filter((c): c is Contact => !!c && typeof c === 'object' && typeof (c as Contact).id === 'string');
      await store.setMany(contactRecords(contacts));
    }
    return new Contacts(store, contacts, declined && typeof declined === 'object' ? declined : {});
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

  /** Writes a contact (replacing what exists); a new one also extends the list of IDs. */
  async put(contact: Contact): Promise<Contact> {
    const isNew = !this.#map.has(contact.id);
    this.#map.set(contact.id, contact);
    const records: [string, unknown][] = [[Keyspace.contact(contact.id), contact]];
    if (isNew) records.push([Keyspace.contacts, [...this.#map.keys()]]);
    await this.#write(() => this.#store.setMany(records));
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
    if (!this.#map.delete(id)) return;
    const ids = [...this.#map.keys()];
    await this.#write(async () => {
      // The record first: a crash in between leaves an ID without a record (skipped on load), never a forgotten record.
      await this.#store.del(Keyspace.contact(id));
      await this.#store.set(Keyspace.contacts, ids);
    });
  }

  /** Serialises writes in call order, so a later write of the same record always wins. */
  #write(write: () => Promise<void>): Promise<void> {
    this.#writing = this.#writing.catch(() => {}).then(write);
    return this.#writing;
  }
}
