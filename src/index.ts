export { FriendsChatElement } from './friends-chat.js';
export { FriendsChatError, ERROR_CODES, type ErrorCode } from './errors.js';
export type {
  ChatMessage,
  ContactState,
  FileDirection,
  FileInfo,
  FileProgress,
  FileState,
  FriendInfo,
  GroupChange,
  GroupEventType,
  GroupInfo,
  MessageStatus,
  SearchResult,
} from './model/index.js';
export { FriendsChatReadyEvent } from './events/ready-event.js';
export { FriendsChatErrorEvent } from './events/error-event.js';
export { FriendsChatUnreadEvent } from './events/unread-event.js';
export { FriendsChatFriendRequestEvent } from './events/friend-request-event.js';
export { FriendsChatFriendEvent } from './events/friend-event.js';
export { FriendsChatPresenceEvent, type Presence } from './events/presence-event.js';
export { FriendsChatMessageEvent } from './events/message-event.js';
export { FriendsChatMessageStatusEvent } from './events/message-status-event.js';
export { FriendsChatFileProgressEvent } from './events/file-progress-event.js';
export { FriendsChatSecurityWarningEvent, type SecurityWarningReason } from './events/security-warning-event.js';
export { FriendsChatGroupEvent } from './events/group-event.js';
export { FriendsChatLockedEvent } from './events/locked-event.js';
export { FriendsChatUnlockedEvent } from './events/unlocked-event.js';
