import { expect } from '@esm-bundle/chai';
import { FriendsChatError } from '../../src/errors.js';
import { RtcCall, isCandidate } from '../../src/transport/rtc-call.js';
import { waitUntil } from '../helpers/env.js';

/** Two calls wired to each other by hand, as a broker would relay them. */
function pair(timeout = 15000): { a: RtcCall; b: RtcCall; ends: Record<'a' | 'b', (FriendsChatError | null)[]>; toB: RTCIceCandidateInit[] } {
  const ends: Record<'a' | 'b', (FriendsChatError | null)[]> = { a: [], b: [] };
  const toB: RTCIceCandidateInit[] = [];
  const a = new RtcCall({ iceServers: [], relayOnly: false, timeout, onCandidate: (c) => toB.push(c), onEnd: (e) => ends.a.push(e) });
  const b = new RtcCall({ iceServers: [], relayOnly: false, timeout, onCandidate: (c) => a.addCandidate(c), onEnd: (e) => ends.b.push(e) });
  return { a, b, ends, toB };
}

describe('RtcCall: one call with trickled candidates', () => {
  it('holds candidates that come before the SDP, applies one answer only, and ends once when the channel opens', async () => {
    const { a, b, ends, toB } = pair();
    const dc = a.pc.createDataChannel('x');
    await a.pc.setLocalDescription(await a.pc.createOffer());
    await waitUntil(() => toB.length > 0, 'the dialer gathers a candidate');
    // Candidates reach b before the offer: held, then applied after it.
    for (const c of toB.splice(0)) b.addCandidate(c);
    expect(await b.applyRemote(a.pc.localDescription!)).to.equal(true);
    expect(await b.applyRemote(a.pc.localDescription!), 'a second offer is a replay').to.equal(false);
    await b.pc.setLocalDescription(await b.pc.createAnswer());
    const answer = b.pc.localDescription!;
    const late = setInterval(() => toB.splice(0).forEach((c) => b.addCandidate(c)), 20);
    try {
      expect(await a.applyRemote(answer)).to.equal(true);
      expect(await a.applyRemote(answer)).to.equal(false);
      await new Promise((r) => dc.addEventListener('open', r, { once: true }));
    } finally {
      clearInterval(late);
    }
    const opened: string[] = [];
    expect(a.open(() => opened.push('first'))).to.equal(true);
    expect(a.open(() => opened.push('second'))).to.equal(false);
    expect(opened).to.deep.equal(['first']);
    a.fail(new FriendsChatError('connection-failed', 'too late'));
    expect(ends.a).to.deep.equal([null]);
    expect(a.pc.connectionState).to.not.equal('closed');
    b.fail(new FriendsChatError('connection-failed', 'given up'));
    expect(b.pc.connectionState).to.equal('closed');
    expect(ends.b.map((e) => e?.code)).to.deep.equal(['connection-failed']);
    a.pc.close();
  });

  it('fails once on its timeout and closes the peer connection; a description that does not apply fails it too', async () => {
    const { a, b, ends } = pair(200);
    await waitUntil(() => ends.a.length === 1, 'the timeout ends the call', 2000);
    expect(ends.a[0]?.message).to.match(/timed out/);
    expect(a.ended).to.equal(true);
    expect(a.pc.connectionState).to.equal('closed');
    expect(a.open(() => {})).to.equal(false);
    expect(await b.applyRemote({ type: 'offer', sdp: 'v=0\r\nnot an offer\r\n' })).to.equal(false);
    expect(ends.b.map((e) => e?.code)).to.deep.equal(['connection-failed']);
    await new Promise((r) => setTimeout(r, 300));
    expect(ends.b.length, 'ended once, not again on the timeout').to.equal(1);
  });

  it('hands over a channel that opened before the other side’s SDP was reported applied only once it is', async () => {
    const { a, ends } = pair();
    const other = new RTCPeerConnection({ iceServers: [] });
    other.createDataChannel('x');
    await other.setLocalDescription(await other.createOffer());
    const opened: (string | null)[] = [];
    expect(a.open(() => opened.push(a.pc.remoteDescription?.type ?? null))).to.equal(true);
    expect(opened).to.deep.equal([]);
    expect(a.ended).to.equal(false);
    expect(await a.applyRemote(other.localDescription!)).to.equal(true);
    expect(opened).to.deep.equal(['offer']);
    expect(ends.a).to.deep.equal([null]);
    other.close();
    a.pc.close();
  });

  it('checks a relayed candidate’s shape', () => {
    expect(isCandidate({ candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' })).to.equal(true);
    expect(isCandidate({ candidate: 7 })).to.equal(false);
    expect(isCandidate({ candidate: 'x'.repeat(4096) })).to.equal(false);
    expect(isCandidate(null)).to.equal(false);
  });
});
