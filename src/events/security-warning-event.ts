import type { SecurityWarningReason } from '../model/index.js';

export type { SecurityWarningReason } from '../model/index.js';

/**
 * A peer could not be authenticated or misbehaved. `peer` is a rendezvous or profile ID,
 * never key material.
 */
export class FriendsChatSecurityWarningEvent extends Event {
  static readonly eventName = 'friends-chat-security-warning' as const;
  readonly reason: SecurityWarningReason;
  readonly peer: string;
  readonly detail: string;

  constructor(reason: SecurityWarningReason, peer: string, detail = '') {
    super(FriendsChatSecurityWarningEvent.eventName, { bubbles: true, composed: true });
    this.reason = reason;
    this.peer = peer;
    this.detail = detail;
  }
}

declare global {
  interface HTMLElementEventMap {
    'friends-chat-security-warning': FriendsChatSecurityWarningEvent;
  }
}
