import { expect } from '@esm-bundle/chai';
import { checkIceServers } from '../../src/config/attributes.js';
import { DEFAULT_ICE_SERVERS, parseIceServers } from '../../src/config/ice-servers.js';
import { FriendsChatError } from '../../src/errors.js';

/** Every value here must be refused with bad-ice-servers. */
const BAD: readonly string[] = [
  '{not json',
  '',
  'null',
  '{}',
  '"stun:127.0.0.1"',
  '42',
  '[null]',
  '[1]',
  '["stun:127.0.0.1"]',
  '[[]]',
  '[{}]',
  '[{"urls":[]}]',
  '[{"urls":""}]',
  '[{"urls":42}]',
  '[{"urls":["stun:127.0.0.1", 7]}]',
  '[{"urls":"http://127.0.0.1"}]',
  '[{"urls":"javascript:alert(1)"}]',
  '[{"urls":" stun:127.0.0.1"}]',
  '[{"urls":"STUN:127.0.0.1"}]',
  '[{"urls":"turn:127.0.0.1","username":1}]',
  '[{"urls":"turn:127.0.0.1","credential":{"a":1}}]',
  '[{"urls":"turn:127.0.0.1","username":null}]',
  '[{"urls":"stun:127.0.0.1"},{"urls":"ftp://x"}]',
];

describe('the ice-servers attribute', () => {
  for (const value of BAD) {
    it(`refuses ${JSON.stringify(value)} with bad-ice-servers`, () => {
      let code = 'accepted';
      try {
        parseIceServers(value);
      } catch (error) {
        expect(error).to.be.instanceOf(FriendsChatError);
        code = (error as FriendsChatError).code;
      }
      expect(code).to.equal('bad-ice-servers');
    });
  }

  it('says which entry is wrong', () => {
    expect(() => parseIceServers('[{"urls":"stun:127.0.0.1"},{"urls":"ftp://x"}]')).to.throw('ice-servers[1].urls');
  });

  it('keeps only urls, username and credential of good entries', () => {
    const parsed = parseIceServers('[{"urls":"stun:127.0.0.1:3478"},{"urls":["turn:127.0.0.1","turns:127.0.0.1"],"username":"u","credential":"c","extra":"dropped"}]');
    expect(parsed).to.deep.equal([
      { urls: ['stun:127.0.0.1:3478'] },
      { urls: ['turn:127.0.0.1', 'turns:127.0.0.1'], username: 'u', credential: 'c' },
    ]);
    expect(parseIceServers('[]')).to.deep.equal([]);
  });

  it('uses the documented public STUN server only when the attribute is empty', () => {
    expect(checkIceServers('').value).to.deep.equal(DEFAULT_ICE_SERVERS);
    expect(checkIceServers('').problem).to.equal(undefined);
  });

  it('fails closed on a bad value: no ICE server at all, and a bad-ice-servers problem', () => {
    const checked = checkIceServers('[{"urls":"stun:typo"');
    expect(checked.value).to.deep.equal([]);
    expect(checked.problem?.code).to.equal('bad-ice-servers');
  });
});
