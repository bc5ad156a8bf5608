export { FriendsChatElement } from './friends-chat.js';
export { FriendsChatError, ERROR_CODES, type ErrorCode } from './errors.js';
export { FriendsChatReadyEvent } from './events/ready-event.js';
export { FriendsChatErrorEvent } from './events/error-event.js';
export { FriendsChatPresenceEvent, type Presence } from './events/presence-event.js';
export { FriendsChatSecurityWarningEvent, type SecurityWarningReason } from './events/security-warning-event.js';
