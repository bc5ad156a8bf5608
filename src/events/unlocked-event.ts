/** The passphrase opened the store; the chat starts again (`friends-chat-ready` follows). */
export class FriendsChatUnlockedEvent extends Event {
  static readonly eventName = 'friends-chat-unlocked' as const;

  constructor() {
    super(FriendsChatUnlockedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'friends-chat-unlocked': FriendsChatUnlockedEvent;
  }
}
