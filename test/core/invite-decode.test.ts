import { expect } from '@esm-bundle/chai';
import { decodeInvite, encodeInvite } from '../../src/core/invite.js';

const invite = { profileId: '1f'.repeat(32), id: 'a0'.repeat(16), secret: '5c'.repeat(32) };
const other = { profileId: '2e'.repeat(32), id: 'b1'.repeat(16), secret: '6d'.repeat(32) };
const good = encodeInvite(invite);
const body = good.slice(4);

function refusal(text: unknown): string {
  try {
    decodeInvite(text as string);
    return 'accepted';
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return `${e.code}: ${e.message}`;
  }
}

describe('decodeInvite: must-fail table', () => {
  it('reads the bare invite and a link carrying it', () => {
    expect(good).to.match(/^fc1\.[A-Za-z0-9_-]{107}$/);
    expect(decodeInvite(good)).to.deep.equal(invite);
    expect(decodeInvite(`https://chat.example/#friends-chat-invite=${good}`)).to.deep.equal(invite);
    expect(decodeInvite(`  ${good}\n`)).to.deep.equal(invite);
    // The same invite twice (a link and its text) is still one invite.
    expect(decodeInvite(`${good} https://chat.example/#friends-chat-invite=${good}`)).to.deep.equal(invite);
  });

  const NOT = 'bad-invite: this is not a friends-chat invite';
  // Each row: input → the refusal.
  const rows: [string, unknown, string][] = [
    ['empty', '', NOT],
    ['null', null, NOT],
    ['a number', 42, NOT],
    ['a profile ID', invite.profileId, NOT],
    ['prefix only', 'fc1.', NOT],
    ['wrong prefix version', `fc2.${body}`, NOT],
    ['upper-case prefix', `FC1.${body}`, NOT],
    ['one character short', `fc1.${body.slice(1)}`, NOT],
    ['one character long', `fc1.${body}A`, NOT],
    ['base64 "+" instead of "-"', `fc1.+${body.slice(1)}`, NOT],
    ['base64 "/" instead of "_"', `fc1./${body.slice(1)}`, NOT],
    ['padded with "="', `fc1.${body.slice(0, 106)}=`, NOT],
    ['a space inside', `fc1.${body.slice(0, 50)} ${body.slice(50, 106)}`, NOT],
    ['a zero-width space inside', `fc1.${body.slice(0, 50)}\u200B${body.slice(50)}`, NOT],
    ['a full-width "ｆｃ１．" prefix', `ｆｃ１．${body}`, NOT],
    ['a Cyrillic "с" in the prefix', `f\u04411.${body}`, NOT],
    ['megabytes of junk', 'x'.repeat(4 * 1024 * 1024), NOT],
    // A link that shows one friend's invite but also carries another's: which one would be added?
    ['two different invites in one text', `https://evil.example/?${encodeInvite(other)}#friends-chat-invite=${good}`, 'bad-invite: the text holds more than one invite'],
  ];
  for (const [name, input, expected] of rows) {
    it(`refuses ${name}`, () => {
      expect(refusal(input)).to.equal(expected);
    });
  }
});
