import { FriendsChatError, toFriendsChatError } from '../../errors.js';
import type { SecurityWarningReason } from '../../model/index.js';
import type { Channel } from '../channel.js';
import type { Signaling, SignalingState } from '../signaling.js';
import { SignalingEvents } from '../signaling-events.js';
import type { LoopbackChannel, LoopbackNetwork } from './loopback-network.js';

/** Signaling over a LoopbackNetwork: the in-memory broker of core tests. */
export class LoopbackSignaling implements Signaling {
  readonly #network: LoopbackNetwork;
  readonly #events = new SignalingEvents();
  readonly #fingerprint: string;
  #id = '';
  #state: SignalingState = 'offline';
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(network: LoopbackNetwork) {
    this.#network = network;
    this.#fingerprint = network.newFingerprint();
  }

  get state(): SignalingState {
    return this.#state;
  }

  start(localId: string): void {
    this.#id = localId;
    this.#register();
  }

  nudge(): void {
    if (this.#state !== 'online') this.#register();
  }

  async dial(remoteId: string): Promise<Channel> {
    if (this.#closed || this.#state !== 'online') throw new FriendsChatError('connection-failed', 'not registered');
    // A crash unregisters us behind our back: notice it here.
    if (!this.#network.isRegistered(this.#id)) {
      this.#setState('offline');
      this.#scheduleRetry();
      throw new FriendsChatError('connection-failed', 'not registered');
    }
    await Promise.resolve();
    return this.#network.connect(this.#id, remoteId);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    if (this.#state === 'online') this.#network.unregister(this.#id);
    this.#setState('offline');
    this.#events.clear();
  }

  onChannel(listener: (channel: Channel) => void): () => void {
    return this.#events.onChannel(listener);
  }

  onState(listener: (state: SignalingState) => void): () => void {
    return this.#events.onState(listener);
  }

  onError(listener: (error: FriendsChatError) => void): () => void {
    return this.#events.onError(listener);
  }

  onWarning(listener: (reason: SecurityWarningReason, peer: string, detail: string) => void): () => void {
    return this.#events.onWarning(listener);
  }

  #register(): void {
    if (this.#closed) return;
    clearTimeout(this.#retry);
    try {
      if (!this.#network.isRegistered(this.#id)) {
        this.#network.register({ id: this.#id, fingerprint: this.#fingerprint, accept: (channel) => this.#accept(channel) });
      }
      this.#setState('online');
    } catch (error) {
      this.#events.emitError(toFriendsChatError(error, 'signaling-failed'));
      this.#setState('offline');
      this.#scheduleRetry();
    }
  }

  #scheduleRetry(): void {
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.#register(), 20);
  }

  #accept(channel: LoopbackChannel): void {
    if (this.#closed) {
      channel.close();
      return;
    }
    this.#events.emitChannel(channel);
  }

  #setState(state: SignalingState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#events.emitState(state);
  }
}
