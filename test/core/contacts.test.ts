import { expect } from '@esm-bundle/chai';
import { Contacts, type Contact } from '../../src/core/contacts.js';
import { IdbStore } from '../../src/storage/idb-store.js';
import { Keyspace } from '../../src/storage/keyspace.js';
import type { Store } from '../../src/storage/store.js';

/** A real IndexedDB store that remembers which keys each write touched. */
class WatchedStore extends IdbStore {
  written: string[] = [];
  override set(key: string, value: unknown): Promise<void> {
    this.written.push(key);
    return super.set(key, value);
  }
  override setMany(entries: [string, unknown][]): Promise<void> {
    this.written.push(...entries.map(([key]) => key));
    return super.setMany(entries);
  }
}

let profiles = 0;
const freshStore = () => new WatchedStore(`contacts-${Date.now()}-${profiles++}`);
const contact = (n: number, state: Contact['state'] = 'friend'): Contact => ({
  id: n.toString(16).padStart(64, '0'),
  name: `friend ${n}`,
  state,
  verified: false,
  createdAt: n,
});

describe('contacts in storage', () => {
  it('keeps one record per contact: a change or a new request writes that contact and at most the ID list', async () => {
    const store = freshStore();
    const contacts = await Contacts.load(store);
    for (let n = 1; n <= 20; n++) await contacts.put(contact(n));
    store.written = [];
    await contacts.update(contact(7).id, { nickname: 'Seven' });
    expect(store.written).to.deep.equal([Keyspace.contact(contact(7).id)]);

    store.written = [];
    await contacts.put(contact(21, 'incoming'));
    expect(store.written.sort()).to.deep.equal([Keyspace.contact(contact(21).id), Keyspace.contacts].sort());
    expect(await store.get<string[]>(Keyspace.contacts)).to.have.length(21);

    const again = await Contacts.load(store);
    expect(again.get(contact(7).id)?.nickname).to.equal('Seven');
    expect(again.all().map((c) => c.id)).to.deep.equal(contacts.all().map((c) => c.id));
  });

  it('removes the record of a removed contact, not just its ID', async () => {
    const store = freshStore();
    const contacts = await Contacts.load(store);
    await contacts.put(contact(1));
    await contacts.put(contact(2));
    await contacts.remove(contact(1).id);
    expect(await store.get(Keyspace.contact(contact(1).id))).to.equal(undefined);
    expect(await store.get(Keyspace.contacts)).to.deep.equal([contact(2).id]);
    expect((await Contacts.load(store)).all()).to.deep.equal([contact(2)]);
  });

  it('moves a list stored in the earlier layout (one value) to one record per contact', async () => {
    const store: Store = freshStore();
    await store.set(Keyspace.contacts, [contact(1), contact(2, 'incoming')]);
    const contacts = await Contacts.load(store);
    expect(contacts.all()).to.deep.equal([contact(1), contact(2, 'incoming')]);
    expect(await store.get(Keyspace.contacts)).to.deep.equal([contact(1).id, contact(2).id]);
    expect(await store.get(Keyspace.contact(contact(2).id))).to.deep.equal(contact(2, 'incoming'));
  });
});
