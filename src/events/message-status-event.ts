import type { MessageStatus } from '../model/index.js';

/** An own message moved on: `sending → sent → delivered → read`, or `failed` with a reason. */
export class FriendsChatMessageStatusEvent extends Event {
  static readonly eventName = 'friends-chat-message-status' as const;
  readonly friendId: string;
  readonly messageId: string;
  readonly status: MessageStatus;
  readonly reason: string;

  constructor(friendId: string, messageId: string, status: MessageStatus, reason = '') {
    super(FriendsChatMessageStatusEvent.eventName, { bubbles: true, composed: true });
    this.friendId = friendId;
    this.messageId = messageId;
    this.status = status;
    this.reason = reason;
  }
}

declare global {
  interface HTMLElementEventMap {
    'friends-chat-message-status': FriendsChatMessageStatusEvent;
  }
}
