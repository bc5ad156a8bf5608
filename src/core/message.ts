import type { Entry } from '../log/entry.js';
import { actionBody } from './actions.js';
import type { ChatMessage, FileInfo, FileProgress, MessageStatus } from '../model/index.js';

export type { ChatMessage, MessageStatus } from '../model/index.js';

/** The page's view of a log entry in the conversation `conversationId` with `friendId`. */
export function toMessage(
  entry: Entry,
  conversationId: string,
  friendId: string,
  me: string,
  status?: MessageStatus,
  progress?: Pick<FileProgress, 'state' | 'bytes' | 'reason' | 'awaitingDownload'>,
): ChatMessage {
  const incoming = entry.author !== me;
  const message: ChatMessage = {
    id: entry.id,
    conversationId,
    friendId,
    from: entry.author,
    incoming,
    // Group entries never get here (core/group-message.ts turns them into messages).
    kind: entry.kind as ChatMessage['kind'],
    text: entry.body ?? '',
    ts: entry.ts,
    seq: entry.seq,
    expired: entry.body === undefined,
  };
  const action = actionBody(entry);
  if (action) {
    message.ref = action.r;
    message.text = action.t ?? action.e ?? '';
  } else if (entry.kind !== 'text') message.text = '';
  if (entry.body === undefined && entry.expiresAt === undefined) message.deleted = true;
  if (entry.expiresAt !== undefined) message.expiresAt = entry.expiresAt;
  if (entry.late !== undefined) message.late = true;
  if (!incoming && status) message.status = status;
  if (entry.kind === 'file') {
    message.text = '';
    if (entry.body !== undefined) message.file = fileInfo(entry.body, progress);
  }
  return message;
}

function fileInfo(body: string, progress: Pick<FileProgress, 'state' | 'bytes' | 'reason' | 'awaitingDownload'> | undefined): FileInfo | undefined {
  try {
    const { name, size, type, sha256 } = JSON.parse(body) as FileInfo;
    const info: FileInfo = { name, size, type, sha256, state: progress?.state ?? 'waiting', bytes: progress?.bytes ?? 0 };
    if (progress?.reason) info.reason = progress.reason;
    if (progress?.awaitingDownload) info.awaitingDownload = true;
    return info;
  } catch {
    return undefined;
  }
}
