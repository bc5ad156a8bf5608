import type { Presence } from '../model/index.js';

export type { Presence } from '../model/index.js';

/** A friend's presence changed; it follows live authenticated sessions, not the broker. */
export class FriendsChatPresenceEvent extends Event {
  static readonly eventName = 'friends-chat-presence' as const;
  readonly friendId: string;
  readonly presence: Presence;

  constructor(friendId: string, presence: Presence) {
    super(FriendsChatPresenceEvent.eventName, { bubbles: true, composed: true });
    this.friendId = friendId;
    this.presence = presence;
  }
}

declare global {
  interface HTMLElementEventMap {
    'friends-chat-presence': FriendsChatPresenceEvent;
  }
}
