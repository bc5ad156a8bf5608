import type { ErrorCode, FriendsChatError } from '../errors.js';

/**
 * Something went wrong that the page may want to know about. The widget keeps working;
 * nothing is thrown into the host page.
 */
export class FriendsChatErrorEvent extends Event {
  static readonly eventName = 'friends-chat-error' as const;
  readonly code: ErrorCode;
  readonly message: string;
  readonly error: FriendsChatError;

  constructor(error: FriendsChatError) {
    super(FriendsChatErrorEvent.eventName, { bubbles: true, composed: true });
    this.error = error;
    this.code = error.code;
    this.message = error.message;
  }
}

declare global {
  interface HTMLElementEventMap {
    'friends-chat-error': FriendsChatErrorEvent;
  }
}
