import type { ReactiveController } from 'lit';
import type { ChatMessage, FileProgress, MessageStatus } from '../../model/index.js';

/** Messages loaded per step when a conversation opens or scrolls back. */
export const PAGE = 50;
/** At most this many messages are in the thread's DOM, however long the history is. */
export const WINDOW = 300;
const STATUS_ORDER: readonly MessageStatus[] = ['sending', 'sent', 'delivered', 'read'];

interface Patch {
  status?: MessageStatus;
  progress?: FileProgress;
  /** A group message: how many of its members hold it. */
  reach?: ChatMessage['reach'];
}

/** Where the window loads history from (the engine's `history`). */
export type HistorySource = (friendId: string, options: { before?: string; from?: string; limit?: number }) => Promise<ChatMessage[]>;

/**
 * The open conversation as the thread shows it: a bounded window over its history. New
 * messages, status changes and file progress are gathered and applied together a moment
 * later, so a burst renders a few times, not once per message. Statuses only move forward
 * (a late `sending` never undoes `sent`); `failed` always shows. No DOM: the host only
 * needs `requestUpdate`, so tests drive it directly.
 */
export class ThreadWindow implements ReactiveController {
  friendId = '';
  messages: ChatMessage[] = [];
  /** Older messages are in the store, not in the window. */
  hasOlder = false;
  /** The window was scrolled back: newer messages are in the store, not in the window. */
  hasNewer = false;
  /** The first message that was unread when the conversation opened ('' none): the "New messages" line stays above it while it is open. */
  unreadFrom = '';
  readonly #host: { requestUpdate(): void };
  readonly #history: HistorySource;
  readonly #schedule: (run: () => void) => void;
  #arrivals: ChatMessage[] = [];
  readonly #patches = new Map<string, Patch>();
  #queued = false;

  constructor(
    host: { requestUpdate(): void; addController?(controller: ReactiveController): void },
    history: HistorySource,
    schedule: (run: () => void) => void = (run) => setTimeout(run, 0),
  ) {
    this.#host = host;
    this.#history = history;
    this.#schedule = schedule;
    host.addController?.(this);
  }

  hostDisconnected(): void {
    this.#arrivals = [];
    this.#patches.clear();
  }

  /** Opens a conversation at its newest page (`unreadFrom`: see there). Resolves false if another one opened meanwhile. */
  async open(friendId: string, unreadFrom?: string): Promise<boolean> {
    this.select(friendId);
    if (unreadFrom !== undefined) this.unreadFrom = unreadFrom;
    const messages = await this.#history(friendId, { limit: PAGE });
    if (this.friendId !== friendId) return false;
    this.messages = messages;
    this.hasOlder = messages.length === PAGE;
    this.hasNewer = false;
    this.#host.requestUpdate();
    return true;
  }

