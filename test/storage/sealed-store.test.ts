import { expect } from '@esm-bundle/chai';
import { createStore, get as rawGet, keys as rawKeys, set as rawSet } from 'idb-keyval';
import { FriendsChatError } from '../../src/errors.js';
import { IdbStore } from '../../src/storage/idb-store.js';
import { decodeRecord, encodeRecord, padme } from '../../src/storage/record-codec.js';
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
    const disk = await rawKeys(createStore(`friends-chat:${profile}`, 'kv'));
    expect(disk).to.have.length(2);
    for (const k of disk) expect(String(k)).to.match(/^~[A-Za-z0-9_-]{22}$/);
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
    expect(errors).to.have.length(1);
  });
});

describe('the record codec', () => {
  it('refuses what is not plain data instead of storing it as {}', async () => {
    const error = await encodeRecord({ when: new Map() }).catch((e) => e);
    expect(error).to.be.instanceOf(TypeError);
  });
});
