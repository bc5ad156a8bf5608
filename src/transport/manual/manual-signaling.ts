import { FriendsChatError } from '../../errors.js';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../../util/bytes.js';
import type { Channel } from '../channel.js';
import type { ManualCapable } from '../manual-capable.js';
import type { SignalingContext, SignalingStrategy } from '../registry.js';
import { RtcChannel } from '../rtc-channel.js';
import { answerOffer, applyAnswer, createOffer, onIncomingChannel, rtcConfig } from '../rtc-offer.js';
import type { Signaling, SignalingState } from '../signaling.js';
import { SignalingEvents } from '../signaling-events.js';

const PREFIX = 'fcm1.';
const MAX_BLOB = 32 * 1024;

/**
 * `signaling="manual:"`: no server at all. One side creates an offer, the other pastes it
 * and gets an answer, the first pastes that back; the data channel opens and the usual
 * handshake follows. Offers and answers are compact copy-paste strings carrying the full
 * SDP (ICE gathering completes first; there is no trickle).
 */
export class ManualSignaling extends SignalingEvents implements Signaling, ManualCapable {
  readonly #config: RTCConfiguration;
  #pending: RTCPeerConnection | null = null;
  #state: SignalingState = 'offline';
  #closed = false;
  readonly #connections = new Set<RTCPeerConnection>();

  constructor(context: SignalingContext) {
    super();
    this.#config = rtcConfig(context);
  }

  get state(): SignalingState {
    return this.#state;
  }

  start(): void {
    if (this.#closed) return;
    this.#state = 'online';
    this.emitState('online');
  }

  nudge(): void {}

  dial(): Promise<Channel> {
    return Promise.reject(new FriendsChatError('connection-failed', 'manual signaling connects only by exchanging an offer and an answer'));
  }

  async createOffer(): Promise<string> {
    this.#pending?.close();
    const pc = this.#peer();
    this.#pending = pc;
    const { dc, sdp } = await createOffer(pc);
    dc.addEventListener('open', () => this.#emit(pc, dc, true), { once: true });
    return encode('offer', sdp);
  }

  async acceptOffer(offer: string): Promise<string> {
    const sdp = decode(offer, 'offer');
    const pc = this.#peer();
    onIncomingChannel(pc, (dc) => this.#emit(pc, dc, false));
    return encode('answer', await answerOffer(pc, sdp));
  }

  async acceptAnswer(answer: string): Promise<void> {
    const sdp = decode(answer, 'answer');
    const pc = this.#pending;
    if (!pc) throw new FriendsChatError('bad-input', 'create an offer first');
    await applyAnswer(pc, sdp);
    this.#pending = null;
  }

  close(): void {
    this.#closed = true;
    this.#pending?.close();
    this.#pending = null;
    this.#state = 'offline';
    this.emitState('offline');
    this.clear();
    for (const pc of this.#connections) if (pc.connectionState !== 'connected') pc.close();
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
    this.emitChannel(new RtcChannel({ pc, dc, remoteId: 'manual', initiator, report: (e) => this.emitError(e) }));
  }
}

/** `manual:`: copy-paste offers and answers, no server. */
export const manualStrategy: SignalingStrategy<null> = {
  schemes: ['manual'],
  parse(value) {
    if (!/^manual:?$/i.test(value.trim())) throw new FriendsChatError('bad-signaling', 'manual signaling takes nothing after "manual:"');
    return null;
  },
  create: (_config, context) => new ManualSignaling(context),
};

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
