import type { FriendInfo } from '../model/index.js';

/** Someone asked to become friends; accept with `acceptFriend(id)`, decline with `declineFriend(id)`. */
export class FriendsChatFriendRequestEvent extends Event {
  static readonly eventName = 'friends-chat-friend-request' as const;
  readonly friend: FriendInfo;

  constructor(friend: FriendInfo) {
    super(FriendsChatFriendRequestEvent.eventName, { bubbles: true, composed: true });
    this.friend = friend;
  }
}

declare global {
  interface HTMLElementEventMap {
    'friends-chat-friend-request': FriendsChatFriendRequestEvent;
  }
}
