import { expect } from '@esm-bundle/chai';
import { Identity } from '../../src/identity/identity.js';
import { decodeHello, encodeHello } from '../../src/session/handshake-payload.js';
import { concat, utf8 } from '../../src/util/bytes.js';

const me = (await Identity.generate());
const other = (await Identity.generate());
const keys = concat(me.signing.publicKey, me.binding);
const withMeta = (json: string) => concat(keys, utf8(json));

async function refusal(payload: Uint8Array, remoteStatic = me.dh.publicKey): Promise<string> {
  try {
    await decodeHello(payload, remoteStatic);
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('handshake payload (decodeHello): must-fail table', () => {
  it('accepts what encodeHello writes', async () => {
    const hello = await decodeHello(encodeHello(me.signing.publicKey, me.binding, 'Alice', ['files']), me.dh.publicKey);
    expect(hello.profileId).to.equal(me.profileId);
    expect(hello.displayName).to.equal('Alice');
    expect(hello.capabilities).to.deep.equal(['files']);
  });

  const SIZE = 'handshake payload has a bad size';
  const BINDING = 'handshake payload has a bad binding signature';
  const META = 'handshake payload metadata is malformed';
  // Each row: payload (and the X25519 key the handshake authenticated) → the refusal.
  const rows: [string, Uint8Array, Uint8Array, string][] = [
    ['empty', new Uint8Array(0), me.dh.publicKey, SIZE],
    ['95 bytes', keys.subarray(0, 95), me.dh.publicKey, SIZE],
    ['above 1024 bytes', withMeta(JSON.stringify({ name: 'x'.repeat(1000) })), me.dh.publicKey, SIZE],
    ['a binding for another X25519 key', withMeta('{}'), other.dh.publicKey, BINDING],
    ['another profile key with this binding', concat(other.signing.publicKey, me.binding, utf8('{}')), me.dh.publicKey, BINDING],
    ['a flipped binding bit', concat(me.signing.publicKey, me.binding.map((b, i) => (i === 10 ? b ^ 1 : b)), utf8('{}')), me.dh.publicKey, BINDING],
    ['no metadata', keys, me.dh.publicKey, META],
    ['metadata not JSON', withMeta('{name:'), me.dh.publicKey, META],
    ['metadata an array', withMeta('[]'), me.dh.publicKey, META],
    ['an unknown field', withMeta('{"name":"A","admin":true}'), me.dh.publicKey, META],
    ['a name above 64 chars', withMeta(JSON.stringify({ name: 'x'.repeat(65) })), me.dh.publicKey, META],
    ['a name that is a number', withMeta('{"name":1}'), me.dh.publicKey, META],
    ['17 capabilities', withMeta(JSON.stringify({ caps: Array.from({ length: 17 }, (_, i) => `c${i}`) })), me.dh.publicKey, META],
    ['an upper-case capability', withMeta('{"caps":["Files"]}'), me.dh.publicKey, META],
    ['an empty capability', withMeta('{"caps":[""]}'), me.dh.publicKey, META],
  ];
  for (const [name, payload, remote, expected] of rows) {
    it(`refuses ${name}`, async () => {
      expect(await refusal(payload, remote)).to.equal(expected);
    });
  }
});
