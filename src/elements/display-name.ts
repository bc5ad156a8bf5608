import type { FriendInfo } from '../core/friend-info.js';
import type { Translation } from '../i18n/index.js';
import { safeText } from '../util/text-safety.js';

type Named = Pick<FriendInfo, 'nickname' | 'name' | 'id'>;

/** Which shown names are taken more than once (by contacts or by the own profile). */
export interface NameContext {
  readonly counts: ReadonlyMap<string, number>;
  readonly own: string;
}

/** The name as shown, before any suffix: local nickname, else their offered name, cleaned. */
function baseName(friend: Named): string {
  return safeText(friend.nickname || friend.name || '', 64);
}

/** Names that differ only in case, width or spacing still look the same: compare them folded. */
function fold(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
}

/** Built once per render from everyone the roster knows and the own display name. */
export function nameContext(friends: readonly Named[], ownName: string): NameContext {
  const counts = new Map<string, number>();
  for (const f of friends) {
    const key = fold(baseName(f));
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { counts, own: fold(safeText(ownName, 64)) };
}

/**
 * The name to show for a friend. When it equals another contact's or the own name, a short
 * ID suffix tells them apart, so a stranger cannot pass as a friend (or as the user) by
 * taking their name.
 */
export function displayName(friend: Named, t: Translation, names?: NameContext): string {
  const name = baseName(friend);
  if (!name) return `${t.unknownName} ${friend.id.slice(0, 6)}`;
  const key = fold(name);
  const taken = !!names && ((names.counts.get(key) ?? 0) > 1 || key === names.own);
  return taken ? `${name} · ${friend.id.slice(0, 6)}` : name;
}
