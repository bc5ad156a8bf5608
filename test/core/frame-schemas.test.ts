import { expect } from '@esm-bundle/chai';
import { emptyFrame, entriesFrame, friendRequestFrame, headsFrame, receiptFrame, typingFrame } from '../../src/core/frames.js';
import { decodeFrame, decodeJsonBody, encodeFrame, MAX_FRAME } from '../../src/session/frame.js';
import type { Check } from '../../src/session/schema.js';
import { utf8 } from '../../src/util/bytes.js';

const A = 'a'.repeat(64);
/** The conversation every sync frame names. */
const C = 'c'.repeat(64);

/** The refusal `decodeJsonBody` gives for a body (raw text, or a value to JSON-encode). */
function refusal<T>(check: Check<T>, body: unknown): string {
  try {
    decodeJsonBody(typeof body === 'string' ? utf8(body) : utf8(JSON.stringify(body)), check);
    return 'accepted';
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

const vv = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [i.toString(16).padStart(64, '0'), 1]));

// Each row: schema, input → the refusal. A string input is sent as raw body text.
const rows: [string, Check<unknown>, unknown, string][] = [
  // Bodies that are not JSON at all.
  ['request: not JSON', friendRequestFrame, '{note:', 'FrameError: body is not UTF-8 JSON'],
  ['request: empty body', friendRequestFrame, '', 'FrameError: body is not UTF-8 JSON'],
  // friendRequestFrame
  ['request: an array', friendRequestFrame, [], 'FrameError: value: expected an object'],
  ['request: null', friendRequestFrame, null, 'FrameError: value: expected an object'],
  ['request: a string', friendRequestFrame, '"hi"', 'FrameError: value: expected an object'],
  ['request: note too long', friendRequestFrame, { note: 'x'.repeat(501) }, 'FrameError: .note: expected a string of 0..500 chars'],
  ['request: note a number', friendRequestFrame, { note: 5 }, 'FrameError: .note: expected a string of 0..500 chars'],
  ['request: unknown field', friendRequestFrame, { note: 'hi', name: 'Bob' }, 'FrameError: .name: expected no such field'],
  ['request: __proto__ field', friendRequestFrame, '{"__proto__":{"admin":true}}', 'FrameError: .__proto__: expected no such field'],
  // emptyFrame (accept / decline / ping)
  ['empty: any field', emptyFrame, { x: 1 }, 'FrameError: .x: expected no such field'],
  ['empty: an array', emptyFrame, [1], 'FrameError: value: expected an object'],
  // Every sync frame names its conversation: 64 hex.
  ['heads: c missing', headsFrame, { vv: {} }, 'FrameError: .c: expected a string of 64..64 chars'],
  ['heads: c not hex', headsFrame, { c: 'z'.repeat(64), vv: {} }, 'FrameError: .c: expected a string matching /^[0-9a-f]*$/'],
  ['entries: c a number', entriesFrame, { c: 1, entries: [] }, 'FrameError: .c: expected a string of 64..64 chars'],
  ['receipt: c too short', receiptFrame, { c: 'c'.repeat(63), delivered: 1 }, 'FrameError: .c: expected a string of 64..64 chars'],
  ['typing: c missing', typingFrame, { on: true }, 'FrameError: .c: expected a string of 64..64 chars'],
  // headsFrame
  ['heads: vv missing', headsFrame, { c: C }, 'FrameError: body failed its schema'],
  ['heads: vv an array', headsFrame, { c: C, vv: [] }, 'FrameError: body failed its schema'],
  ['heads: too many authors', headsFrame, { c: C, vv: vv(65) }, 'FrameError: body failed its schema'],
  ['heads: author not hex', headsFrame, { c: C, vv: { ['z'.repeat(64)]: 1 } }, 'FrameError: body failed its schema'],
  ['heads: author upper-case', headsFrame, { c: C, vv: { [A.toUpperCase()]: 1 } }, 'FrameError: body failed its schema'],
  ['heads: author __proto__', headsFrame, '{"c":"' + C + '","vv":{"__proto__":1}}', 'FrameError: body failed its schema'],
  ['heads: seq negative', headsFrame, { c: C, vv: { [A]: -1 } }, 'FrameError: .vv.' + A + ': expected an integer in 0..1099511627776'],
  ['heads: seq fractional', headsFrame, { c: C, vv: { [A]: 1.5 } }, 'FrameError: .vv.' + A + ': expected an integer in 0..1099511627776'],
  ['heads: seq a string', headsFrame, { c: C, vv: { [A]: '1' } }, 'FrameError: .vv.' + A + ': expected an integer in 0..1099511627776'],
  ['heads: seq too large', headsFrame, { c: C, vv: { [A]: 2 ** 41 } }, 'FrameError: .vv.' + A + ': expected an integer in 0..1099511627776'],
  ['heads: read not an integer', headsFrame, { c: C, vv: {}, read: 'all' }, 'FrameError: .read: expected an integer in 0..1099511627776'],
  ['heads: unknown field', headsFrame, { c: C, vv: {}, more: 1 }, 'FrameError: .more: expected no such field'],
  // entriesFrame (each entry is checked later by checkEntryShape)
  ['entries: missing', entriesFrame, { c: C }, 'FrameError: .entries: expected an array of at most 500'],
  ['entries: an object', entriesFrame, { c: C, entries: {} }, 'FrameError: .entries: expected an array of at most 500'],
  ['entries: 501 of them', entriesFrame, { c: C, entries: Array.from({ length: 501 }, () => ({})) }, 'FrameError: .entries: expected an array of at most 500'],
  // receiptFrame
  ['receipt: delivered negative', receiptFrame, { c: C, delivered: -1 }, 'FrameError: .delivered: expected an integer in 0..1099511627776'],
  ['receipt: read a boolean', receiptFrame, { c: C, read: true }, 'FrameError: .read: expected an integer in 0..1099511627776'],
  ['receipt: read NaN as string', receiptFrame, '{"c":"' + C + '","read":NaN}', 'FrameError: body is not UTF-8 JSON'],
  ['receipt: read 1e400 (Infinity)', receiptFrame, '{"c":"' + C + '","read":1e400}', 'FrameError: .read: expected an integer in 0..1099511627776'],
  ['receipt: unknown field', receiptFrame, { c: C, seen: 1 }, 'FrameError: .seen: expected no such field'],
  // typingFrame
  ['typing: on missing', typingFrame, { c: C }, 'FrameError: .on: expected a boolean'],
  ['typing: on a number', typingFrame, { c: C, on: 1 }, 'FrameError: .on: expected a boolean'],
  ['typing: on a string', typingFrame, { c: C, on: 'true' }, 'FrameError: .on: expected a boolean'],
];

