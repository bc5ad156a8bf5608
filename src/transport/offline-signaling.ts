import { FriendsChatError } from '../errors.js';
import type { Channel } from './channel.js';
import type { Signaling, SignalingState } from './signaling.js';
import { SignalingEvents } from './signaling-events.js';

/**
 * The backend of a widget whose `signaling` attribute is wrong: it never connects
 * anywhere, so a typo cannot send rendezvous IDs to a broker the page author never chose.
 * The widget still loads its identity and history; it is just offline.
 */
export class OfflineSignaling extends SignalingEvents implements Signaling {
  readonly state: SignalingState = 'offline';

  start(): void {}

  nudge(): void {}

  dial(): Promise<Channel> {
    return Promise.reject(new FriendsChatError('connection-failed', 'offline: the signaling attribute is not valid'));
  }

  close(): void {
    this.clear();
  }
}
