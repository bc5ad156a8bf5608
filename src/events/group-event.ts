import type { GroupEventType, GroupInfo } from '../model/index.js';

/** A group was created, joined or changed, you left it, or you were removed from it. */
export class FriendsChatGroupEvent extends Event {
  static readonly eventName = 'friends-chat-group' as const;
  /** What happened: `created`, `joined`, `changed`, `left` or `removed`. */
  readonly change: GroupEventType;
  readonly group: GroupInfo;

  constructor(type: GroupEventType, group: GroupInfo) {
    super(FriendsChatGroupEvent.eventName, { bubbles: true, composed: true });
    this.change = type;
    this.group = group;
  }
}

declare global {
  interface HTMLElementEventMap {
    'friends-chat-group': FriendsChatGroupEvent;
  }
}
