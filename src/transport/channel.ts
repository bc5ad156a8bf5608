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

/** Low-water mark for back-pressure: senders wait for `drain` above the high-water mark. */
export const LOW_WATER = 256 * 1024;
export const HIGH_WATER = 1024 * 1024;

/** Listener bookkeeping shared by Channel adapters. */
export class ChannelEvents {
  readonly #message = new Set<(bytes: Uint8Array) => void>();
  readonly #close = new Set<() => void>();
  readonly #drain = new Set<() => void>();

  onMessage(listener: (bytes: Uint8Array) => void): () => void {
    this.#message.add(listener);
    return () => this.#message.delete(listener);
  }

  onClose(listener: () => void): () => void {
    this.#close.add(listener);
    return () => this.#close.delete(listener);
  }

  onDrain(listener: () => void): () => void {
    this.#drain.add(listener);
    return () => this.#drain.delete(listener);
  }

  /** Listener errors are reported through `report`, never thrown into the adapter's callback. */
  emitMessage(bytes: Uint8Array, report: (error: unknown) => void): void {
    // A snapshot: a listener added while this message is handled must not see it.
    for (const listener of [...this.#message]) {
      try {
        listener(bytes);
      } catch (error) {
        report(error);
      }
    }
  }

  emitClose(report: (error: unknown) => void): void {
    const listeners = [...this.#close];
    this.#close.clear();
    this.#message.clear();
    this.#drain.clear();
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        report(error);
      }
    }
  }

  emitDrain(report: (error: unknown) => void): void {
    for (const listener of [...this.#drain]) {
      try {
        listener();
      } catch (error) {
        report(error);
      }
    }
  }
}
