import type { ConversationLog } from '../log/conversation-log.js';
import { ownAction } from './actions.js';
import type { OwnEntry } from './conversation.js';
import { checkText, requireMessageId } from './input-checks.js';
import type { ChatMessage } from './message.js';

export interface MessageActionsContext {
  me: string;
  log(friendId: string): Promise<ConversationLog>;
  requireSendable(friendId: string): void;
  append(friendId: string, own: OwnEntry): Promise<ChatMessage>;
  /** The groups, if `friendId` is a group's ID: its actions are sealed group messages. */
  group(friendId: string): { act(groupId: string, kind: 'react' | 'edit' | 'delete', ref: string, value?: string): Promise<ChatMessage> } | undefined;
}

/**
 * What the user does to a message: react, edit or delete it (a reply is a message; see
 * `ChatEngine.sendMessage`). Each is checked as the friend will check it (core/actions.ts),
 * then signed, stored and sent like a message; every refusal is a `FriendsChatError`.
 */
export class MessageActions {
  readonly #c: MessageActionsContext;

  constructor(context: MessageActionsContext) {
    this.#c = context;
  }

  /** Reacts with one of REACTIONS; '' takes the reaction back. */
  react(friendId: string, messageId: string, emoji: string): Promise<ChatMessage> {
    return this.act(friendId, 'react', messageId, typeof emoji === 'string' ? emoji : '?');
  }

  /** Replaces the text of an own message; the earlier texts stay in the log. */
  async edit(friendId: string, messageId: string, text: string): Promise<ChatMessage> {
    return this.act(friendId, 'edit', messageId, checkText(text));
  }

  /** Deletes an own message for everyone: a signed tombstone; its text goes on every side. */
  delete(friendId: string, messageId: string): Promise<ChatMessage> {
    return this.act(friendId, 'delete', messageId);
  }

  async act(friendId: string, kind: 'reply' | 'react' | 'edit' | 'delete', ref: string, value?: string, expiresIn?: number): Promise<ChatMessage> {
    requireMessageId(ref);
    const group = kind !== 'reply' && this.#c.group(friendId);
    if (group) return group.act(friendId, kind, ref, value);
    this.#c.requireSendable(friendId);
    const log = await this.#c.log(friendId);
    const body = await ownAction(kind, ref, value, this.#c.me, (id) => log.find(id));
    return this.#c.append(friendId, { kind, body, ...(expiresIn !== undefined ? { expiresIn } : {}) });
  }
}
