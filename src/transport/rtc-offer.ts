import { FriendsChatError, toFriendsChatError } from '../errors.js';

/** ICE gathering waits at most this long; an unreachable STUN server may never answer. */
const GATHER_TIMEOUT = 10000;

/**
 * The WebRTC offer/answer steps every backend that carries SDP itself shares (`manual:`
 * today; a broker that relays SDP, such as MQTT, tomorrow). No trickle: each step waits
 * for ICE gathering, so one offer and one answer are the whole exchange.
 */
export function rtcConfig(context: { iceServers: RTCIceServer[]; relayOnly: boolean }): RTCConfiguration {
  return { iceServers: context.iceServers, iceTransportPolicy: context.relayOnly ? 'relay' : 'all' };
}

/**
 * Glare: both sides sent an offer at once over a broker that relays SDP. The side with the
 * smaller rendezvous ID keeps its offer; the other drops its own and answers. Both decide
 * alike without a further message. (Two sessions that both opened are resolved once more,
 * by profile ID, in core/connections.ts.)
 */
export function keepsOwnOffer(localId: string, remoteId: string): boolean {
  return localId < remoteId;
}

/** The dialling side: opens the data channel and returns the complete offer SDP. */
export async function createOffer(pc: RTCPeerConnection): Promise<{ dc: RTCDataChannel; sdp: string }> {
  const dc = pc.createDataChannel('friends-chat', { ordered: true });
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  return { dc, sdp: pc.localDescription!.sdp };
}

/** The answering side: takes the offer SDP, returns the complete answer SDP. Throws `bad-input`. */
export async function answerOffer(pc: RTCPeerConnection, sdp: string): Promise<string> {
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
  } catch (error) {
    pc.close();
    throw toFriendsChatError(error, 'bad-input');
  }
  return pc.localDescription!.sdp;
}

/** The dialling side again: the answer SDP; the data channel opens after it. Throws `bad-input`. */
export async function applyAnswer(pc: RTCPeerConnection, sdp: string): Promise<void> {
  if (pc.signalingState !== 'have-local-offer') throw new FriendsChatError('bad-input', 'create an offer first');
  try {
    await pc.setRemoteDescription({ type: 'answer', sdp });
  } catch (error) {
    throw toFriendsChatError(error, 'bad-input');
  }
}

/** Calls `open` once the answering side's data channel is open. */
export function onIncomingChannel(pc: RTCPeerConnection, open: (dc: RTCDataChannel) => void): void {
  pc.addEventListener('datachannel', (event) => {
    const dc = event.channel;
    if (dc.readyState === 'open') open(dc);
    else dc.addEventListener('open', () => open(dc), { once: true });
  });
}

function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      if (pc.iceGatheringState !== 'complete') return;
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', done);
      resolve();
    };
    // Without STUN gathering ends at once; with an unreachable one it may never end: use what we have.
    const timer = setTimeout(() => {
      pc.removeEventListener('icegatheringstatechange', done);
      resolve();
    }, GATHER_TIMEOUT);
    pc.addEventListener('icegatheringstatechange', done);
  });
}
