/** The chat is locked (by `lock()`, `auto-lock`, or a locked store at start): only the unlock form shows. */
export class FriendsChatLockedEvent extends Event {
  static readonly eventName = 'friends-chat-locked' as const;

  constructor() {
    super(FriendsChatLockedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'friends-chat-locked': FriendsChatLockedEvent;
  }
}
