import { expect } from '@esm-bundle/chai';
import { createStore, get as rawGet, keys as rawKeys, set as rawSet } from 'idb-keyval';
import { FriendsChatError } from '../../src/errors.js';
import { IdbStore } from '../../src/storage/idb-store.js';
import { decodeRecord, encodeRecord, padme } from '../../src/storage/record-codec.js';
import { isVersionsName } from '../../src/storage/record-versions.js';
import { SealedStore } from '../../src/storage/sealed-store.js';
import { uniqueProfile } from '../helpers/env.js';

async function sealedOn(profile: string, errors: FriendsChatError[] = []): Promise<SealedStore> {
  const key = new Uint8Array(32).fill(7);
  return SealedStore.open(new IdbStore(profile), key, (e) => errors.push(e));
}

describe('SealedStore over IndexedDB', () => {
  it('round-trips plain data: objects, arrays, bytes, Blobs, odd numbers and a "\\u0000" key', async () => {
    const value = {
      text: 'Grüße 🙂',
      n: [1, -0.5, NaN, Infinity],
      bytes: new Uint8Array([1, 2, 3]),
      nested: { blob: new Blob([new Uint8Array([9, 8])], { type: 'image/png' }), missing: undefined },
      '\u0000': { o: 1, l: 2 },
    };
    const back = decodeRecord(await encodeRecord(value)) as typeof value;
    expect(back.text).to.equal(value.text);
    expect(back.n[2]).to.be.NaN;
    expect(back.n.slice(0, 2).concat(back.n[3]!)).to.deep.equal([1, -0.5, Infinity]);
    expect([...back.bytes]).to.deep.equal([1, 2, 3]);
    expect(back.nested.blob.type).to.equal('image/png');
    expect([...new Uint8Array(await back.nested.blob.arrayBuffer())]).to.deep.equal([9, 8]);
    expect(back.nested.missing).to.equal(undefined);
    expect(back['\u0000']).to.deep.equal({ o: 1, l: 2 });
  });

  it('pads to Padmé buckets of at most ~12 % more, 256 bytes at least', () => {
    expect(padme(1)).to.equal(256);
    for (const n of [300, 1000, 16410, 70000, 1e6]) {
      expect(padme(n)).to.be.at.least(n);
      expect(padme(n) / n).to.be.at.most(1.125);
    }
    expect(padme(1001)).to.equal(padme(1010));
  });

  it('keeps no key name or value readable on disk, and lists and deletes by logical name', async () => {
    const profile = uniqueProfile('sealed');
    const store = await sealedOn(profile);
    await store.setMany([['log:abc:page:0', ['secret text']], ['contacts', { name: 'Carol' }]]);
    const disk = (await rawKeys(createStore(`friends-chat:${profile}`, 'kv'))).map(String);
    // The two records, and the version index: its root and the shards the write touched.
    const records = disk.filter((k) => !isVersionsName(k));
    expect(records).to.have.length(2);
    for (const k of records) expect(k).to.match(/^~[A-Za-z0-9_-]{22}$/);
    expect(disk.filter(isVersionsName)).to.include('~v');
    expect(await store.get('log:abc:page:0')).to.deep.equal(['secret text']);
    expect((await store.keys()).sort()).to.deep.equal(['contacts', 'log:abc:page:0']);
    await store.del('contacts');
    expect(await store.keys()).to.deep.equal(['log:abc:page:0']);
  });

  for (const [what, damage] of [
    ['an altered byte', async (idb: ReturnType<typeof createStore>, a: string) => {
      const v = (await rawGet<Uint8Array>(a, idb))!;
      v[v.length - 20]! ^= 1;
      await rawSet(a, v, idb);
    }],
    ['a truncated record', async (idb: ReturnType<typeof createStore>, a: string) => {
      const v = (await rawGet<Uint8Array>(a, idb))!;
      await rawSet(a, v.slice(0, v.length - 16), idb);
    }],
    ['records swapped between two keys', async (idb: ReturnType<typeof createStore>, a: string, b: string) => {
      const [va, vb] = [await rawGet(a, idb), await rawGet(b, idb)];
      await rawSet(a, vb, idb);
      await rawSet(b, va, idb);
    }],
  ] as const) {
    it(`reports ${what} as storage-tampered and reads it as absent, the rest still readable`, async () => {
      const profile = uniqueProfile('sealed');
      const errors: FriendsChatError[] = [];
      const store = await sealedOn(profile, errors);
      await store.setMany([['a', { text: 'first' }], ['b', { text: 'second' }], ['c', { text: 'third' }]]);
      const idb = createStore(`friends-chat:${profile}`, 'kv');
      await damage(idb, await store.diskName('a'), await store.diskName('b'));
      expect(await store.get('a')).to.equal(undefined);
      expect(errors.map((e) => e.code)).to.deep.equal(['storage-tampered']);
      expect(errors[0]!.message).to.not.contain('first');
      expect(await store.get('c')).to.deep.equal({ text: 'third' });
      await store.set('a', { text: 'written again' });
      expect(await store.get('a')).to.deep.equal({ text: 'written again' });
    });
  }

  it('opens nothing under another data key', async () => {
    const profile = uniqueProfile('sealed');
    await (await sealedOn(profile)).set('a', 1);
    const errors: FriendsChatError[] = [];
    const other = await SealedStore.open(new IdbStore(profile), new Uint8Array(32).fill(8), (e) => errors.push(e));
    expect(await other.keys()).to.deep.equal([]);
    // One report each for the version index's root, the one shard written, and the record.
    expect(errors.map((e) => e.code)).to.deep.equal(['storage-tampered', 'storage-tampered', 'storage-tampered']);
  });

  describe('a record put back from an older copy of the store', () => {
    const idbOf = (profile: string) => createStore(`friends-chat:${profile}`, 'kv');

    it('is reported and read as absent, now and after reopening; the rest still reads', async () => {
      const profile = uniqueProfile('sealed');
      const errors: FriendsChatError[] = [];
      const store = await sealedOn(profile, errors);
      await store.setMany([['contacts', { blocked: [] }], ['other', 'kept']]);
      const disk = await store.diskName('contacts');
      const old = await rawGet(disk, idbOf(profile));
      await store.set('contacts', { blocked: ['mallory'] });
      await rawSet(disk, old, idbOf(profile));
      expect(await store.get('contacts')).to.equal(undefined);
      expect(errors.map((e) => e.code)).to.deep.equal(['storage-tampered']);
      expect(await store.get('other')).to.equal('kept');

      const reopenedErrors: FriendsChatError[] = [];
      const reopened = await sealedOn(profile, reopenedErrors);
      expect(await reopened.get('contacts')).to.equal(undefined);
      expect(reopenedErrors.map((e) => e.code)).to.deep.equal(['storage-tampered']);
      // Written again, it is current again.
      await reopened.set('contacts', { blocked: ['mallory', 'eve'] });
      expect(await reopened.get('contacts')).to.deep.equal({ blocked: ['mallory', 'eve'] });
    });

    it('is reported when it had been deleted', async () => {
      const profile = uniqueProfile('sealed');
      const errors: FriendsChatError[] = [];
      const store = await sealedOn(profile, errors);
      await store.set('file:x:0', new Uint8Array([1, 2, 3]));
      const disk = await store.diskName('file:x:0');
      const old = await rawGet(disk, idbOf(profile));
      await store.del('file:x:0');
      await rawSet(disk, old, idbOf(profile));
      expect(await (await sealedOn(profile, errors)).get('file:x:0')).to.equal(undefined);
      expect(errors.map((e) => e.code)).to.deep.equal(['storage-tampered']);
    });

    it('is reported when put back together with its part of the index', async () => {
      const profile = uniqueProfile('sealed');
      const store = await sealedOn(profile);
      await store.set('log:c:page:0', ['first']);
      const idb = idbOf(profile);
      const before = new Map<string, unknown>();
      for (const k of (await rawKeys(idb)).map(String)) before.set(k, await rawGet(k, idb));
      await store.set('log:c:page:0', ['first', 'second']);
      await store.set('unrelated', 1);
      // Everything but the index's root goes back to the older copy.
      for (const [k, v] of before) if (k !== '~v') await rawSet(k, v, idb);
      const errors: FriendsChatError[] = [];
      const reopened = await sealedOn(profile, errors);
      expect(await reopened.get('log:c:page:0')).to.equal(undefined);
      expect(errors.length).to.be.greaterThan(0);
      expect(errors.every((e) => e.code === 'storage-tampered')).to.equal(true);
      expect(await reopened.get('unrelated')).to.equal(1);
    });

    it('is not a false alarm while reads and writes of one record overlap', async () => {
      const profile = uniqueProfile('sealed');
      const errors: FriendsChatError[] = [];
      const store = await sealedOn(profile, errors);
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 50; i++) work.push(store.set('page', [i]), store.get('page'), store.getMany(['page', 'other']));
      await Promise.all(work);
      expect(await store.get('page')).to.deep.equal([49]);
      expect(errors).to.deep.equal([]);
    });
  });
});

describe('the record codec', () => {
  it('refuses what is not plain data instead of storing it as {}', async () => {
    const error = await encodeRecord({ when: new Map() }).catch((e) => e);
    expect(error).to.be.instanceOf(TypeError);
  });
});
