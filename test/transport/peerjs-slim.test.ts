import { expect } from '@esm-bundle/chai';
import { util } from 'peerjs';
import adapter from '../../src/transport/peerjs/slim/webrtc-adapter.js';

describe('PeerJS without webrtc-adapter', () => {
  it('detects this browser as the adapter would, so PeerJS accepts it', () => {
    const chrome = /Chrom(e|ium)\/(\d+)\./.exec(navigator.userAgent);
    expect(adapter.browserDetails).to.deep.equal({ browser: 'chrome', version: Number(chrome![2]) });
    // PeerJS reads it through the build alias (the same one the bundle uses).
    expect(util.browser).to.equal('chrome');
    expect(util.supports.data).to.equal(true);
    expect(util.supports.browser).to.equal(true);
  });

  it('refuses binary serialization loudly instead of decoding a peer’s bytes', () => {
    expect(() => util.unpack(new ArrayBuffer(4))).to.throw(/not used/);
    expect(() => util.pack({})).to.throw(/not used/);
  });
});
