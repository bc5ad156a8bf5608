import type { Translation } from '../i18n/index.js';
import type { ChatMessage } from '../model/index.js';
import { safeText } from '../util/text-safety.js';

/** Shows a profile in a group: a friend's name, a short ID for someone who is not a friend, null for the user. */
export type NameOf = (id: string) => string | null;

/** The system line of a membership change ("Alice added Carol"), in the UI's language. */
export function systemLine(t: Translation, m: ChatMessage, nameOf: NameOf): string {
  const s = m.system!;
  const by = nameOf(m.from);
  const who = s.target ? nameOf(s.target) : null;
  const name = safeText(s.name ?? '', 100);
  const l = t.group.line;
  switch (s.op) {
    case 'create':
      return l.create(by, name);
    case 'rename':
      return l.rename(by, name);
    case 'leave':
      return l.leave(by);
    default:
      return l[s.op](by, who);
  }
}
