import type { DataConnection } from 'peerjs';
import { FriendsChatError } from '../../errors.js';
import { ChannelEvents, LOW_WATER, type Channel } from '../channel.js';
import { dtlsFingerprint } from '../sdp.js';

/**
 * A PeerJS `raw` DataConnection as a Channel. Bytes go straight to the RTCDataChannel:
 * PeerJS's own queue would hide `bufferedAmount`, which back-pressure needs to see.
 */
export class PeerjsChannel implements Channel {
  readonly remoteId: string;
  readonly initiator: boolean;
  readonly #connection: DataConnection;
  readonly #events = new ChannelEvents();
  readonly #report: (error: unknown) => void;
  #closed = false;

  constructor(connection: DataConnection, initiator: boolean, report: (error: unknown) => void) {
    this.#connection = connection;
    this.remoteId = connection.peer;
    this.initiator = initiator;
    this.#report = report;
    const channel = connection.dataChannel;
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = LOW_WATER;
    channel.addEventListener('bufferedamountlow', () => this.#events.emitDrain(report));
    connection.on('data', (data: unknown) => {
      if (this.#closed) return;
      if (data instanceof ArrayBuffer) this.#events.emitMessage(new Uint8Array(data), report);
      else this.close(); // text or anything else: not our protocol
    });
    connection.on('close', () => this.#handleClosed());
    connection.on('error', () => this.close());
    channel.addEventListener('close', () => this.#handleClosed());
    const pc = connection.peerConnection;
    pc?.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') this.close();
    });
  }

  get bufferedAmount(): number {
    return this.#connection.dataChannel?.bufferedAmount ?? 0;
  }

  get closed(): boolean {
    return this.#closed;
  }

  fingerprints(): { local: string; remote: string } {
    const pc = this.#connection.peerConnection;
    return {
      local: dtlsFingerprint(pc?.localDescription?.sdp ?? ''),
      remote: dtlsFingerprint(pc?.remoteDescription?.sdp ?? ''),
    };
  }

  send(bytes: Uint8Array): void {
    const channel = this.#connection.dataChannel;
    if (this.#closed || !channel || channel.readyState !== 'open') {
      throw new FriendsChatError('connection-failed', 'channel is closed');
    }
    channel.send(bytes as Uint8Array<ArrayBuffer>);
  }

  close(): void {
    if (this.#closed) return;
    try {
      this.#connection.close();
    } catch (error) {
      this.#report(error);
    }
    this.#handleClosed();
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

  #handleClosed(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    try {
      this.#connection.peerConnection?.close();
    } catch {
      // already closed
    }
    this.#events.emitClose(this.#report);
  }
}
