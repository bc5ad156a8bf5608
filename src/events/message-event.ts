import type { ChatMessage } from '../model/index.js';

/** A message from a friend arrived (and is stored). */
export class FriendsChatMessageEvent extends Event {
  static readonly eventName = 'friends-chat-message' as const;
  readonly message: ChatMessage;

  constructor(message: ChatMessage) {
    super(FriendsChatMessageEvent.eventName, { bubbles: true, composed: true });
    this.message = message;
  }
}

declare global {
  interface HTMLElementEventMap {
    'friends-chat-message': FriendsChatMessageEvent;
  }
}
