import { randomBytes } from '../../crypto/index.js';
import { FriendsChatError, toFriendsChatError } from '../../errors.js';
import { Backoff } from '../../util/backoff.js';
import { toHex } from '../../util/bytes.js';
import type { Channel } from '../channel.js';
import { ExtraRegistrations } from '../extra-registrations.js';
import { RtcCall, isCandidate } from '../rtc-call.js';
import { RtcChannel } from '../rtc-channel.js';
import { onIncomingChannel } from '../rtc-offer.js';
import type { Signaling, SignalingState } from '../signaling.js';
import { SignalingEvents } from '../signaling-events.js';
import { PeerjsSocket, type PeerjsServer, type RelayedMessage } from './peerjs-socket.js';

export interface PeerjsOptions extends PeerjsServer {
  iceServers: RTCIceServer[];
  relayOnly: boolean;
  /** How long a dial or an incoming connection may take to open. */
  openTimeout?: number;
}

/** The one serialization friends-chat speaks: our own framing over raw bytes. */
const SERIALIZATION = 'raw';
/** Offers from strangers we will hold at once before refusing more (flood guard). */
const MAX_PENDING_INCOMING = 16;
/** Offer connection IDs remembered to spot replays (PeerJS makes a fresh one per offer). */
const MAX_SEEN_OFFERS = 512;

/** One data connection being negotiated, by PeerJS's rules: trickled ICE, one data channel. */
interface Call {
  remoteId: string;
  connectionId: string;
  dialer: boolean;
  rtc: RtcCall;
  /** Our candidates gathered before our SDP went out (a PeerJS peer wants the SDP first). */
  outbox: RTCIceCandidateInit[] | null;
}

/**
 * Signaling through a PeerJS server, wire-compatible with the peerjs library's `raw` data
 * connections (our own client, docs/signaling.md). Registers under the rendezvous ID, keeps
 * that registration alive across broker restarts and "ID taken" after a reload (both
 * retried with back-off), and accepts only `raw` data connections: any other offer is
 * dropped before anything is set up for it.
 */
export class PeerjsSignaling extends SignalingEvents implements Signaling {
  readonly #options: PeerjsOptions;
  readonly #backoff = new Backoff();
  /** Calls by `remoteId connectionId`. */
  readonly #calls = new Map<string, Call>();
  /** Open channels: closed with the signaling, as the peerjs library did. */
  readonly #open = new Set<RtcChannel>();
  #socket: PeerjsSocket | null = null;
  #localId = '';
  #state: SignalingState = 'offline';
  /** Pairwise rendezvous IDs (`listen`): one more registration each. */
  readonly #extra = new ExtraRegistrations(() => new PeerjsSignaling(this.#options), this, () => this.emitStateChange(this.state));
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pendingIncoming = 0;
  readonly #seenOffers = new Set<string>();
  #closed = false;

  constructor(options: PeerjsOptions) {
    super();
    this.#options = options;
  }

  get state(): SignalingState {
    return this.#state === 'online' || this.#extra.online ? 'online' : this.#state;
  }

