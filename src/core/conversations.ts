import type { Identity } from '../identity/identity.js';
import { directConversationId } from '../log/conversation-id.js';
import type { MessageStatus } from '../model/index.js';
import type { Store } from '../storage/store.js';
import { Conversation } from './conversation.js';

export interface ConversationsOptions {
  store: Store;
  identity: Identity;
  now: () => number;
  onMessageStatus(conversation: Conversation, messageId: string, status: MessageStatus, reason?: string): void;
  onExpired(conversation: Conversation, ids: string[]): void;
}

/**
 * The conversations of one engine, created on first use and forgotten (timers stopped,
 * buffers freed) when their friend is removed.
 */
export class Conversations {
  readonly #o: ConversationsOptions;
  readonly #byId = new Map<string, Conversation>();

  constructor(options: ConversationsOptions) {
    this.#o = options;
  }

  /** The one-to-one conversation with a friend. */
  direct(friendId: string): Conversation {
    const id = directConversationId(this.#o.identity.profileId, friendId);
    let conversation = this.#byId.get(id);
    if (!conversation) {
      conversation = new Conversation(id, friendId, {
        store: this.#o.store,
        identity: this.#o.identity,
        now: this.#o.now,
        onMessageStatus: this.#o.onMessageStatus,
        onExpired: this.#o.onExpired,
      });
      this.#byId.set(id, conversation);
    }
    return conversation;
  }

  get(id: string): Conversation | undefined {
    return this.#byId.get(id);
  }

  /** Forgets a conversation (its friend was removed or blocked). */
  forget(id: string): void {
    this.#byId.get(id)?.stop();
    this.#byId.delete(id);
  }

  stop(): void {
    for (const conversation of this.#byId.values()) conversation.stop();
    this.#byId.clear();
  }
}
