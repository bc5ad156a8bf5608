import type { Entry } from '../log/entry.js';
import type { ChatMessage, GroupChange, MessageStatus } from '../model/index.js';
import type { Group } from './group.js';
import { parseMemberOp } from './group-membership.js';

/**
 * Where an own group message stands: `sent` once one other member holds it, `delivered`
 * once every other current member does (docs/groups.md, "Status").
 */
export function groupReach(group: Group, entry: Entry): { status: MessageStatus; reach: { count: number; of: number } } {
  const others = [...group.membership.members.keys()].filter((id) => id !== group.me);
  const count = others.filter((id) => (group.acks[id] ?? 0) >= entry.seq).length;
  const status: MessageStatus = others.length > 0 && count === others.length ? 'delivered' : count > 0 ? 'sent' : 'sending';
  return { status, reach: { count, of: others.length } };
}

/**
 * The page's view of a group entry: a message this member can decrypt, or a membership
 * change as a system line. Sender keys, changes that did not apply, entries by someone who
 * was not a member at their place, and messages sealed before this member joined give none.
 */
export function toGroupMessage(group: Group, entry: Entry): ChatMessage | undefined {
  if (entry.kind === 'key' || !group.effective(entry)) return undefined;
  const base: ChatMessage = {
    id: entry.id,
    conversationId: group.id,
    friendId: group.id,
    from: entry.author,
    incoming: entry.author !== group.me,
    kind: 'text',
    text: '',
    ts: entry.ts,
    seq: entry.seq,
    expired: false,
  };
  if (entry.kind === 'member') {
    const system = changeOf(entry);
    return system ? { ...base, system } : undefined;
  }
  const plain = group.decrypt(entry);
  if (!plain) return undefined;
  const message: ChatMessage = { ...base, text: plain.b };
  if (!message.incoming) Object.assign(message, groupReach(group, entry));
  return message;
}

function changeOf(entry: Entry): GroupChange | undefined {
  try {
    const op = parseMemberOp(entry.body);
    switch (op.op) {
      case 'create':
      case 'rename':
        return { op: op.op, name: op.name };
      case 'add':
        return { op: 'add', target: op.id };
      case 'remove':
        return op.id === entry.author ? { op: 'leave' } : { op: 'remove', target: op.id };
      case 'admin':
        return { op: op.on ? 'admin' : 'unadmin', target: op.id };
      case 'leave':
        return { op: 'leave' };
    }
  } catch {
    return undefined;
  }
}
