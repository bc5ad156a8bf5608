import type { Entry } from '../log/entry.js';
import type { FileProgress } from './files.js';

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
  /** For `kind: 'file'`: what the manifest says, and where the transfer stands. */
  file?: FileInfo;
}

export interface FileInfo {
  /** Safe to show: no path, no control or bidi characters, at most 120 characters. */
  name: string;
  size: number;
  /** The type the sender's browser reported (inline display checks the bytes instead). */
  type: string;
  sha256: string;
  state: FileProgress['state'];
  bytes: number;
  reason?: string;
}

export function toMessage(entry: Entry, friendId: string, me: string, status?: MessageStatus, progress?: FileProgress): ChatMessage {
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
  if (entry.kind === 'file') {
    message.text = '';
    if (entry.body !== undefined) message.file = fileInfo(entry.body, progress);
  }
  return message;
}

function fileInfo(body: string, progress: FileProgress | undefined): FileInfo | undefined {
  try {
    const { name, size, type, sha256 } = JSON.parse(body) as FileInfo;
    const info: FileInfo = { name, size, type, sha256, state: progress?.state ?? 'waiting', bytes: progress?.bytes ?? 0 };
    if (progress?.reason) info.reason = progress.reason;
    return info;
  } catch {
    return undefined;
  }
}
