import { randomBytes } from '../../crypto/index.js';
import type { Keypair } from '../../crypto/x25519.js';
import { FriendsChatError, toFriendsChatError } from '../../errors.js';
import { fromUtf8, toHex, utf8 } from '../../util/bytes.js';
import type { Channel } from '../channel.js';
import { RtcChannel } from '../rtc-channel.js';
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
  pc: RTCPeerConnection;
  /** The other side's topic: where our answer and candidates go. */
  peerTopic: string;
  seq: number;
  /** Candidates that arrived before the remote description was set. */
  early: RTCIceCandidateInit[] | null;
  timer: ReturnType<typeof setTimeout>;
  fail(error: FriendsChatError): void;
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
    const pc = this.#peer();
    const dc = pc.createDataChannel('friends-chat', { ordered: true });
    return new Promise<Channel>((resolve, reject) => {
      void (async () => {
        let call: Call | undefined;
        try {
          // The keys first: the call is tracked (and its candidates sent) right after the offer.
          const next = await newCall(peerTopic, this.#o.keys?.peerKey?.(remoteId));
          await pc.setLocalDescription(await pc.createOffer());
          const body = utf8(JSON.stringify({ r: this.#localId, s: pc.localDescription!.sdp }));
          const sealed = sealOffer(next, peerTopic, body);
          call = this.#track(sealed.call, { dialer: true, keys: sealed.keys, pc, peerTopic, seq: 1, early: [] }, reject);
          dc.addEventListener(
            'open',
            () => {
              if (!this.#finish(sealed.call)) return;
              resolve(new RtcChannel({ pc, dc, remoteId, initiator: true, report: (e) => this.emitError(e) }));
            },
            { once: true },
          );
          await this.#connection!.publish(peerTopic, sealed.frame, 0);
        } catch (error) {
          if (call) call.fail(toFriendsChatError(error, 'connection-failed'));
          else {
            pc.close();
            reject(toFriendsChatError(error, 'connection-failed'));
          }
        }
      })();
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const call of [...this.#calls.values()]) call.fail(new FriendsChatError('connection-failed', 'signaling closed'));
    this.#extra.close();
    this.#connection?.close(); // reports 'offline' once, when it was not already
    this.clear();
  }


  #peer(): RTCPeerConnection {
    return new RTCPeerConnection({ iceServers: this.#o.iceServers, iceTransportPolicy: this.#o.relayOnly ? 'relay' : 'all' });
  }

  /** Registers a call under its ID: trickles our candidates, times out, cleans up on failure. */
  #track(callId: Uint8Array, init: Omit<Call, 'timer' | 'fail'>, reject: (error: FriendsChatError) => void): Call {
    const id = toHex(callId);
    const call: Call = {
      ...init,
      timer: setTimeout(() => call.fail(new FriendsChatError('connection-failed', 'timed out connecting to peer')), this.#o.openTimeout ?? 15000),
      fail: (error) => {
        if (!this.#finish(callId)) return;
        init.pc.close();
        reject(error);
      },
    };
    this.#calls.set(id, call);
    init.pc.addEventListener('icecandidate', (event) => {
      // The end-of-candidates marker is not sent: the other side does not need it.
      if (!this.#calls.has(id) || !event.candidate) return;
      const candidate = event.candidate.toJSON();
      const kind = call.dialer ? KIND_FROM_DIALER : KIND_FROM_ANSWERER;
      const key = call.dialer ? call.keys.dialer : call.keys.answerer;
      const frame = sealFrame(key, kind, callId, call.seq++, call.peerTopic, utf8(JSON.stringify({ c: candidate })));
      this.#connection?.publish(call.peerTopic, frame, 0).catch((error) => this.emitError(error));
    });
    return call;
  }

  /** Forgets a call; false when it was already finished. */
  #finish(callId: Uint8Array): boolean {
    const id = toHex(callId);
    const call = this.#calls.get(id);
    if (!call) return false;
    clearTimeout(call.timer);
    this.#calls.delete(id);
    if (!call.dialer) this.#incoming--;
    return true;
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
    try {
      if (frame.kind === KIND_ANSWER) {
        if (!call.dialer || call.early === null || typeof body.s !== 'string') return;
        await call.pc.setRemoteDescription({ type: 'answer', sdp: body.s });
        await this.#flushEarly(call);
      } else if (isCandidate(body.c)) {
        if (call.early) call.early.push(body.c);
        else await call.pc.addIceCandidate(body.c);
      }
    } catch (error) {
      call.fail(toFriendsChatError(error, 'connection-failed'));
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
    this.#incoming++;
    const remoteId = body.r;
    const pc = this.#peer();
    const call = this.#track(frame.call, { dialer: false, keys: opened.keys, pc, peerTopic: signalingTopic(remoteId), seq: 1, early: [] }, () => {});
    pc.addEventListener('datachannel', (event) => {
      const dc = event.channel;
      const emit = (): void => {
        if (!this.#finish(frame.call)) return;
        this.emitChannel(new RtcChannel({ pc, dc, remoteId, initiator: false, report: (e) => this.emitError(e) }));
      };
      if (dc.readyState === 'open') emit();
      else dc.addEventListener('open', emit, { once: true });
    });
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: body.s });
      await pc.setLocalDescription(await pc.createAnswer());
      const answer = sealFrame(opened.keys.answerer, KIND_ANSWER, frame.call, 0, call.peerTopic, utf8(JSON.stringify({ s: pc.localDescription!.sdp })));
      await this.#connection?.publish(call.peerTopic, answer, 0);
      await this.#flushEarly(call);
    } catch (error) {
      call.fail(toFriendsChatError(error, 'connection-failed'));
    }
  }

  async #flushEarly(call: Call): Promise<void> {
    const early = call.early ?? [];
    call.early = null;
    for (const candidate of early) await call.pc.addIceCandidate(candidate);
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

function isCandidate(value: unknown): value is RTCIceCandidateInit {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return typeof c.candidate === 'string' && c.candidate.length < 2048;
}
