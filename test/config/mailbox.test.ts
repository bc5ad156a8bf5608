import { expect } from '@esm-bundle/chai';
import { checkMailbox } from '../../src/config/attributes.js';

describe('the mailbox attribute', () => {
  it('defaults to the signaling broker when signaling is MQTT, and to none otherwise', () => {
    expect(checkMailbox('', 'mqtt://127.0.0.1:1883/mqtt')).to.deep.equal({ value: ['ws://127.0.0.1:1883/mqtt'] });
    expect(checkMailbox('', 'peerjs://127.0.0.1:9000/peerjs')).to.deep.equal({ value: null });
    expect(checkMailbox('', '')).to.deep.equal({ value: null });
  });

  it('takes its own brokers beside PeerJS signaling, and `none` turns it off', () => {
    expect(checkMailbox('mqtts://a.example/mqtt mqtts://b.example/mqtt', 'peerjs://x/')).to.deep.equal({ value: ['wss://a.example/mqtt', 'wss://b.example/mqtt'] });
    expect(checkMailbox('none', 'mqtt://127.0.0.1:1883/mqtt')).to.deep.equal({ value: null });
  });

  for (const bad of ['https://example.org/', 'mqtt://', 'mqtt://127.0.0.1:1883/mqtt ftp://x/', 'mqtt://exa mple/']) {
    it(`refuses ${JSON.stringify(bad)}: no mailbox (fail closed) and a bad-attribute problem`, () => {
      const checked = checkMailbox(bad, 'mqtt://127.0.0.1:1883/mqtt');
      expect(checked.value).to.equal(null);
      expect(checked.problem?.code).to.equal('bad-attribute');
    });
  }
});
