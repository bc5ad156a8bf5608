import type { Entry } from '../log/entry.js';
import type { ChatMessage, FileProgress, GroupChange, MessageStatus } from '../model/index.js';
import { checkAction, quoteOf } from './actions.js';
import type { Group } from './group.js';
import { parseMemberOp } from './group-membership.js';
import { checkFileBody } from './input-checks.js';
import { toMessage } from './message.js';

/**
 * Where an own group message stands (docs/groups.md, "Status"): of the members it was sent
 * to who are still members, `sent` once one holds it, `delivered` once all do.
 */
export function groupReach(group: Group, entry: Entry): { status: MessageStatus; reach: { count: number; of: number } } {
  const others = [...group.membershipAt(entry).members.keys()].filter((id) => id !== group.me && group.isMember(id));
  const count = others.filter((id) => (group.acks[id] ?? 0) >= entry.seq).length;
  const status: MessageStatus = others.length > 0 && count === others.length ? 'delivered' : count > 0 ? 'sent' : 'sending';
  return { status, reach: { count, of: others.length } };
}

/**
 * The page's view of a group entry: a message or action this member can decrypt (checked
 * as a one-to-one action is: a reaction from the set, an edit or deletion by the author of
 * what it acts on), or a membership change as a system line. Sender keys, changes that did
 * not apply, entries by someone who was not a member at their place, and messages sealed
 * before this member joined give none.
 */
export async function toGroupMessage(group: Group, entry: Entry, files: (id: string) => Promise<FileProgress | undefined>): Promise<ChatMessage | undefined> {
  if (entry.kind === 'key' || !group.effective(entry)) return undefined;
  if (entry.kind === 'member') {
    const system = changeOf(entry);
    const base = toMessage({ ...entry, kind: 'text', body: '' }, group.id, group.id, group.me);
    return system ? { ...base, system } : undefined;
  }
  const opened = group.opened(entry);
  if (!opened || checkFileBody(opened) || (await checkAction(opened, (id) => group.find(id)))) return undefined;
  const message = toMessage(opened, group.id, group.id, group.me, undefined, opened.kind === 'file' ? await files(entry.id) : undefined);
  if (!message.incoming) Object.assign(message, groupReach(group, entry));
  const quote = opened.kind === 'reply' && (await quoteOf(opened, (id) => group.find(id)));
  return quote ? { ...message, quote } : message;
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
