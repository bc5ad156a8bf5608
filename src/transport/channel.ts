import { Listeners } from '../util/listeners.js';

/**
 * The Channel port: an ordered, reliable byte pipe to one peer. Sessions run on top of it;
 * adapters (PeerJS, loopback) implement it. A closed channel never opens again.
 */
export interface Channel {
  /** The remote side's rendezvous ID as the broker named it: a label, not an identity. */
  readonly remoteId: string;
  /** True on the side that dialled. */
  readonly initiator: boolean;
  readonly bufferedAmount: number;
  readonly closed: boolean;
  /** DTLS certificate fingerprints from the local and remote SDP (loopback: synthetic). */
  fingerprints(): { local: string; remote: string };
  /** Sends one message; throws a `FriendsChatError` when closed. */
  send(bytes: Uint8Array): void;
  close(): void;
  onMessage(listener: (bytes: Uint8Array) => void): () => void;
  onClose(listener: () => void): () => void;
  /** Fires when `bufferedAmount` falls to the low-water mark after having been above it. */
  onDrain(listener: () => void): () => void;
}

/** `onDrain` fires when `bufferedAmount` falls to this many bytes (back-pressure for senders). */
export const LOW_WATER = 256 * 1024;

/** Listener bookkeeping shared by Channel adapters. */
export class ChannelEvents {
  readonly #message = new Listeners<[Uint8Array]>();
  readonly #close = new Listeners<[]>();
  readonly #drain = new Listeners<[]>();

  onMessage(listener: (bytes: Uint8Array) => void): () => void {
    return this.#message.add(listener);
  }

  onClose(listener: () => void): () => void {
    return this.#close.add(listener);
  }

  onDrain(listener: () => void): () => void {
    return this.#drain.add(listener);
  }

  emitMessage(bytes: Uint8Array, report: (error: unknown) => void): void {
    this.#message.emit(report, bytes);
  }

  /** Closing is final: every listener is dropped after the close listeners ran. */
  emitClose(report: (error: unknown) => void): void {
    this.#message.clear();
    this.#drain.clear();
    this.#close.emit(report);
    this.#close.clear();
  }

  emitDrain(report: (error: unknown) => void): void {
    this.#drain.emit(report);
  }
}
