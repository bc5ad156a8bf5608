import type { Conversation } from './conversation.js';

/**
 * Something that can carry a conversation's own, already signed and stored entries
 * towards one of its peers: the live session today; a mailbox on a broker, or other
 * members of a group, later. The conversation offers its unconfirmed entries to each sink
 * in turn until one takes them. A sink never owns the entries: the outbox keeps them until
 * the peer confirms, so a sink that loses them costs delay, never data.
 */
export interface DeliverySink {
  /** Carries what `peer` has not confirmed yet; false when this sink cannot reach it now. */
  deliver(conversation: Conversation, peer: string): Promise<boolean>;
}

/**
 * Offers the conversation's new entries for `peer` to the sinks in order, until one takes
 * them. A sink that fails counts as one that could not: the entries stay in the outbox.
 */
export async function deliver(sinks: readonly DeliverySink[], conversation: Conversation, peer: string): Promise<boolean> {
  for (const sink of sinks) if (await sink.deliver(conversation, peer).catch(() => false)) return true;
  return false;
}
