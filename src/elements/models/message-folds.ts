import type { ChatMessage } from '../../model/index.js';

/** One reaction under a message: the emoji, who gave it (profile IDs), and whether I did. */
export interface Reaction {
  emoji: string;
  from: string[];
  mine: boolean;
}

/** A message as the thread shows it, with what later entries did to it. */
export interface FoldedMessage {
  message: ChatMessage;
  /** The text after the latest edit. */
  text: string;
  edited: boolean;
  deleted: boolean;
  reactions: Reaction[];
}

/**
 * Folds reactions, edits and deletions (entries that act on a message, see core/actions.ts)
 * into the messages they act on. The engine has checked them (only the author edits or
 * deletes; one reaction per person, the latest counts). Actions on messages outside the
 * window are dropped; those come after their message, so a window that reaches the newest
 * entry holds every action on what it shows.
 */
export function foldMessages(messages: readonly ChatMessage[]): FoldedMessage[] {
  const out = new Map<string, FoldedMessage>();
  const reactions = new Map<string, Map<string, { emoji: string; mine: boolean }>>();
  for (const m of messages) {
    if (m.kind === 'text' || m.kind === 'file' || m.kind === 'reply') {
      out.set(m.id, { message: m, text: m.text, edited: false, deleted: !!m.deleted, reactions: [] });
      continue;
    }
    const target = m.ref ? out.get(m.ref) : undefined;
    if (!target) continue;
    if (m.kind === 'edit') Object.assign(target, { text: target.deleted ? '' : m.text, edited: true });
    else if (m.kind === 'delete') Object.assign(target, { text: '', deleted: true });
    else {
      let by = reactions.get(target.message.id);
      if (!by) reactions.set(target.message.id, (by = new Map()));
      by.set(m.from, { emoji: m.text, mine: !m.incoming });
    }
  }
  for (const [id, by] of reactions) {
    const grouped = new Map<string, Reaction>();
    for (const [from, { emoji, mine }] of by) {
      if (!emoji) continue;
      const r = grouped.get(emoji) ?? { emoji, from: [], mine: false };
      r.from.push(from);
      r.mine ||= mine;
      grouped.set(emoji, r);
    }
    out.get(id)!.reactions = [...grouped.values()];
  }
  return [...out.values()];
}
