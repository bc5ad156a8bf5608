import { randomBytes } from '../../crypto/index.js';
import type { Keypair } from '../../crypto/x25519.js';
import { FriendsChatError, toFriendsChatError } from '../../errors.js';
import { fromUtf8, toHex, utf8 } from '../../util/bytes.js';
import type { Channel } from '../channel.js';
import { RtcCall, isCandidate } from '../rtc-call.js';
import { RtcChannel } from '../rtc-channel.js';
import { onIncomingChannel } from '../rtc-offer.js';
import type { Signaling, SignalingState } from '../signaling.js';
import { ExtraRegistrations } from '../extra-registrations.js';
import { SignalingEvents } from '../signaling-events.js';
import { MqttConnection } from './mqtt-connection.js';
import {
  type CallKeys,
  decrypt,
  KIND_ANSWER,
  KIND_FROM_ANSWERER,
  KIND_FROM_DIALER,
  KIND_OFFER_OPEN,
  KIND_OFFER_SEALED,
  newCall,
  openOffer,
  parseFrame,
  sealFrame,
  sealOffer,
} from './signal-frames.js';
import { signalingTopic, isRendezvousId } from './topics.js';

/** Keys the core lends the backend so offers to friends are sealed (see signal-frames.ts). */
export interface SignalingKeys {
  /** Our static X25519 key pair: opens offers sealed to us. */
  own?: Keypair;
  /** The static X25519 public key behind a rendezvous ID, when the core knows it (a friend). */
  peerKey?(remoteId: string): Uint8Array | undefined;
}

export interface MqttSignalingOptions {
  urls: string[];
  iceServers: RTCIceServer[];
  relayOnly: boolean;
  keys?: SignalingKeys;
  /** How long a dial or an incoming call may take to open its data channel. */
  openTimeout?: number;
  connectTimeout?: number;
}

/** Offers from strangers we hold at once before refusing more (flood guard). */
const MAX_PENDING_INCOMING = 16;
/** Call IDs remembered to spot a broker replaying an offer. */
const MAX_SEEN_CALLS = 512;

interface Call {
  dialer: boolean;
  keys: CallKeys;
  rtc: RtcCall;
  /** The other side's topic: where our answer and candidates go. */
  peerTopic: string;
  seq: number;
}

/**
 * Signaling over an MQTT broker (or a list of them, for failover). Each endpoint subscribes
 * to its rendezvous topic (hex only, never a profile ID); offers, answers and trickled ICE
 * candidates are sealed frames published there with QoS 0. The WebRTC side is the shared
 * RtcChannel. There is no presence on the broker: a dial to someone offline times out.
 */
export class MqttSignaling extends SignalingEvents implements Signaling {
  readonly #o: MqttSignalingOptions;
  /** Pairwise rendezvous IDs (`listen`): one more connection each, like the PeerJS backend. */
  readonly #extra: ExtraRegistrations = new ExtraRegistrations(() => new MqttSignaling(this.#o), this, () => this.emitStateChange(this.state));
  readonly #calls = new Map<string, Call>();
  readonly #seen = new Set<string>();
  #connection: MqttConnection | null = null;
  #localId = '';
  #incoming = 0;
  #closed = false;

  constructor(options: MqttSignalingOptions) {
    super();
    this.#o = options;
  }

  get state(): SignalingState {
    return this.#connection?.state === 'online' || this.#extra.online ? 'online' : (this.#connection?.state ?? 'offline');
  }

