import '../../src/friends-chat.js';
import type { FriendsChatElement } from '../../src/elements/friends-chat.js';
import type { FriendsChatErrorEvent } from '../../src/events/error-event.js';
import { NO_ICE, signalingUrl, uniqueProfile, waitForEvent, waitUntil } from './env.js';

export interface Mounted {
  el: FriendsChatElement;
  events: Event[];
  /** Every `friends-chat-error` so far: read anew each time, so a late error is in it. */
  readonly errors: FriendsChatErrorEvent[];
}

const EVENTS = [
  'friends-chat-ready',
  'friends-chat-error',
  'friends-chat-friend-request',
  'friends-chat-friend',
  'friends-chat-presence',
  'friends-chat-message',
  'friends-chat-message-status',
  'friends-chat-security-warning',
  'friends-chat-file-progress',
];

/** Mounts a `<friends-chat>` on a local broker and waits until it is ready and registered. */
export async function mountWidget(attributes: Record<string, string> = {}, broker: 'main' | 'second' = 'main'): Promise<Mounted> {
  const el = document.createElement('friends-chat');
  const events: Event[] = [];
  for (const type of EVENTS) el.addEventListener(type, (e) => events.push(e));
  const attrs = { profile: uniqueProfile(), signaling: await signalingUrl(broker), 'ice-servers': NO_ICE, ...attributes };
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  const ready = waitForEvent(el, 'friends-chat-ready');
  document.body.append(el);
  await ready;
  await waitUntil(() => el.signalingState === 'online', 'the widget registered with the broker');
  return {
    el,
    events,
    get errors() {
      return events.filter((e) => e.type === 'friends-chat-error') as FriendsChatErrorEvent[];
    },
  };
}

export function eventsOf<T extends Event>(m: Mounted, type: string): T[] {
  return m.events.filter((e) => e.type === type) as T[];
}

/** Alice invites, Bob adds the invite, Alice accepts; waits until both see each other online. */
export async function makeFriends(alice: Mounted, bob: Mounted): Promise<void> {
  const invite = await alice.el.createInvite();
  await bob.el.addFriend(invite, 'from the test');
  await waitUntil(() => alice.el.friends.some((f) => f.id === bob.el.profileId && f.state === 'incoming'), 'Alice sees Bob’s request', 20000);
  await alice.el.acceptFriend(bob.el.profileId);
  await waitUntil(
    () =>
      alice.el.friends.some((f) => f.id === bob.el.profileId && f.state === 'friend' && f.presence === 'online') &&
      bob.el.friends.some((f) => f.id === alice.el.profileId && f.state === 'friend' && f.presence === 'online'),
    'both are friends and online',
    20000,
  );
}
