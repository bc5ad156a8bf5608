import { expect } from '@esm-bundle/chai';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '../../src/crypto/index.js';
import { openBackup, sealBackup } from '../../src/identity/backup.js';
import { Identity, rendezvousId, verifyBinding } from '../../src/identity/identity.js';
import { safetyNumber } from '../../src/identity/safety-number.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { concat, fromHex, toHex, utf8 } from '../../src/util/bytes.js';

const a = (await Identity.generate()).profileId;
const b = (await Identity.generate()).profileId;
const c = (await Identity.generate()).profileId;

describe('Identity', () => {
  it('is created once per store and loaded again after that', async () => {
    const store = new MemoryStore();
    const first = await Identity.load(store);
    const again = await Identity.load(store);
    expect(first.profileId).to.match(/^[0-9a-f]{64}$/);
    expect(again.profileId).to.equal(first.profileId);
    expect(toHex(again.dh.publicKey)).to.equal(toHex(first.dh.publicKey));
  });

  it('binds the X25519 key to the profile with an Ed25519 signature', async () => {
    const id = (await Identity.generate());
    expect(await verifyBinding(id.signing.publicKey, id.dh.publicKey, id.binding)).to.equal(true);
    const other = (await Identity.generate());
    expect(await verifyBinding(id.signing.publicKey, other.dh.publicKey, id.binding)).to.equal(false);
    expect(await verifyBinding(other.signing.publicKey, id.dh.publicKey, id.binding)).to.equal(false);
  });

  it('derives the rendezvous ID as the first 32 hex of SHA-256("friends-chat/rdv/1" ‖ key)', async () => {
    const id = (await Identity.generate());
    const expected = toHex(sha256(concat(utf8('friends-chat/rdv/1'), id.signing.publicKey))).slice(0, 32);
    expect(id.rendezvousId).to.equal(expected);
    expect(rendezvousId(fromHex(id.profileId))).to.equal(expected);
    expect(id.profileId.includes(id.rendezvousId)).to.equal(false);
  });
});

describe('safetyNumber', () => {

  it('is 60 digits in 12 groups of 5, the same on both sides', () => {
    const ab = safetyNumber(a, b);
    expect(ab).to.match(/^\d{5}( \d{5}){11}$/);
    expect(safetyNumber(b, a)).to.equal(ab);
  });

  it('changes when either key changes', () => {
    expect(safetyNumber(a, c)).to.not.equal(safetyNumber(a, b));
    expect(safetyNumber(c, b)).to.not.equal(safetyNumber(a, b));
  });

  it('rejects anything but two profile IDs', () => {
    expect(() => safetyNumber('xyz', b)).to.throw(/profile IDs/);
  });
});

describe('identity backup', function () {
  this.timeout(60000);
  const secret = utf8('{"hello":"world"}');
  const light = { N: 2 ** 14, r: 8, p: 1 };

  it('round-trips with the strong default parameters (scrypt N=2^17, r=8, p=1)', async () => {
    const backup = await sealBackup(secret, 'correct horse battery');
    expect(backup).to.match(/^friends-chat-backup\.2\.17\.8\.1\.[A-Za-z0-9_-]+$/);
    expect(backup).to.not.contain('hello');
    expect(await openBackup(backup, 'correct horse battery')).to.deep.equal(secret);
  });

  it('tells a wrong passphrase from a damaged backup', async () => {
    const backup = await sealBackup(secret, 'correct horse battery', light);
    let error = await openBackup(backup, 'wrong horse battery').catch((e) => e);
    expect(error.code).to.equal('bad-passphrase');
    const damaged = backup.slice(0, -10) + (backup.at(-10) === 'A' ? 'B' : 'A') + backup.slice(-9);
    error = await openBackup(damaged, 'correct horse battery').catch((e) => e);
    expect(error.code).to.equal('bad-backup');
    error = await openBackup('hello', 'correct horse battery').catch((e) => e);
    expect(error.code).to.equal('bad-backup');
    error = await openBackup(backup.replace('.14.', '.30.'), 'correct horse battery').catch((e) => e);
    expect(error.code).to.equal('bad-backup');
  });

  it('refuses a short passphrase', async () => {
    const error = await sealBackup(secret, 'short').catch((e) => e);
    expect(error.code).to.equal('bad-passphrase');
  });
});

describe('Identity.sign', () => {
  it('gives the deterministic Ed25519 signature of RFC 8032 (noble computes the same)', async () => {
    const id = await Identity.generate();
    for (const message of [new Uint8Array(0), utf8('hello'), sha256(utf8('entry'))]) {
      expect(toHex(await id.sign(message))).to.equal(toHex(ed25519.sign(message, id.signing.privateKey)));
    }
  });
});
