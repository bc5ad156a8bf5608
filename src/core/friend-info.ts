import type { Presence } from '../events/presence-event.js';
import type { Contact, ContactState } from './contacts.js';

/** A contact as the page sees it: no keys, no invite secrets. */
export interface FriendInfo {
  id: string;
  name: string;
  nickname: string;
  state: ContactState;
  note: string;
  verified: boolean;
  keyChanged: boolean;
  viaInvite: boolean;
  presence: Presence;
}

export function toFriendInfo(contact: Contact, presence: Presence): FriendInfo {
  return {
    id: contact.id,
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
