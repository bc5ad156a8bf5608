/**
 * The vocabulary every layer shares: what a message, a contact, a presence or a file
 * transfer is, as the page, the events, the UI and the core see them. Types only; nothing
 * here imports from any other layer (docs/architecture.md).
 */

export type Presence = 'online' | 'offline' | 'connecting';

/** What a user tells friends of their availability; `invisible`: friends see them offline. */
export type Status = 'available' | 'away' | 'busy' | 'invisible';

/** The own status and about text, as `updateProfile` sets and `ownProfile` reads them. */
export interface OwnProfile {
  status: Status;
  /** At most 80 characters. */
  statusText: string;
  /** At most 300 characters. */
  about: string;
}

/** `fork`: a friend signed two different entries for one place in their history (kept as evidence). */
export type SecurityWarningReason = 'handshake-failed' | 'key-changed' | 'bad-frame' | 'flood' | 'replayed-offer' | 'fork';

export type ContactState = 'incoming' | 'outgoing' | 'friend' | 'declined' | 'blocked';

export type MessageStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

export type FileState = 'waiting' | 'transferring' | 'done' | 'failed' | 'cancelled';
export type FileDirection = 'send' | 'receive';

/** Where a file transfer stands, as events and the UI see it. */
export interface FileProgress {
  /** The conversation the file was sent in. */
  conversationId: string;
  friendId: string;
  /** The manifest entry's ID: the file message's ID. */
  messageId: string;
  direction: FileDirection;
  state: FileState;
  /** Bytes verified by the receiver (or sent, on the sending side). */
  bytes: number;
  total: number;
  reason?: string;
  /** Receiving: a file above the auto-download limit that waits for the user's click. */
  awaitingDownload?: boolean;
}

/** A message as the page and the UI see it. */
export interface ChatMessage {
  /** Entry ID (64 hex): stable across devices and reloads. */
  id: string;
  /** The conversation this message belongs to (64 hex). */
  conversationId: string;
  /** The friend this conversation is with; in a group, the group's ID (the same as `conversationId`). */
  friendId: string;
  /** The author's profile ID. */
  from: string;
  incoming: boolean;
  /** `reply` quotes `ref`; `react` (text: the emoji, '' takes it back), `edit` (text: the new text) and `delete` act on `ref`. */
  kind: 'text' | 'file' | 'reply' | 'react' | 'edit' | 'delete';
  /** The text; '' once a self-destructing message has expired or was deleted. */
  text: string;
  /** The message a reply, reaction, edit or deletion refers to. */
  ref?: string;
  /** A reply's quoted original: its author and the start of its text ('' if gone). */
  quote?: { from: string; text: string };
  /** Deleted for everyone by its author. */
  deleted?: boolean;
  ts: number;
  seq: number;
  expiresAt?: number;
  expired: boolean;
  /** For own messages only. */
  status?: MessageStatus;
  /**
   * A friend's message that arrived after messages of yours they had already confirmed, yet
   * sorts before them: it keeps its place (the same on every device) and is marked "arrived
   * later", so nothing slips into old history unnoticed.
   */
  late?: boolean;
  /** For `kind: 'file'`: what the manifest says, and where the transfer stands. */
  file?: FileInfo;
  /** In a group: a membership change shown as a system line ("Alice added Carol"); `text` is ''. */
  system?: GroupChange;
  /** Own group messages: how many of the other current members hold it. */
  reach?: { count: number; of: number };
}

/** A message `search` found: where it is, who wrote it, and the text around the match. */
export interface SearchResult {
  /** The message's ID. */
  id: string;
  conversationId: string;
  /** The friend (or group) whose conversation holds it: give it to `open`. */
  friendId: string;
  /** The author's profile ID. */
  from: string;
  ts: number;
  /** Up to about 100 characters of the text (or the file's name) around the match, `…` where cut. Peer text: show it as text. */
  snippet: string;
  /** Where the match is in `snippet`: start and end offsets (UTF-16). */
  match: [number, number];
  /** The match is in a file's name. */
  file?: boolean;
}

/** A membership change as a group's history shows it; `from` of the message is who made it. */
export interface GroupChange {
  op: 'create' | 'add' | 'remove' | 'admin' | 'unadmin' | 'rename' | 'leave';
  /** The member added, removed or made (no longer) admin. */
  target?: string;
  /** The group's name after a create or rename. */
  name?: string;
}

/** A group as the page sees it (docs/groups.md). */
export interface GroupInfo {
  /** The group's conversation ID (64 hex): use it wherever a friend ID goes for messages. */
  id: string;
  name: string;
  members: { id: string; admin: boolean }[];
  /** Whether this profile is an admin of it. */
  admin: boolean;
  /** False once this profile left or was removed: history stays, nothing new arrives. */
  active: boolean;
  /** Messages of others not seen yet (0 while the group is open and the page visible). */
  unread: number;
}

export type GroupEventType = 'created' | 'joined' | 'changed' | 'left' | 'removed';

export interface FileInfo {
  /** Safe to show: no path, no control or bidi characters, at most 120 characters. */
  name: string;
  size: number;
  /** The type the sender's browser reported (inline display checks the bytes instead). */
  type: string;
  sha256: string;
  state: FileState;
  bytes: number;
  reason?: string;
  /** A friend's file above the auto-download limit: fetched only once the user asks. */
  awaitingDownload?: boolean;
}

/** A contact as the page sees it: no keys, no invite secrets. */
export interface FriendInfo {
  id: string;
  /** The one-to-one conversation with this contact (64 hex). */
  conversationId: string;
  name: string;
  nickname: string;
  state: ContactState;
  note: string;
  verified: boolean;
  keyChanged: boolean;
  /** The request used one of our invites. No proof of who sent it: anyone who saw the link can redeem it. */
  viaInvite: boolean;
  /** `offline` too while a friend is invisible, even though messages still arrive. */
  presence: Presence;
  /** What a friend last told of themselves (friends only; '' or `available` for anyone else). An invisible friend reads `available`. Peer text: show it as text. */
  status: Exclude<Status, 'invisible'>;
  statusText: string;
  about: string;
}
