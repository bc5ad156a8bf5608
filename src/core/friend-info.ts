import { directConversationId } from '../log/conversation-id.js';
import type { FriendInfo, Presence } from '../model/index.js';
import type { Contact } from './contacts.js';

export type { FriendInfo } from '../model/index.js';

export function toFriendInfo(contact: Contact, presence: Presence, me: string): FriendInfo {
  const status = contact.state === 'friend' ? contact.status : undefined;
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
    // An invisible friend looks like one who is away from the chat: offline, nothing to say.
    status: !status || status.s === 'invisible' ? 'available' : status.s,
    statusText: status && status.s !== 'invisible' ? (status.t ?? '') : '',
    about: status?.a ?? '',
  };
}