  /** Opens a conversation around an old message (a search result): a page before it, it, and a page after. */
  async openAt(friendId: string, messageId: string): Promise<boolean> {
    this.select(friendId);
    const [older, newer] = await Promise.all([this.#history(friendId, { before: messageId, limit: PAGE }), this.#history(friendId, { from: messageId, limit: PAGE })]);
    if (this.friendId !== friendId || newer[0]?.id !== messageId) return false;
    this.messages = [...older, ...newer];
    this.hasOlder = older.length === PAGE;
    this.hasNewer = newer.length === PAGE;
    this.#host.requestUpdate();
    return true;
  }

  /** Shows a conversation (or none, with '') without loading it. */
  select(friendId: string): void {
    if (this.friendId === friendId) return;
    this.friendId = friendId;
    this.unreadFrom = '';
    this.messages = [];
    this.hasOlder = this.hasNewer = false;
    this.#arrivals = [];
    this.#patches.clear();
    this.#host.requestUpdate();
  }

  /** Loads the page before the oldest shown; what falls off the newer end comes back with `open`. */
  async loadOlder(): Promise<void> {
    const friendId = this.friendId;
    const first = this.messages[0];
    if (!first) return;
    const older = await this.#history(friendId, { before: first.id, limit: PAGE });
    if (this.friendId !== friendId) return;
    const joined = [...older, ...this.messages];
    if (joined.length > WINDOW) this.hasNewer = true;
    this.messages = joined.slice(0, WINDOW);
    this.hasOlder = older.length === PAGE;
    this.#host.requestUpdate();
  }

  /** A new message of the open conversation joins, unless the user is reading further back. Returns it. */
  append(message: ChatMessage): ChatMessage {
    if (message.friendId !== this.friendId || this.hasNewer) return message;
    this.#arrivals.push(message);
    this.#queue();
    return message;
  }

  status(friendId: string, messageId: string, status: MessageStatus, reach?: ChatMessage['reach']): void {
    if (friendId !== this.friendId) return;
    const patch = this.#patches.get(messageId);
    // Two changes in one batch: the later one wins only if it moves the status forward.
    if (!patch?.status || moves(patch.status, status)) this.#patches.set(messageId, { ...patch, status });
    if (reach) this.#patches.set(messageId, { ...this.#patches.get(messageId), reach });
    this.#queue();
  }

  /** Messages that expired: their text and file leave the window at once. */
  expire(friendId: string, ids: readonly string[]): void {
    if (friendId !== this.friendId) return;
    const gone = new Set(ids);
    this.messages = this.messages.map((m) => (gone.has(m.id) ? expiredCopy(m) : m));
    this.#arrivals = this.#arrivals.map((m) => (gone.has(m.id) ? expiredCopy(m) : m));
    this.#host.requestUpdate();
  }

  progress(progress: FileProgress): void {
    if (progress.friendId !== this.friendId) return;
    this.#patches.set(progress.messageId, { ...this.#patches.get(progress.messageId), progress });
    this.#queue();
  }

  /** Applies everything gathered so far in one go. */
  flush(): void {
    this.#queued = false;
    const arrivals = this.#arrivals.splice(0).filter((a) => a.friendId === this.friendId);
    const patches = new Map(this.#patches);
    this.#patches.clear();
    if (arrivals.length === 0 && patches.size === 0) return;
    let next = this.messages;
    if (arrivals.length && !this.hasNewer) {
      const known = new Set(next.map((m) => m.id));
      next = [...next];
      for (const message of arrivals) {
        if (known.has(message.id)) continue;
        known.add(message.id);
        next.push(message);
      }
      if (next.length > WINDOW) this.hasOlder = true;
      next = next.slice(-WINDOW);
    }
    if (patches.size) next = next.map((m) => applyPatch(m, patches.get(m.id)));
    this.messages = next;
    this.#host.requestUpdate();
  }

  #queue(): void {
    if (this.#queued) return;
    this.#queued = true;
    this.#schedule(() => this.flush());
  }
}

/** Statuses only move forward (a late `sending` never undoes `sent`); `failed` always shows. */
function moves(from: MessageStatus, to: MessageStatus): boolean {
  return to === 'failed' || STATUS_ORDER.indexOf(to) > STATUS_ORDER.indexOf(from);
}

function expiredCopy(message: ChatMessage): ChatMessage {
  const { file: _file, ...rest } = message;
  return { ...rest, text: '', expired: true };
}

function applyPatch(message: ChatMessage, patch: Patch | undefined): ChatMessage {
  if (!patch) return message;
  const { status, progress, reach } = patch;
  const file =
    progress && message.file
      ? {
          ...message.file,
          state: progress.state,
          bytes: progress.bytes,
          ...(progress.reason ? { reason: progress.reason } : {}),
          awaitingDownload: !!progress.awaitingDownload,
        }
      : message.file;
  const forward = status && !message.incoming && moves(message.status ?? 'sending', status);
  return { ...message, ...(forward ? { status } : {}), ...(file ? { file } : {}), ...(reach ? { reach } : {}) };
}
