import { FriendsChatError, toFriendsChatError } from '../../errors.js';
import type { SecurityWarningReason } from '../../model/index.js';
import type { Channel } from '../channel.js';
import type { Signaling, SignalingState } from '../signaling.js';
import { ExtraRegistrations } from '../extra-registrations.js';
import { SignalingEvents } from '../signaling-events.js';
import type { LoopbackChannel, LoopbackNetwork } from './loopback-network.js';

/** Signaling over a LoopbackNetwork: the in-memory broker of core tests. */
export class LoopbackSignaling implements Signaling {
  readonly #network: LoopbackNetwork;
  readonly #events = new SignalingEvents();
  readonly #fingerprint: string;
  /** Partitions and crashes cut a node, i.e. this ID and every extra one (`listen`). */
  readonly #node: (() => string) | undefined;
  readonly #extra: ExtraRegistrations;
  #id = '';
  #shown: SignalingState = 'offline';
  #state: SignalingState = 'offline';
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(network: LoopbackNetwork, node?: () => string) {
    this.#network = network;
    this.#fingerprint = network.newFingerprint();
    this.#node = node;
    this.#extra = new ExtraRegistrations(() => new LoopbackSignaling(network, () => this.#id), this.#events, () => this.#showState());
  }

  get state(): SignalingState {
    return this.#state === 'online' || this.#extra.online ? 'online' : this.#state;
  }

  start(localId: string): void {
    this.#id = localId;
    this.#register();
  }

  listen(ids: readonly string[], dialOnly?: readonly string[]): void {
    if (!this.#closed) this.#extra.set(ids, dialOnly);
  }

  nudge(): void {
    if (this.#state !== 'online') this.#register();
    this.#extra.nudge();
  }

  async dial(remoteId: string, fromId?: string): Promise<Channel> {
    if (fromId !== undefined && fromId !== this.#id) return this.#extra.dial(fromId, remoteId);
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
    this.#extra.close();
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
        this.#network.register({ id: this.#id, node: this.#node?.() ?? this.#id, fingerprint: this.#fingerprint, accept: (channel) => this.#accept(channel) });
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
    this.#state = state;
    this.#showState();
  }

  #showState(): void {
    const state = this.state;
    if (this.#shown === state) return;
    this.#shown = state;
    this.#events.emitState(state);
  }
}
