import { expect } from '@esm-bundle/chai';
import '../../src/friends-chat.js';
import type { FriendsChatElement } from '../../src/elements/friends-chat.js';
import type { FriendsChatMessageEvent } from '../../src/events/message-event.js';
import { NO_ICE, signalingUrl, uniqueProfile, waitUntil } from '../helpers/env.js';
import { mountWidget } from '../helpers/widgets.js';

describe('frameworks', function () {
  this.timeout(60000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('works from a Vue 3 app (ESM browser build, no build step): bindings and events', async () => {
    const frame = document.createElement('iframe');
    const profile = uniqueProfile('vue');
    frame.src = `/demo/frameworks/vue.html?signaling=${encodeURIComponent(await signalingUrl())}&profile=${profile}`;
    document.body.append(frame);
    await waitUntil(() => !!frame.contentDocument?.querySelector('.state'), 'Vue saw friends-chat-ready', 20000);
    const el = frame.contentDocument!.querySelector('friends-chat') as FriendsChatElement;
    expect(el.profile).to.equal(profile);
    expect(el.theme).to.equal('light');
    (frame.contentDocument!.querySelector('button') as HTMLButtonElement).click();
    await waitUntil(() => el.theme === 'dark', 'the Vue binding switched the theme');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=base]')!.classList.contains('dark')).to.equal(true);
    // A friend writes; the Vue @friends-chat-message handler shows it.
    await waitUntil(() => el.signalingState === 'online', 'registered');
    const friend = await mountWidget();
    await friend.el.addFriend(await el.createInvite());
    await waitUntil(() => el.friends.some((f) => f.state === 'incoming'), 'request');
    await el.acceptFriend(friend.el.profileId);
    await waitUntil(() => friend.el.friends.some((f) => f.state === 'friend' && f.presence === 'online'), 'friends');
    await friend.el.sendMessage(el.profileId, 'hello Vue');
    await waitUntil(() => frame.contentDocument!.querySelector('.last')!.textContent === 'hello Vue', 'Vue shows the message');
    frame.remove();
  });

  it('works the way React 19 drives custom elements: properties, then addEventListener', async () => {
    // React 19 sets a prop as a property when the element has one, and subscribes to custom
    // events with addEventListener; it creates the element before setting anything.
    const el = document.createElement('friends-chat');
    el.profile = uniqueProfile('react');
    el.signaling = await signalingUrl();
    el.iceServers = NO_ICE;
    el.displayName = 'React user';
    el.theme = 'dark';
    el.noTypingIndicators = true;
    const received: string[] = [];
    el.addEventListener('friends-chat-message', (e: FriendsChatMessageEvent) => received.push(e.message.text));
    let ready = false;
    el.addEventListener('friends-chat-ready', () => (ready = true));
    document.body.append(el);
    await waitUntil(() => ready && el.signalingState === 'online', 'ready and registered');
    expect(el.getAttribute('theme')).to.equal('dark');
    expect(el.hasAttribute('no-typing-indicators')).to.equal(true);
    const friend = await mountWidget();
    await friend.el.addFriend(el.profileId);
    await waitUntil(() => el.friends.some((f) => f.state === 'incoming'), 'request');
    await el.acceptFriend(friend.el.profileId);
    await waitUntil(() => friend.el.friends.some((f) => f.state === 'friend' && f.presence === 'online'), 'friends');
    await friend.el.sendMessage(el.profileId, 'hello React');
    await waitUntil(() => received.includes('hello React'), 'the listener got it');
    // Re-rendering with a new prop value is a property set too: live, no restart.
    const id = el.profileId;
    el.theme = 'light';
    el.displayName = 'Renamed';
    await el.updateComplete;
    expect(el.profileId).to.equal(id);
    expect(el.shadowRoot!.querySelector('[part=base]')!.classList.contains('light')).to.equal(true);
  });
});
