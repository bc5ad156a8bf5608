import { expect } from '@esm-bundle/chai';
import { defaultRegistry } from '../../src/app/default-registry.js';
import { checkSignaling, DEFAULT_SIGNALING } from '../../src/config/attributes.js';
import { FriendsChatError } from '../../src/errors.js';
import { parsePeerjsUrl } from '../../src/transport/peerjs/peerjs-strategy.js';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(FriendsChatError);
    return (error as FriendsChatError).code;
  }
  return 'accepted';
}

/** Every value here must be refused, before anything connects anywhere. */
const BAD_SIGNALING: readonly string[] = [
  'ftp://nope',
  'http://127.0.0.1:9000/peerjs',
  'wss://broker.example/peerjs',
  'javascript:alert(1)',
  'peerjs',
  'peerjs:',
  'peerjs:/127.0.0.1',
  'peerjs://',
  'peerjs://:9000/peerjs',
  'peerjs://user:pw@127.0.0.1:9000/peerjs',
  'peerjs://user@127.0.0.1:9000/peerjs',
  'peerjs://127.0.0.1:99999/peerjs',
  'peerjs://127.0.0.1:-1/peerjs',
  'peerjs://127.0.0.1:9000/peerjs?key=',
  'peerjs://127.0.0.1:9000/peerjs?key=a%20b',
  'peerjs://127.0.0.1:9000/peerjs?key=' + 'k'.repeat(65),
  'peerjs://127.0.0.1:9000/peerjs?key=<script>',
  'peerjs://exa mple.org/peerjs',
  'peerjss://[::1/peerjs',
  'manual:extra',
  'manual://x',
  'loopback:test',
  'xmpp://127.0.0.1:5222',
  'mqtt://',
  'mqtt://127.0.0.1:1883/mqtt ftp://127.0.0.1/',
  ' ',
  '\u0000peerjs://127.0.0.1:9000/',
];

const GOOD_SIGNALING: readonly [string, string][] = [
  ['peerjs://127.0.0.1:9000/peerjs?key=peerjs', 'peerjs'],
  ['PEERJS://127.0.0.1:9000/peerjs', 'peerjs'],
  ['peerjss://chat.example.org/peerjs', 'peerjss'],
  ['peerjss://[::1]:443/', 'peerjss'],
  ['manual:', 'manual'],
  ['manual', 'manual'],
  ['mqtt://127.0.0.1:1883/mqtt', 'mqtt'],
  ['mqtts://a.example/mqtt mqtts://b.example/mqtt', 'mqtts'],
];

describe('the signaling attribute', () => {
  const registry = defaultRegistry();

  for (const value of BAD_SIGNALING.filter((v) => v.trim())) {
    it(`refuses ${JSON.stringify(value)} with bad-signaling, and the widget check fails closed with bad-attribute`, () => {
      expect(codeOf(() => registry.parse(value))).to.equal('bad-signaling');
      const checked = checkSignaling(value, registry);
      expect(checked.value).to.equal(null);
      expect(checked.problem?.code).to.equal('bad-attribute');
      expect(checked.problem?.message).to.contain('stays offline');
    });
  }

  for (const [value, scheme] of GOOD_SIGNALING) {
    it(`accepts ${value} as ${scheme}`, () => {
      const checked = checkSignaling(value, registry);
      expect(checked.problem).to.equal(undefined);
      expect(checked.value?.scheme).to.equal(scheme);
    });
  }

  it('keeps its documented default when empty: the PeerJS cloud over TLS', () => {
    for (const empty of ['', '   ']) {
      const checked = checkSignaling(empty, registry);
      expect(checked.problem).to.equal(undefined);
      expect(checked.value?.scheme).to.equal('peerjss');
    }
    expect(parsePeerjsUrl(DEFAULT_SIGNALING)).to.deep.equal({ host: '0.peerjs.com', port: 443, path: '/', key: 'peerjs', secure: true });
  });

  it('parses host, port, path and key, with the scheme deciding TLS and the default port', () => {
    expect(parsePeerjsUrl('peerjs://127.0.0.1:9000/peerjs?key=abc_1')).to.deep.equal({ host: '127.0.0.1', port: 9000, path: '/peerjs', key: 'abc_1', secure: false });
    expect(parsePeerjsUrl('peerjs://broker.test')).to.deep.equal({ host: 'broker.test', port: 80, path: '/', key: 'peerjs', secure: false });
    expect(parsePeerjsUrl('peerjss://[::1]/x')).to.deep.equal({ host: '::1', port: 443, path: '/x', key: 'peerjs', secure: true });
  });

  it('names the schemes it knows when the scheme is unknown', () => {
    try {
      registry.parse('ftp://nope');
      expect.fail('accepted');
    } catch (error) {
      expect((error as Error).message).to.contain('peerjs:').and.contain('peerjss:').and.contain('manual:');
    }
  });
});
