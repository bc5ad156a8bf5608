import { directConversationId } from '../log/conversation-id.js';
import type { FriendInfo, Presence } from '../model/index.js';
import type { Contact } from './contacts.js';

export type { FriendInfo } from '../model/index.js';

export function toFriendInfo(contact: Contact, presence: Presence, me: string): FriendInfo {
  return {
    id: contact.id,
    conversationId: directConversationId(me, contact.id),
    name: contact.name,
    nickname: contact.nickname ?? '',
    state: contact.state,
    note: contact.note ?? '',
    verified: contact.verified,
    keyChanged: !!contact.changedKey,
    viaInvite: !!contact.viaInvite,
    presence,
  };
}
