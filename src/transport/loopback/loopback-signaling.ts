import { FriendsChatError, toFriendsChatError } from '../../errors.js';
import type { Channel } from '../channel.js';
import type { SignalingStrategy } from '../registry.js';
import type { Signaling, SignalingState } from '../signaling.js';
import { ExtraRegistrations } from '../extra-registrations.js';
import { SignalingEvents } from '../signaling-events.js';
import type { LoopbackChannel, LoopbackNetwork } from './loopback-network.js';

/** Signaling over a LoopbackNetwork: the in-memory broker of core tests. */
export class LoopbackSignaling extends SignalingEvents implements Signaling {
  readonly #network: LoopbackNetwork;
  readonly #fingerprint: string;
  /** Partitions and crashes cut a node, i.e. this ID and every extra one (`listen`). */
  readonly #node: (() => string) | undefined;
  readonly #extra: ExtraRegistrations;
  #id = '';
  #state: SignalingState = 'offline';
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(network: LoopbackNetwork, node?: () => string) {
    super();
    this.#network = network;
    this.#fingerprint = network.newFingerprint();
    this.#node = node;
    this.#extra = new ExtraRegistrations(() => new LoopbackSignaling(network, () => this.#id), this, () => this.emitStateChange(this.state));
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
    this.clear();
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
      this.emitError(toFriendsChatError(error, 'signaling-failed'));
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
    this.emitChannel(channel);
  }

  #setState(state: SignalingState): void {
    this.#state = state;
    this.emitStateChange(this.state);
  }
}

/**
 * `loopback:name`: the in-memory network of tests, looked up by name. Not in the default
 * registry; a test registers it with `registry.register(loopbackStrategy(networkFor))`.
 */
export function loopbackStrategy(networkFor: (name: string) => LoopbackNetwork): SignalingStrategy<string> {
  return {
    schemes: ['loopback'],
    parse(value) {
      const name = /^loopback:([A-Za-z0-9_-]{1,64})$/.exec(value.trim())?.[1];
      if (!name) throw new FriendsChatError('bad-signaling', 'loopback signaling needs a name of 1–64 letters, digits, - or _');
      return name;
    },
    create: (name) => new LoopbackSignaling(networkFor(name)),
  };
}
