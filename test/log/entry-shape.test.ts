import { expect } from '@esm-bundle/chai';
import { checkEntryShape, MAX_BODY_CHARS } from '../../src/log/entry.js';

const H = (c: string) => c.repeat(64);
/** A well-formed entry as the wire carries it (shape only: signatures are checked later). */
const good = {
  id: H('1'),
  author: H('a'),
  seq: 2,
  prev: H('2'),
  deps: [H('3')],
  clock: 5,
  ts: 1700000000000,
  kind: 'text',
  bodyHash: H('4'),
  sig: 'f'.repeat(128),
  body: '{"text":"hi"}',
};
const without = (key: keyof typeof good) => {
  const copy: Record<string, unknown> = { ...good };
  delete copy[key];
  return copy;
};

describe('checkEntryShape: must-fail table', () => {
  it('accepts a well-formed entry, with and without optional fields', () => {
    expect(checkEntryShape(good)).to.deep.equal({ entry: good });
    expect(checkEntryShape({ ...good, seq: 1, prev: '', deps: [] })).to.have.property('entry');
    expect(checkEntryShape({ ...good, expiresAt: 1700000060000 })).to.have.property('entry');
    expect(checkEntryShape(without('body'))).to.have.property('entry');
    expect(checkEntryShape({ ...good, kind: 'file' })).to.have.property('entry');
  });

  // Each row: input → the refusal.
  const rows: [string, unknown, string][] = [
    ['null', null, 'entry: expected an object'],
    ['an array', [good], 'entry: expected an object'],
    ['a string', JSON.stringify(good), 'entry: expected an object'],
    ['an unknown field', { ...good, conversation: H('c') }, 'entry.conversation: expected no such field'],
    ['a __proto__ field', JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(good).slice(1)}`), 'entry.__proto__: expected no such field'],
    ['id missing', without('id'), 'entry.id: expected a string of 64..64 chars'],
    ['id too short', { ...good, id: H('1').slice(1) }, 'entry.id: expected a string of 64..64 chars'],
    ['id upper-case', { ...good, id: H('A') }, 'entry.id: expected a string matching /^[0-9a-f]*$/'],
    ['author not hex', { ...good, author: H('g') }, 'entry.author: expected a string matching /^[0-9a-f]*$/'],
    ['seq 0', { ...good, seq: 0 }, 'entry.seq: expected an integer in 1..1099511627776'],
    ['seq fractional', { ...good, seq: 1.5 }, 'entry.seq: expected an integer in 1..1099511627776'],
    ['seq a string', { ...good, seq: '2' }, 'entry.seq: expected an integer in 1..1099511627776'],
    ['seq beyond 2^40', { ...good, seq: 2 ** 40 + 1 }, 'entry.seq: expected an integer in 1..1099511627776'],
    ['prev not hex', { ...good, prev: H('x') }, 'entry.prev: expected a string matching /^([0-9a-f]{64})?$/'],
    ['prev 63 chars', { ...good, prev: H('2').slice(1) }, 'entry.prev: expected a string matching /^([0-9a-f]{64})?$/'],
    ['prev too long', { ...good, prev: H('2') + '2' }, 'entry.prev: expected a string of 0..64 chars'],
    ['deps not an array', { ...good, deps: H('3') }, 'entry.deps: expected an array of at most 64'],
    ['65 deps', { ...good, deps: Array.from({ length: 65 }, (_, i) => i.toString(16).padStart(64, '0')) }, 'entry.deps: expected an array of at most 64'],
    ['format 2 is implicit: v 2 refused', { ...good, v: 2 }, 'entry.v: expected an integer in 1..1'],
    ['late is local, never from the wire', { ...good, late: true }, 'entry.late: expected no such field'],
    ['a dep not hex', { ...good, deps: [H('z')] }, 'entry.deps[0]: expected a string matching /^[0-9a-f]*$/'],
    ['a dep a number', { ...good, deps: [3] }, 'entry.deps[0]: expected a string of 64..64 chars'],
    ['clock 0', { ...good, clock: 0 }, 'entry.clock: expected an integer in 1..35184372088832'],
    ['clock negative', { ...good, clock: -5 }, 'entry.clock: expected an integer in 1..35184372088832'],
    ['ts negative', { ...good, ts: -1 }, 'entry.ts: expected an integer in 0..1125899906842624'],
    ['ts a date string', { ...good, ts: '2026-01-01' }, 'entry.ts: expected an integer in 0..1125899906842624'],
    ['kind unknown', { ...good, kind: 'html' }, 'entry.kind: expected text|file|reply|react|edit|delete|member|key|sealed'],
    ['kind missing', without('kind'), 'entry.kind: expected text|file|reply|react|edit|delete|member|key|sealed'],
    ['bodyHash short', { ...good, bodyHash: 'ab' }, 'entry.bodyHash: expected a string of 64..64 chars'],
    ['expiresAt a string', { ...good, expiresAt: 'soon' }, 'entry.expiresAt: expected an integer in 0..1125899906842624'],
    ['expiresAt null', { ...good, expiresAt: null }, 'entry.expiresAt: expected an integer in 0..1125899906842624'],
    ['sig 64 bytes of hex short', { ...good, sig: 'f'.repeat(126) }, 'entry.sig: expected a string of 128..128 chars'],
    ['sig missing', without('sig'), 'entry.sig: expected a string of 128..128 chars'],
    ['body a number', { ...good, body: 7 }, `entry.body: expected a string of 0..${MAX_BODY_CHARS} chars`],
    ['body too long', { ...good, body: 'x'.repeat(MAX_BODY_CHARS + 1) }, `entry.body: expected a string of 0..${MAX_BODY_CHARS} chars`],
    ['body null', { ...good, body: null }, `entry.body: expected a string of 0..${MAX_BODY_CHARS} chars`],
  ];
  for (const [name, input, expected] of rows) {
    it(`refuses ${name}`, () => {
      expect(checkEntryShape(input)).to.deep.equal({ error: expected });
    });
  }
});