  listen(ids: readonly string[], dialOnly?: readonly string[]): void {
    if (!this.#closed) this.#extra.set(ids, dialOnly);
  }

  start(localId: string): void {
    if (this.#closed || this.#connection) return;
    if (!isRendezvousId(localId)) {
      this.emitError(new FriendsChatError('bad-input', 'an MQTT rendezvous ID must be 16–64 lower-case hex digits'));
      return;
    }
    this.#localId = localId;
    const connection = new MqttConnection({
      urls: this.#o.urls,
      // A fresh random client ID per widget: signaling sessions are not linkable to each other.
      clientId: toHex(randomBytes(16)),
      clean: true,
      subscriptions: [{ topic: signalingTopic(localId), qos: 0 }],
      onMessage: ({ payload }) => this.#receive(payload),
      ...(this.#o.connectTimeout ? { connectTimeout: this.#o.connectTimeout } : {}),
    });
    this.#connection = connection;
    connection.onState(() => this.emitStateChange(this.state));
    connection.onError((error) => this.emitError(error));
    connection.start();
  }

  nudge(): void {
    this.#connection?.nudge();
    this.#extra.nudge();
  }

  async dial(remoteId: string, fromId?: string): Promise<Channel> {
    if (fromId !== undefined && fromId !== this.#localId) return this.#extra.dial(fromId, remoteId);
    if (this.#closed || this.state !== 'online') throw new FriendsChatError('connection-failed', 'not connected to the MQTT broker');
    if (!isRendezvousId(remoteId)) throw new FriendsChatError('bad-input', 'an MQTT rendezvous ID must be 16–64 lower-case hex digits');
    const peerTopic = signalingTopic(remoteId);
    return new Promise<Channel>((resolve, reject) => {
      void (async () => {
        let call: Call | undefined;
        try {
          // The keys first: the call is tracked (and its candidates sent) right after the offer.
          const next = await newCall(peerTopic, this.#o.keys?.peerKey?.(remoteId));
          const tracked = (call = this.#track(next.call, { dialer: true, keys: next.keys, peerTopic }, reject));
          const { pc } = tracked.rtc;
          const dc = pc.createDataChannel('friends-chat', { ordered: true });
          dc.addEventListener(
            'open',
            () => tracked.rtc.open(() => resolve(new RtcChannel({ pc, dc, remoteId, initiator: true, report: (e) => this.emitError(e) }))),
            { once: true },
          );
          await pc.setLocalDescription(await pc.createOffer());
          const body = utf8(JSON.stringify({ r: this.#localId, s: pc.localDescription!.sdp }));
          await this.#connection!.publish(peerTopic, sealOffer(next, peerTopic, body).frame, 0);
        } catch (error) {
          if (call) call.rtc.fail(toFriendsChatError(error, 'connection-failed'));
          else reject(toFriendsChatError(error, 'connection-failed'));
        }
      })();
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const call of [...this.#calls.values()]) call.rtc.fail(new FriendsChatError('connection-failed', 'signaling closed'));
    this.#extra.close();
    this.#connection?.close(); // reports 'offline' once, when it was not already
    this.clear();
  }


  /** Registers a call under its ID: trickles our candidates; it leaves the map however it ends. */
  #track(callId: Uint8Array, init: Omit<Call, 'rtc' | 'seq'>, reject: (error: FriendsChatError) => void): Call {
    const id = toHex(callId);
    const call: Call = {
      ...init,
      seq: 1,
      rtc: new RtcCall({
        ...this.#o,
        timeout: this.#o.openTimeout ?? 15000,
        onCandidate: (candidate) => {
          const kind = call.dialer ? KIND_FROM_DIALER : KIND_FROM_ANSWERER;
          const key = call.dialer ? call.keys.dialer : call.keys.answerer;
          const frame = sealFrame(key, kind, callId, call.seq++, call.peerTopic, utf8(JSON.stringify({ c: candidate })));
          this.#connection?.publish(call.peerTopic, frame, 0).catch((error) => this.emitError(error));
        },
        onEnd: (error) => {
          this.#calls.delete(id);
          if (!init.dialer) this.#incoming--;
          if (error) reject(error);
        },
      }),
    };
    this.#calls.set(id, call);
    if (!init.dialer) this.#incoming++;
    return call;
  }

  async #receive(payload: Uint8Array): Promise<void> {
    if (this.#closed) return;
    const frame = parseFrame(payload);
    if (!frame) return;
    const topic = signalingTopic(this.#localId);
    if (frame.kind === KIND_OFFER_SEALED || frame.kind === KIND_OFFER_OPEN) {
      await this.#answer(frame, topic);
      return;
    }
    const call = this.#calls.get(toHex(frame.call));
    if (!call) return;
    // Answers and answerer candidates are for our dials; dialer candidates for our answers.
    if ((frame.kind === KIND_FROM_DIALER) === call.dialer) return;
    const plaintext = decrypt(call.dialer ? call.keys.answerer : call.keys.dialer, frame, topic);
    const body = plaintext && parseBody(plaintext);
    if (!body) return;
    if (frame.kind === KIND_ANSWER) {
      if (call.dialer && typeof body.s === 'string') await call.rtc.applyRemote({ type: 'answer', sdp: body.s });
    } else if (isCandidate(body.c)) {
      call.rtc.addCandidate(body.c);
    }
  }

  async #answer(frame: ReturnType<typeof parseFrame> & object, topic: string): Promise<void> {
    const id = toHex(frame.call);
    const opened = await openOffer(topic, this.#o.keys?.own, frame);
    if (!opened) return;
    const body = parseBody(opened.plaintext);
    if (!body || !isRendezvousId(body.r) || typeof body.s !== 'string' || !body.s.startsWith('v=0')) return;
    // Every offer carries a fresh call ID: one seen before is a broker replaying it.
    if (this.#seen.has(id)) {
      this.emitWarning('replayed-offer', body.r, 'the MQTT broker delivered an offer a second time; ignored');
      return;
    }
    this.#seen.add(id);
    if (this.#seen.size > MAX_SEEN_CALLS) this.#seen.delete(this.#seen.values().next().value!);
    if (this.#incoming >= MAX_PENDING_INCOMING) return;
    const remoteId = body.r;
    let call: Call;
    try {
      call = this.#track(frame.call, { dialer: false, keys: opened.keys, peerTopic: signalingTopic(remoteId) }, () => {});
    } catch (error) {
      this.emitError(error);
      return;
    }
    const { pc } = call.rtc;
    onIncomingChannel(pc, (dc) => {
      if (!call.rtc.open(() => this.emitChannel(new RtcChannel({ pc, dc, remoteId, initiator: false, report: (e) => this.emitError(e) })))) dc.close();
    });
    if (!(await call.rtc.applyRemote({ type: 'offer', sdp: body.s }))) return;
    try {
      await pc.setLocalDescription(await pc.createAnswer());
      const answer = sealFrame(opened.keys.answerer, KIND_ANSWER, frame.call, 0, call.peerTopic, utf8(JSON.stringify({ s: pc.localDescription!.sdp })));
      await this.#connection?.publish(call.peerTopic, answer, 0);
    } catch (error) {
      call.rtc.fail(toFriendsChatError(error, 'connection-failed'));
    }
  }
}

function parseBody(bytes: Uint8Array): { r?: unknown; s?: unknown; c?: unknown } | null {
  try {
    const value: unknown = JSON.parse(fromUtf8(bytes));
    return typeof value === 'object' && value !== null ? (value as { r?: unknown; s?: unknown; c?: unknown }) : null;
  } catch {
    return null;
  }
}
