import { FriendsChatError } from '../errors.js';
import { rtcConfig } from './rtc-offer.js';

export interface RtcCallOptions {
  iceServers: RTCIceServer[];
  relayOnly: boolean;
  /** How long the call may take to open its data channel. */
  timeout: number;
  /** One of our trickled candidates (never the end-of-candidates marker). */
  onCandidate(candidate: RTCIceCandidateInit): void;
  /** The call is over: opened (`null`) or failed; called once. */
  onEnd(error: FriendsChatError | null): void;
}

/**
 * One WebRTC call being set up over a broker that relays SDP and trickled ICE candidates
 * (PeerJS, MQTT): the peer connection, the other side's candidates that come before its
 * SDP, the open timeout, and the one way the call ends (`open` or `fail`).
 */
export class RtcCall {
  readonly pc: RTCPeerConnection;
  readonly #onEnd: (error: FriendsChatError | null) => void;
  readonly #timer: ReturnType<typeof setTimeout>;
  /** The other side's candidates until its SDP is applied. */
  #early: RTCIceCandidateInit[] | null = [];
  #remote = false;
  #ended = false;
  /** An open channel waiting for the other side's SDP to be reported applied. */
  #opened: (() => void) | null = null;

  /** Throws if the browser refuses the configuration. */
  constructor(options: RtcCallOptions) {
    this.#onEnd = options.onEnd;
    const pc = (this.pc = new RTCPeerConnection(rtcConfig(options)));
    this.#timer = setTimeout(() => this.fail(new FriendsChatError('connection-failed', 'timed out connecting to peer')), options.timeout);
    pc.addEventListener('icecandidate', (event) => {
      if (!this.#ended && event.candidate?.candidate) options.onCandidate(event.candidate.toJSON());
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed') this.fail(new FriendsChatError('connection-failed', 'could not reach the peer'));
    });
  }

  get ended(): boolean {
    return this.#ended;
  }

  /**
   * The other side's SDP, then the candidates that came before it. Once per call: a second
   * one (a replay) is ignored. False, with the call failed, when it does not apply.
   */
  async applyRemote(description: RTCSessionDescriptionInit): Promise<boolean> {
    if (this.#remote || this.#ended) return false;
    this.#remote = true;
    try {
      await this.pc.setRemoteDescription(description);
    } catch (error) {
      this.fail(new FriendsChatError('connection-failed', 'the peer’s session description does not apply', { cause: error }));
      return false;
    }
    const early = this.#early ?? [];
    this.#early = null;
    for (const candidate of early) this.addCandidate(candidate);
    const opened = this.#opened;
    this.#opened = null;
    if (opened) this.open(opened);
    return true;
  }

  /** A candidate of the other side; one that does not apply is one path fewer, not a failed call. */
  addCandidate(candidate: RTCIceCandidateInit): void {
    if (this.#ended) return;
    if (this.#early) this.#early.push(candidate);
    else this.pc.addIceCandidate(candidate).catch(() => {});
  }

  /**
   * The data channel opened: the call ends and `opened` runs, once the other side's SDP is
   * applied. (The dialler's channel can open a moment before the browser reports the answer
   * set, with `remoteDescription` still null, and the session binds both descriptions'
   * fingerprints.) False when the call had already ended or has a channel already.
   */
  open(opened: () => void): boolean {
    if (this.#ended || this.#opened) return false;
    if (this.#early) {
      this.#opened = opened;
      return true;
    }
    this.#end();
    this.#onEnd(null);
    opened();
    return true;
  }

  fail(error: FriendsChatError): void {
    if (!this.#end()) return;
    this.pc.close();
    this.#onEnd(error);
  }

  #end(): boolean {
    if (this.#ended) return false;
    this.#ended = true;
    clearTimeout(this.#timer);
    return true;
  }
}

/** A relayed ICE candidate as far as we check it before the browser does. */
export function isCandidate(value: unknown): value is RTCIceCandidateInit {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return typeof c.candidate === 'string' && c.candidate.length < 2048;
}
