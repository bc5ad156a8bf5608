import { expect } from '@esm-bundle/chai';
import { answerOffer, applyAnswer, createOffer, keepsOwnOffer, onIncomingChannel, rtcConfig } from '../../src/transport/rtc-offer.js';

const NO_ICE = rtcConfig({ iceServers: [], relayOnly: false });

async function codeOf(run: Promise<unknown>): Promise<string> {
  return run.then(
    () => 'accepted',
    (error: { code?: string }) => error.code ?? 'no code',
  );
}

describe('the shared WebRTC offer/answer steps', () => {
  it('open a data channel with one offer and one answer', async () => {
    const a = new RTCPeerConnection(NO_ICE);
    const b = new RTCPeerConnection(NO_ICE);
    try {
      const incoming = new Promise<RTCDataChannel>((resolve) => onIncomingChannel(b, resolve));
      const { dc, sdp } = await createOffer(a);
      const opened = new Promise((resolve) => dc.addEventListener('open', resolve, { once: true }));
      await applyAnswer(a, await answerOffer(b, sdp));
      await opened;
      const theirs = await incoming;
      const got = new Promise<string>((resolve) => theirs.addEventListener('message', (e) => resolve(String(e.data)), { once: true }));
      dc.send('hello');
      expect(await got).to.equal('hello');
    } finally {
      a.close();
      b.close();
    }
  });

  it('refuse a damaged offer or answer, and an answer without an offer, with bad-input', async () => {
    const a = new RTCPeerConnection(NO_ICE);
    const b = new RTCPeerConnection(NO_ICE);
    try {
      expect(await codeOf(answerOffer(b, 'v=0\r\nnot sdp'))).to.equal('bad-input');
      expect(await codeOf(applyAnswer(a, 'v=0'))).to.equal('bad-input');
      await createOffer(a);
      expect(await codeOf(applyAnswer(a, 'v=0\r\nnot sdp'))).to.equal('bad-input');
    } finally {
      a.close();
      b.close();
    }
  });

  it('settle glare the same way on both sides', () => {
    expect(keepsOwnOffer('aaa', 'bbb')).to.equal(true);
    expect(keepsOwnOffer('bbb', 'aaa')).to.equal(false);
  });
});
