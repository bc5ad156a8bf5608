import { FriendsChatError } from '../errors.js';
import type { Channel } from './channel.js';
import type { Signaling } from './signaling.js';
import type { SignalingEvents } from './signaling-events.js';

/**
 * The IDs a Signaling backend listens at besides its own (`Signaling.listen`): one child
 * backend of the same kind per ID, whose channels, errors and warnings are the parent's.
 */
export class ExtraRegistrations {
  readonly #create: () => Signaling;
  readonly #events: SignalingEvents;
  readonly #onState: () => void;
  readonly #children = new Map<string, Signaling>();

  constructor(create: () => Signaling, events: SignalingEvents, onState: () => void) {
    this.#create = create;
    this.#events = events;
    this.#onState = onState;
  }

  /** Registers every ID of `ids` not yet registered and drops the ones no longer listed. */
  set(ids: readonly string[]): void {
    const wanted = new Set(ids);
    for (const [id, child] of this.#children) {
      if (wanted.has(id)) continue;
      this.#children.delete(id);
      child.close();
    }
    for (const id of wanted) {
      if (this.#children.has(id)) continue;
      const child = this.#create();
      child.onChannel((channel) => this.#events.emitChannel(channel));
      child.onWarning((reason, peer, detail) => this.#events.emitWarning(reason, peer, detail));
      child.onError((error) => this.#events.emitError(error));
      child.onState(() => this.#onState());
      this.#children.set(id, child);
      child.start(id);
    }
    this.#onState();
  }

  get online(): boolean {
    for (const child of this.#children.values()) if (child.state === 'online') return true;
    return false;
  }

  dial(fromId: string, remoteId: string): Promise<Channel> {
    const child = this.#children.get(fromId);
    if (!child) return Promise.reject(new FriendsChatError('connection-failed', 'not registered under that ID'));
    return child.dial(remoteId);
  }

  nudge(): void {
    for (const child of this.#children.values()) child.nudge();
  }

  close(): void {
    for (const child of this.#children.values()) child.close();
    this.#children.clear();
  }
}
