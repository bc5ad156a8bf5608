import { FriendsChatError } from '../errors.js';
import { ChannelEvents, LOW_WATER, type Channel } from './channel.js';
import { dtlsFingerprint } from './sdp.js';

/**
 * An open RTCDataChannel as a Channel, for every WebRTC-based adapter. Bytes go straight
 * to the data channel so back-pressure sees the real `bufferedAmount`. Anything that is
 * not binary closes the channel: it is not our protocol.
 */
export class RtcChannel implements Channel {
  readonly remoteId: string;
  readonly initiator: boolean;
  readonly #pc: RTCPeerConnection;
  readonly #dc: RTCDataChannel;
  readonly #events = new ChannelEvents();
  readonly #report: (error: unknown) => void;
  readonly #onClosed: () => void;
  #closed = false;

  constructor(options: {
    pc: RTCPeerConnection;
    dc: RTCDataChannel;
    remoteId: string;
    initiator: boolean;
    report: (error: unknown) => void;
    /** Extra cleanup when the channel closes (the adapter's own wrapper). */
    onClosed?: () => void;
  }) {
    this.#pc = options.pc;
    this.#dc = options.dc;
    this.remoteId = options.remoteId;
    this.initiator = options.initiator;
    this.#report = options.report;
    this.#onClosed = options.onClosed ?? (() => {});
    const dc = options.dc;
    dc.binaryType = 'arraybuffer';
    dc.bufferedAmountLowThreshold = LOW_WATER;
    dc.addEventListener('bufferedamountlow', () => this.#events.emitDrain(this.#report));
    dc.addEventListener('message', (event: MessageEvent) => {
      if (this.#closed) return;
      if (event.data instanceof ArrayBuffer) this.#events.emitMessage(new Uint8Array(event.data), this.#report);
      else this.close();
    });
    dc.addEventListener('close', () => this.close());
    dc.addEventListener('error', () => this.close());
    options.pc.addEventListener('connectionstatechange', () => {
      if (options.pc.connectionState === 'failed' || options.pc.connectionState === 'closed') this.close();
    });
  }

  get bufferedAmount(): number {
    return this.#dc.bufferedAmount;
  }

  get closed(): boolean {
    return this.#closed;
  }

  fingerprints(): { local: string; remote: string } {
    return {
      local: dtlsFingerprint(this.#pc.localDescription?.sdp ?? ''),
      remote: dtlsFingerprint(this.#pc.remoteDescription?.sdp ?? ''),
    };
  }

  send(bytes: Uint8Array): void {
    if (this.#closed || this.#dc.readyState !== 'open') throw new FriendsChatError('connection-failed', 'channel is closed');
    this.#dc.send(bytes as Uint8Array<ArrayBuffer>);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const close of [() => this.#onClosed(), () => this.#dc.close(), () => this.#pc.close()]) {
      try {
        close();
      } catch (error) {
        this.#report(error);
      }
    }
    this.#events.emitClose(this.#report);
  }

  onMessage(listener: (bytes: Uint8Array) => void): () => void {
    return this.#events.onMessage(listener);
  }

  onClose(listener: () => void): () => void {
    if (this.#closed) {
      queueMicrotask(listener);
      return () => {};
    }
    return this.#events.onClose(listener);
  }

  onDrain(listener: () => void): () => void {
    return this.#events.onDrain(listener);
  }
}
