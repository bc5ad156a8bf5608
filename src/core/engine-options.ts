import type { FriendsChatError } from '../errors.js';
import type { ChatMessage, FileProgress, GroupEventType, GroupInfo, MessageStatus, Presence, SecurityWarningReason } from '../model/index.js';
import type { Store } from '../storage/store.js';
import type { Signaling, SignalingState } from '../transport/signaling.js';
import type { Contact } from './contacts.js';
import type { MailLimit } from './mail-budget.js';
import type { MailboxPort } from './mailbox.js';

/** What the engine reports to its host (the element's controller, or a test). */
export interface ChatEngineEvents {
  onError(error: FriendsChatError): void;
  onSignalingState(state: SignalingState): void;
  onFriendRequest(contact: Contact): void;
  onFriend(contact: Contact): void;
  onPresence(friendId: string, presence: Presence): void;
  onMessage(message: ChatMessage): void;
  onMessageStatus(friendId: string, messageId: string, status: MessageStatus, reason?: string, reach?: { count: number; of: number }): void;
  onWarning(reason: SecurityWarningReason, peer: string, detail: string): void;
  onTyping(friendId: string, typing: boolean): void;
  onFileProgress(progress: FileProgress): void;
  /** Messages lost their text and files at their expiry time: anything shown of them must go. */
  onExpired?(friendId: string, messageIds: string[]): void;
  /** A group was created, joined, changed, left, or this profile was removed from it. */
  onGroup?(type: GroupEventType, group: GroupInfo): void;
  /** Something the UI shows changed (contacts, expiry, unread counts). */
  onChange(): void;
}

export interface ChatEngineOptions extends ChatEngineEvents {
  store: Store;
  signaling: Signaling;
  displayName: () => string;
  privacy: () => { typing: boolean; receipts: boolean };
  /** The largest file sent or accepted (default 1 GiB). */
  maxFileSize?: () => number;
  /** Friends' files up to this size are fetched at once; larger ones wait for `download` (default 16 MiB). */
  autoDownloadLimit?: () => number;
  /** Wall-clock time (entry timestamps, expiry). */
  now?: () => number;
  /** Monotonic time for rate limits (tests drive it). */
  monotonic?: () => number;
  heartbeatInterval?: number;
  deadAfter?: number;
  /** Reconnect back-off bounds in ms (tests shorten them). */
  backoff?: { min: number; max: number };
  handshakeTimeout?: number;
  /** Frames per second a session may send before it is cut off as a flood (tests lower it). */
  maxFramesPerSecond?: number;
  /** A mailbox on a broker: own entries go there when no live session reaches a friend. */
  mailbox?: MailboxPort;
  /** How many envelopes one friend may have waiting, and at what rate (tests lower it). */
  mailLimit?: MailLimit;
}
