import { expect } from '@esm-bundle/chai';
import { checkImportedContacts, MAX_IMPORTED_CONTACTS } from '../../src/identity/contact-schema.js';

const SELF = 'a'.repeat(64);
const good = { id: 'b'.repeat(64), name: 'Bob', state: 'friend', verified: false, createdAt: 1700000000000 };
const full = {
  ...good,
  id: 'c'.repeat(64),
  nickname: 'Carol',
  note: 'hi',
  pinnedKey: 'd'.repeat(64),
  changedKey: 'e'.repeat(64),
  invite: { id: 'f'.repeat(32), secret: '0'.repeat(64) },
  viaInvite: true,
  rendezvous: '1'.repeat(64),
};

function refusal(value: unknown): string {
  try {
    checkImportedContacts(value, SELF);
    return 'accepted';
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return `${e.code}: ${e.message}`;
  }
}

describe('imported contacts are checked against an explicit schema', () => {
  it('accepts well-formed contacts and keeps only known fields', () => {
    expect(checkImportedContacts([good, full], SELF)).to.deep.equal([good, full]);
    expect(checkImportedContacts([], SELF)).to.deep.equal([]);
  });

  // Each row: input → the refusal (always `bad-backup`, naming the path that was wrong).
  const rows: [string, unknown, RegExp][] = [
    ['not an array', { 0: good }, /contacts: expected an array/],
    ['null', null, /contacts: expected an array/],
    ['too many', Array.from({ length: MAX_IMPORTED_CONTACTS + 1 }, () => good), /contacts: expected an array of at most 5000/],
    ['a string entry', ['x'], /contacts\[0\]: expected an object/],
    ['an array entry', [[good]], /contacts\[0\]: expected an object/],
    ['unknown field', [{ ...good, isAdmin: true }], /contacts\[0\]\.isAdmin: expected no such field/],
    ['prototype key', [JSON.parse(`{"id":"${'b'.repeat(64)}","name":"B","state":"friend","verified":false,"createdAt":1,"__proto__":{"x":1}}`)], /contacts\[0\]\.__proto__: expected no such field/],
    ['missing id', [{ ...good, id: undefined }], /contacts\[0\]\.id: expected a string/],
    ['uppercase id', [{ ...good, id: 'B'.repeat(64) }], /contacts\[0\]\.id: expected a string matching/],
    ['short id', [{ ...good, id: 'b'.repeat(63) }], /contacts\[0\]\.id: expected a string of 64\.\.64/],
    ['own profile ID', [{ ...good, id: SELF }], /contacts\[0\]\.id: expected not the own profile ID/],
    ['duplicate ID', [good, { ...good, name: 'Bob 2' }], /contacts\[1\]\.id: expected an ID not listed before/],
    ['name too long', [{ ...good, name: 'x'.repeat(65) }], /contacts\[0\]\.name: expected a string of 0\.\.64/],
    ['name a number', [{ ...good, name: 7 }], /contacts\[0\]\.name: expected a string/],
    ['nickname too long', [{ ...good, nickname: 'x'.repeat(65) }], /contacts\[0\]\.nickname/],
    ['unknown state', [{ ...good, state: 'admin' }], /contacts\[0\]\.state: expected incoming\|outgoing\|friend\|declined\|blocked/],
    ['note too long', [{ ...good, note: 'x'.repeat(501) }], /contacts\[0\]\.note: expected a string of 0\.\.500/],
    ['pinnedKey not hex', [{ ...good, pinnedKey: 'z'.repeat(64) }], /contacts\[0\]\.pinnedKey/],
    ['changedKey short', [{ ...good, changedKey: 'e'.repeat(62) }], /contacts\[0\]\.changedKey/],
    ['verified a string', [{ ...good, verified: 'yes' }], /contacts\[0\]\.verified: expected a boolean/],
    ['invite without secret', [{ ...good, invite: { id: 'f'.repeat(32) } }], /contacts\[0\]\.invite\.secret/],
    ['invite with extra field', [{ ...good, invite: { id: 'f'.repeat(32), secret: '0'.repeat(64), x: 1 } }], /contacts\[0\]\.invite\.x: expected no such field/],
    ['viaInvite a number', [{ ...good, viaInvite: 1 }], /contacts\[0\]\.viaInvite: expected a boolean/],
    ['createdAt negative', [{ ...good, createdAt: -1 }], /contacts\[0\]\.createdAt: expected an integer/],
    ['createdAt fractional', [{ ...good, createdAt: 1.5 }], /contacts\[0\]\.createdAt: expected an integer/],
    ['createdAt a string', [{ ...good, createdAt: '1' }], /contacts\[0\]\.createdAt: expected an integer/],
  ];
  for (const [name, input, reason] of rows) {
    it(`refuses ${name}`, () => {
      const got = refusal(input);
      expect(got).to.match(/^bad-backup: backup contacts are malformed: /);
      expect(got).to.match(reason);
    });
  }
});
