import type { FriendInfo } from '../model/index.js';

/** A friendship was made (either side accepted). */
export class FriendsChatFriendEvent extends Event {
  static readonly eventName = 'friends-chat-friend' as const;
  readonly friend: FriendInfo;

  constructor(friend: FriendInfo) {
    super(FriendsChatFriendEvent.eventName, { bubbles: true, composed: true });
    this.friend = friend;
  }
}

declare global {
  interface HTMLElementEventMap {
    'friends-chat-friend': FriendsChatFriendEvent;
  }
}
