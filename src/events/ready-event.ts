/** Fired once the widget has its identity and storage; `profileId` is then set. */
export class FriendsChatReadyEvent extends Event {
  static readonly eventName = 'friends-chat-ready' as const;
  readonly profileId: string;

  constructor(profileId: string) {
    super(FriendsChatReadyEvent.eventName, { bubbles: true, composed: true });
    this.profileId = profileId;
  }
}

declare global {
  interface HTMLElementEventMap {
    'friends-chat-ready': FriendsChatReadyEvent;
  }
}