  listen(ids: readonly string[], dialOnly?: readonly string[]): void {
    if (!this.#closed) this.#extra.set(ids, dialOnly);
  }

  start(localId: string): void {
    if (this.#closed) return;
    this.#localId = localId;
    this.#connect();
  }

  nudge(): void {
    this.#extra.nudge();
    if (this.#closed || !this.#localId || this.#state === 'online') return;
    this.#backoff.reset();
    this.#connect();
  }

  dial(remoteId: string, fromId?: string): Promise<Channel> {
    if (fromId !== undefined && fromId !== this.#localId) return this.#extra.dial(fromId, remoteId);
    return new Promise((resolve, reject) => {
      const socket = this.#socket;
      if (this.#closed || !socket || this.#state !== 'online') {
        reject(new FriendsChatError('connection-failed', 'not connected to the signaling server'));
        return;
      }
      let call: Call;
      try {
        call = this.#track(remoteId, `dc_${toHex(randomBytes(8))}`, true, reject);
      } catch (error) {
        reject(toFriendsChatError(error, 'connection-failed'));
        return;
      }
      const { pc } = call.rtc;
      void (async () => {
        try {
          // PeerJS names the channel after the connection; `reliable` is an ordered channel.
          const dc = pc.createDataChannel(call.connectionId, { ordered: true });
          dc.addEventListener('open', () => call.rtc.open(() => resolve(this.#channel(call, dc))), { once: true });
          await pc.setLocalDescription(await pc.createOffer());
          if (!call.rtc.ended) this.#sendSdp(call, 'OFFER', { label: call.connectionId, reliable: true, serialization: SERIALIZATION });
        } catch (error) {
          call.rtc.fail(toFriendsChatError(error, 'connection-failed'));
        }
      })();
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#dropSocket();
    this.#extra.close();
    this.#setState('offline');
    for (const call of [...this.#calls.values()]) call.rtc.fail(new FriendsChatError('connection-failed', 'signaling closed'));
    for (const channel of [...this.#open]) channel.close();
    this.clear();
  }

  #connect(): void {
    this.#dropSocket();
    clearTimeout(this.#retryTimer);
    this.#setState('connecting');
    const socket: PeerjsSocket = new PeerjsSocket(this.#options, this.#localId, {
      open: () => {
        this.#backoff.reset();
        this.#setState('online');
      },
      message: (message) => this.#receive(message),
      closed: (error) => {
        if (socket !== this.#socket) return;
        this.#socket = null;
        this.emitError(error);
        this.#setState('offline');
        // Live channels keep running: only the registration needs a new socket.
        this.#retryTimer = setTimeout(() => this.#connect(), this.#backoff.next());
      },
    });
    this.#socket = socket;
  }

  #dropSocket(): void {
    this.#socket?.close();
    this.#socket = null;
  }

  #receive(message: RelayedMessage): void {
    if (this.#closed) return;
    const { type, src, payload } = message;
    try {
      if (type === 'OFFER') {
        this.#answer(src, payload);
        return;
      }
      if (type === 'EXPIRE' || type === 'LEAVE') {
        // EXPIRE: our offer waited at the server for a peer that never came.
        for (const call of [...this.#calls.values()]) {
          if (call.remoteId === src) call.rtc.fail(new FriendsChatError('connection-failed', 'peer is not online'));
        }
        return;
      }
      const call = typeof payload.connectionId === 'string' ? this.#calls.get(`${src} ${payload.connectionId}`) : undefined;
      if (!call) return;
      if (type === 'ANSWER') {
        const sdp = sessionDescription(payload.sdp, 'answer');
        if (call.dialer && sdp) void call.rtc.applyRemote(sdp);
      } else if (type === 'CANDIDATE' && isCandidate(payload.candidate)) {
        call.rtc.addCandidate(payload.candidate);
      }
    } catch (error) {
      this.emitError(new FriendsChatError('signaling-failed', 'bad message from the signaling server', { cause: error }));
    }
  }

  /** An offer: only a fresh `raw` data connection, and only while few are pending. */
  #answer(src: string, payload: Record<string, unknown>): void {
    const { connectionId } = payload;
    const sdp = sessionDescription(payload.sdp, 'offer');
    if (payload.type !== 'data' || payload.serialization !== SERIALIZATION || typeof connectionId !== 'string' || connectionId.length > 64 || !sdp) return;
    // Every offer carries a fresh connection ID: one seen before is a broker replaying it.
    const seen = `${src} ${connectionId}`;
    if (this.#seenOffers.has(seen)) {
      this.emitWarning('replayed-offer', src, 'the signaling server delivered an offer a second time; ignored');
      return;
    }
    this.#seenOffers.add(seen);
    if (this.#seenOffers.size > MAX_SEEN_OFFERS) this.#seenOffers.delete(this.#seenOffers.values().next().value!);
    if (this.#pendingIncoming >= MAX_PENDING_INCOMING) return;
    const call = this.#track(src, connectionId, false, () => {});
    const { pc } = call.rtc;
    onIncomingChannel(pc, (dc) => {
      // A second channel on the same connection is not PeerJS's, nor ours.
      if (!call.rtc.open(() => this.emitChannel(this.#channel(call, dc)))) dc.close();
    });
    void (async () => {
      if (!(await call.rtc.applyRemote(sdp))) return;
      try {
        await pc.setLocalDescription(await pc.createAnswer());
        if (!call.rtc.ended) this.#sendSdp(call, 'ANSWER', {});
      } catch (error) {
        call.rtc.fail(toFriendsChatError(error, 'connection-failed'));
      }
    })();
  }

  /** Registers a call: its candidates go out after its SDP; it leaves the map however it ends. */
  #track(remoteId: string, connectionId: string, dialer: boolean, reject: (error: FriendsChatError) => void): Call {
    const id = `${remoteId} ${connectionId}`;
    const call: Call = {
      remoteId,
      connectionId,
      dialer,
      outbox: [],
      rtc: new RtcCall({
        ...this.#options,
        timeout: this.#options.openTimeout ?? 15000,
        onCandidate: (candidate) => {
          if (call.outbox) call.outbox.push(candidate);
          else this.#sendCandidate(call, candidate);
        },
        onEnd: (error) => {
          this.#calls.delete(id);
          if (!dialer) this.#pendingIncoming--;
          if (error) reject(error);
        },
      }),
    };
    this.#calls.set(id, call);
    if (!dialer) this.#pendingIncoming++;
    return call;
  }

  /** Our SDP (PeerJS's `{sdp, type: 'data', connectionId}` payload), then the candidates it held back. */
  #sendSdp(call: Call, type: 'OFFER' | 'ANSWER', extra: Record<string, unknown>): void {
    const { type: sdpType, sdp } = call.rtc.pc.localDescription!;
    this.#socket?.send(type, call.remoteId, { sdp: { type: sdpType, sdp }, type: 'data', connectionId: call.connectionId, ...extra });
    for (const candidate of call.outbox ?? []) this.#sendCandidate(call, candidate);
    call.outbox = null;
  }

  #sendCandidate(call: Call, candidate: RTCIceCandidateInit): void {
    this.#socket?.send('CANDIDATE', call.remoteId, { candidate, type: 'data', connectionId: call.connectionId });
  }

  #channel(call: Call, dc: RTCDataChannel): RtcChannel {
    const channel: RtcChannel = new RtcChannel({
      pc: call.rtc.pc,
      dc,
      remoteId: call.remoteId,
      initiator: call.dialer,
      report: (e) => this.emitError(e),
      onClosed: () => this.#open.delete(channel),
    });
    this.#open.add(channel);
    return channel;
  }

  #setState(state: SignalingState): void {
    this.#state = state;
    this.emitStateChange(this.state);
  }
}

/** PeerJS sends `{type, sdp}` objects; anything else is not a session description. */
function sessionDescription(value: unknown, type: 'offer' | 'answer'): RTCSessionDescriptionInit | null {
  if (typeof value !== 'object' || value === null) return null;
  const { type: kind, sdp } = value as { type?: unknown; sdp?: unknown };
  return kind === type && typeof sdp === 'string' && sdp.startsWith('v=0') ? { type, sdp } : null;
}
