import type { FriendInfo } from '../core/friend-info.js';
import type { Translation } from '../i18n/index.js';

/** Bidi controls and other invisible formatting characters a peer could use to spoof a name. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u0000-\u001F\u007F]/g;

/** The name to show for a friend: local nickname, else their offered name, cleaned. */
export function displayName(friend: Pick<FriendInfo, 'nickname' | 'name' | 'id'>, t: Translation): string {
  const name = (friend.nickname || friend.name || '').replace(INVISIBLE, '').trim().slice(0, 64);
  return name || `${t.unknownName} ${friend.id.slice(0, 6)}`;
}
