import { FriendsChatError, toFriendsChatError } from '../../errors.js';
import type { Channel } from '../channel.js';
import type { Signaling, SignalingState } from '../signaling.js';
import type { LoopbackChannel, LoopbackNetwork } from './loopback-network.js';

/** Signaling over a LoopbackNetwork: the in-memory broker of core tests. */
export class LoopbackSignaling implements Signaling {
  readonly #network: LoopbackNetwork;
  readonly #channelListeners = new Set<(channel: Channel) => void>();
  readonly #stateListeners = new Set<(state: SignalingState) => void>();
  readonly #errorListeners = new Set<(error: FriendsChatError) => void>();
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
    this.#channelListeners.clear();
    this.#stateListeners.clear();
    this.#errorListeners.clear();
  }

  onChannel(listener: (channel: Channel) => void): () => void {
    this.#channelListeners.add(listener);
    return () => this.#channelListeners.delete(listener);
  }

  onState(listener: (state: SignalingState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  onError(listener: (error: FriendsChatError) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
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
      for (const listener of this.#errorListeners) listener(toFriendsChatError(error, 'signaling-failed'));
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
    for (const listener of this.#channelListeners) listener(channel);
  }

  #setState(state: SignalingState): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const listener of this.#stateListeners) listener(state);
  }
}
