/**
 * The number of unread messages changed: `total` across all friends, and per friend (by
 * profile ID). The open conversation counts as read while the page is visible.
 */
export class FriendsChatUnreadEvent extends Event {
  static readonly eventName = 'friends-chat-unread' as const;
  readonly total: number;
  readonly byFriend: Readonly<Record<string, number>>;

  constructor(total: number, byFriend: Record<string, number>) {
    super(FriendsChatUnreadEvent.eventName, { bubbles: true, composed: true });
    this.total = total;
    this.byFriend = byFriend;
  }
}

declare global {
  interface HTMLElementEventMap {
    'friends-chat-unread': FriendsChatUnreadEvent;
  }
}
