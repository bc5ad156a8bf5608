import { toFriendsChatError, type FriendsChatError } from '../errors.js';
import type { SecurityWarningReason } from '../model/index.js';
import { Listeners } from '../util/listeners.js';
import type { Channel } from './channel.js';
import type { SignalingState } from './signaling.js';

/**
 * The listener half of every Signaling backend, written once: a backend `extends
 * SignalingEvents` and only emits. A listener that throws is reported as an error (never
 * thrown back into the backend's callback); an error listener that throws has nowhere left
 * to report to and is ignored.
 */
export class SignalingEvents {
  readonly #channel = new Listeners<[Channel]>();
  readonly #state = new Listeners<[SignalingState]>();
  readonly #error = new Listeners<[FriendsChatError]>();
  readonly #warning = new Listeners<[SecurityWarningReason, string, string]>();
  readonly #report = (error: unknown): void => this.emitError(error);
  /** The state last reported through `emitStateChange`. */
  #shown: SignalingState = 'offline';

  onChannel(listener: (channel: Channel) => void): () => void {
    return this.#channel.add(listener);
  }

  onState(listener: (state: SignalingState) => void): () => void {
    return this.#state.add(listener);
  }

  onError(listener: (error: FriendsChatError) => void): () => void {
    return this.#error.add(listener);
  }

  onWarning(listener: (reason: SecurityWarningReason, peer: string, detail: string) => void): () => void {
    return this.#warning.add(listener);
  }

  emitWarning(reason: SecurityWarningReason, peer: string, detail: string): void {
    this.#warning.emit(this.#report, reason, peer, detail);
  }

  emitChannel(channel: Channel): void {
    this.#channel.emit(this.#report, channel);
  }

  emitState(state: SignalingState): void {
    this.#state.emit(this.#report, state);
  }

  /**
   * Reports `state` only when it differs from the one reported last: for a backend whose
   * state combines several registrations (its own and those of `listen`).
   */
  emitStateChange(state: SignalingState): void {
    if (this.#shown === state) return;
    this.#shown = state;
    this.emitState(state);
  }

  emitError(error: unknown): void {
    this.#error.emit(() => {}, toFriendsChatError(error));
  }

  clear(): void {
    this.#channel.clear();
    this.#state.clear();
    this.#error.clear();
    this.#warning.clear();
  }
}
