import { FriendsChatError, toFriendsChatError } from '../../errors.js';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../../util/bytes.js';
import type { SecurityWarningReason } from '../../model/index.js';
import type { Channel } from '../channel.js';
import { RtcChannel } from '../rtc-channel.js';
import type { Signaling, SignalingState } from '../signaling.js';
import { SignalingEvents } from '../signaling-events.js';

const PREFIX = 'fcm1.';
const MAX_BLOB = 32 * 1024;
const GATHER_TIMEOUT = 10000;

/**
 * `signaling="manual:"`: no server at all. One side creates an offer, the other pastes it
 * and gets an answer, the first pastes that back; the data channel opens and the usual
 * handshake follows. Offers and answers are compact copy-paste strings carrying the full
 * SDP (ICE gathering completes first; there is no trickle).
 */
export class ManualSignaling implements Signaling {
  readonly #events = new SignalingEvents();
  readonly #config: RTCConfiguration;
  #pending: RTCPeerConnection | null = null;
  #state: SignalingState = 'offline';
  #closed = false;
  readonly #connections = new Set<RTCPeerConnection>();

  constructor(options: { iceServers: RTCIceServer[]; relayOnly: boolean }) {
    this.#config = { iceServers: options.iceServers, iceTransportPolicy: options.relayOnly ? 'relay' : 'all' };
  }

  get state(): SignalingState {
    return this.#state;
  }

  start(): void {
    if (this.#closed) return;
    this.#state = 'online';
    this.#events.emitState('online');
  }

  nudge(): void {}

  dial(): Promise<Channel> {
    return Promise.reject(new FriendsChatError('connection-failed', 'manual signaling connects only by exchanging an offer and an answer'));
  }

  /** Step 1 (this side): an offer to give to the friend. */
  async createOffer(): Promise<string> {
    this.#pending?.close();
    const pc = this.#peer();
    this.#pending = pc;
    const dc = pc.createDataChannel('friends-chat', { ordered: true });
    dc.addEventListener('open', () => this.#emit(pc, dc, true), { once: true });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    return encode('offer', pc.localDescription!.sdp);
  }

  /** Step 2 (the friend's side): takes an offer, returns the answer to send back. */
  async acceptOffer(offer: string): Promise<string> {
    const sdp = decode(offer, 'offer');
    const pc = this.#peer();
    pc.addEventListener('datachannel', (event) => {
      const dc = event.channel;
      if (dc.readyState === 'open') this.#emit(pc, dc, false);
      else dc.addEventListener('open', () => this.#emit(pc, dc, false), { once: true });
    });
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      await gathered(pc);
    } catch (error) {
      pc.close();
      throw toFriendsChatError(error, 'bad-input');
    }
    return encode('answer', pc.localDescription!.sdp);
  }

  /** Step 3 (this side again): takes the friend's answer; the channel opens after it. */
  async acceptAnswer(answer: string): Promise<void> {
    const sdp = decode(answer, 'answer');
    const pc = this.#pending;
    if (!pc) throw new FriendsChatError('bad-input', 'create an offer first');
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp });
    } catch (error) {
      throw toFriendsChatError(error, 'bad-input');
    }
    this.#pending = null;
  }

  close(): void {
    this.#closed = true;
    this.#pending?.close();
    this.#pending = null;
    this.#state = 'offline';
    this.#events.emitState('offline');
    this.#events.clear();
    for (const pc of this.#connections) if (pc.connectionState !== 'connected') pc.close();
  }

  onChannel(listener: (channel: Channel) => void): () => void {
    return this.#events.onChannel(listener);
  }

  onState(listener: (state: SignalingState) => void): () => void {
    return this.#events.onState(listener);
  }

  onError(listener: (error: FriendsChatError) => void): () => void {
    return this.#events.onError(listener);
  }

  onWarning(listener: (reason: SecurityWarningReason, peer: string, detail: string) => void): () => void {
    return this.#events.onWarning(listener);
  }

  #peer(): RTCPeerConnection {
    if (this.#closed) throw new FriendsChatError('not-ready', 'signaling is closed');
    const pc = new RTCPeerConnection(this.#config);
    this.#connections.add(pc);
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'closed' || pc.connectionState === 'failed') this.#connections.delete(pc);
    });
    return pc;
  }

  #emit(pc: RTCPeerConnection, dc: RTCDataChannel, initiator: boolean): void {
    if (this.#closed) {
      pc.close();
      return;
    }
    this.#events.emitChannel(new RtcChannel({ pc, dc, remoteId: 'manual', initiator, report: (e) => this.#events.emitError(e) }));
  }
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

function encode(type: 'offer' | 'answer', sdp: string): string {
  return PREFIX + toBase64Url(utf8(JSON.stringify({ t: type === 'offer' ? 'o' : 'a', sdp })));
}

function decode(text: string, type: 'offer' | 'answer'): string {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (!trimmed.startsWith(PREFIX) || trimmed.length > MAX_BLOB) throw new FriendsChatError('bad-input', `this is not a friends-chat ${type}`);
  let parsed: { t?: unknown; sdp?: unknown };
  try {
    parsed = JSON.parse(fromUtf8(fromBase64Url(trimmed.slice(PREFIX.length))));
  } catch {
    throw new FriendsChatError('bad-input', `the ${type} is damaged`);
  }
  if (parsed.t !== (type === 'offer' ? 'o' : 'a') || typeof parsed.sdp !== 'string' || !parsed.sdp.startsWith('v=0')) {
    throw new FriendsChatError('bad-input', `this is not a friends-chat ${type}`);
  }
  return parsed.sdp;
}
