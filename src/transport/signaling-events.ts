import { toFriendsChatError, type FriendsChatError } from '../errors.js';
import type { Channel } from './channel.js';
import type { SignalingState } from './signaling.js';

/**
 * Listener bookkeeping shared by Signaling adapters. A listener that throws is reported as
 * an error (never thrown back into the adapter's callback); an error listener that throws
 * has nowhere left to report to and is ignored.
 */
export class SignalingEvents {
  readonly #channel = new Set<(channel: Channel) => void>();
  readonly #state = new Set<(state: SignalingState) => void>();
  readonly #error = new Set<(error: FriendsChatError) => void>();

  onChannel(listener: (channel: Channel) => void): () => void {
    this.#channel.add(listener);
    return () => this.#channel.delete(listener);
  }

  onState(listener: (state: SignalingState) => void): () => void {
    this.#state.add(listener);
    return () => this.#state.delete(listener);
  }

  onError(listener: (error: FriendsChatError) => void): () => void {
    this.#error.add(listener);
    return () => this.#error.delete(listener);
  }

  emitChannel(channel: Channel): void {
    for (const listener of [...this.#channel]) {
      try {
        listener(channel);
      } catch (error) {
        this.emitError(error);
      }
    }
  }

  emitState(state: SignalingState): void {
    for (const listener of [...this.#state]) {
      try {
        listener(state);
      } catch (error) {
        this.emitError(error);
      }
    }
  }

  emitError(error: unknown): void {
    const wrapped = toFriendsChatError(error);
    for (const listener of [...this.#error]) {
      try {
        listener(wrapped);
      } catch {
        // see the class comment
      }
    }
  }

  clear(): void {
    this.#channel.clear();
    this.#state.clear();
    this.#error.clear();
  }
}
