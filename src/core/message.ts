import type { Entry } from '../log/entry.js';

export type MessageStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/** A message as the page and the UI see it. */
export interface ChatMessage {
  /** Entry ID (64 hex): stable across devices and reloads. */
  id: string;
  /** The friend this conversation is with. */
  friendId: string;
  /** The author's profile ID. */
  from: string;
  incoming: boolean;
  kind: 'text' | 'file';
  /** The text; '' once a self-destructing message has expired. */
  text: string;
  ts: number;
  seq: number;
  expiresAt?: number;
  expired: boolean;
  /** For own messages only. */
  status?: MessageStatus;
}

export function toMessage(entry: Entry, friendId: string, me: string, status?: MessageStatus): ChatMessage {
  const incoming = entry.author !== me;
  const message: ChatMessage = {
    id: entry.id,
    friendId,
    from: entry.author,
    incoming,
    kind: entry.kind,
    text: entry.body ?? '',
    ts: entry.ts,
    seq: entry.seq,
    expired: entry.body === undefined,
  };
  if (entry.expiresAt !== undefined) message.expiresAt = entry.expiresAt;
  if (!incoming && status) message.status = status;
  return message;
}
