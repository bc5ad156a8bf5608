import { FriendsChatError } from '../errors.js';
import type { Channel } from './channel.js';
import type { Signaling } from './signaling.js';
import type { SignalingEvents } from './signaling-events.js';

/** How long a dial waits for the registration it dials from. */
const REGISTER_WAIT = 5000;

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

  /**
   * Registers every ID of `ids` and `dialOnly` not yet registered and drops the ones no longer
   * listed. Channels arriving at a `dialOnly` ID are closed unread.
   */
  set(ids: readonly string[], dialOnly: readonly string[] = []): void {
    const wanted = new Set([...ids, ...dialOnly]);
    const refused = new Set(dialOnly);
    for (const [id, child] of this.#children) {
      if (wanted.has(id)) continue;
      this.#children.delete(id);
      child.close();
    }
    for (const id of wanted) {
      if (this.#children.has(id)) continue;
      const child = this.#create();
      child.onChannel((channel) => (refused.has(id) ? channel.close() : this.#events.emitChannel(channel)));
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

  /** Dials from one of the IDs; one that is still registering is waited for (a few seconds). */
  async dial(fromId: string, remoteId: string): Promise<Channel> {
    const child = this.#children.get(fromId);
    if (!child) throw new FriendsChatError('connection-failed', 'not registered under that ID');
    if (child.state !== 'online') {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          off();
          resolve();
        };
        const timer = setTimeout(done, REGISTER_WAIT);
        const off = child.onState((state) => {
          if (state === 'online') done();
        });
      });
    }
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