describe('frame schemas: must-fail table', () => {
  it('accept well-formed bodies', () => {
    expect(decodeJsonBody(utf8('{"note":"hi"}'), friendRequestFrame)).to.deep.equal({ note: 'hi' });
    expect(decodeJsonBody(utf8('{}'), emptyFrame)).to.deep.equal({});
    expect(decodeJsonBody(utf8(JSON.stringify({ c: C, vv: vv(64), read: 3 })), headsFrame)).to.deep.equal({ c: C, vv: vv(64), read: 3 });
    expect(decodeJsonBody(utf8(JSON.stringify({ c: C, entries: [] })), entriesFrame)).to.deep.equal({ c: C, entries: [] });
    expect(decodeJsonBody(utf8(JSON.stringify({ c: C, delivered: 1, read: 0 })), receiptFrame)).to.deep.equal({ c: C, delivered: 1, read: 0 });
    expect(decodeJsonBody(utf8(JSON.stringify({ c: C, on: false })), typingFrame)).to.deep.equal({ c: C, on: false });
  });

  it('refuses a body that is not valid UTF-8', () => {
    let got = 'accepted';
    try {
      decodeJsonBody(Uint8Array.of(0x7b, 0x22, 0x6e, 0x6f, 0x74, 0x65, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d), friendRequestFrame);
    } catch (error) {
      got = (error as Error).message;
    }
    expect(got).to.equal('body is not UTF-8 JSON');
  });

  for (const [name, check, input, expected] of rows) {
    it(`refuses ${name}`, () => {
      expect(refusal(check, input)).to.equal(expected);
    });
  }
});

describe('frame codec: must-fail table', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['an empty frame', () => decodeFrame(new Uint8Array(0)), /FrameError: empty frame/],
    ['not bytes', () => decodeFrame('hello' as unknown as Uint8Array), /FrameError: empty frame/],
    ['a frame above MAX_FRAME', () => decodeFrame(new Uint8Array(MAX_FRAME + 1)), /FrameError: frame too large/],
    ['encoding a body above MAX_FRAME', () => encodeFrame(0x21, new Uint8Array(MAX_FRAME)), /FrameError: frame too large/],
    ['encoding type 256', () => encodeFrame(256, new Uint8Array(1)), /FrameError: frame type must be a byte/],
    ['encoding type -1', () => encodeFrame(-1, new Uint8Array(1)), /FrameError: frame type must be a byte/],
  ];
  for (const [name, run, expected] of cases) {
    it(`refuses ${name}`, () => {
      let got = 'accepted';
      try {
        run();
      } catch (error) {
        got = `${(error as Error).name}: ${(error as Error).message}`;
      }
      expect(got).to.match(expected);
    });
  }

  it('takes a frame of exactly MAX_FRAME bytes', () => {
    expect(decodeFrame(new Uint8Array(MAX_FRAME)).body.length).to.equal(MAX_FRAME - 1);
  });
});
