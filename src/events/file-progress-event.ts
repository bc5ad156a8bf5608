import type { FileDirection, FileProgress, FileState } from '../model/index.js';

/**
 * A file transfer moved on, on either side: `waiting → transferring → done`, or
 * `failed`/`cancelled` with a reason. `bytes` of `total` are verified (receiving) or sent.
 */
export class FriendsChatFileProgressEvent extends Event {
  static readonly eventName = 'friends-chat-file-progress' as const;
  readonly friendId: string;
  /** The file message's ID. */
  readonly messageId: string;
  readonly direction: FileDirection;
  readonly state: FileState;
  readonly bytes: number;
  readonly total: number;
  readonly reason: string;

  constructor(progress: FileProgress) {
    super(FriendsChatFileProgressEvent.eventName, { bubbles: true, composed: true });
    this.friendId = progress.friendId;
    this.messageId = progress.messageId;
    this.direction = progress.direction;
    this.state = progress.state;
    this.bytes = progress.bytes;
    this.total = progress.total;
    this.reason = progress.reason ?? '';
  }
}

declare global {
  interface HTMLElementEventMap {
    'friends-chat-file-progress': FriendsChatFileProgressEvent;
  }
}
