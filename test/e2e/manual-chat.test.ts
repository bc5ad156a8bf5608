import { expect } from '@esm-bundle/chai';
import '../../src/friends-chat.js';
import type { FriendsChatElement } from '../../src/elements/friends-chat.js';
import { NO_ICE, uniqueProfile, waitForEvent, waitUntil } from '../helpers/env.js';

async function manualWidget(name: string): Promise<FriendsChatElement> {
  const el = document.createElement('friends-chat');
  el.setAttribute('profile', uniqueProfile(name));
  el.setAttribute('signaling', 'manual:');
  el.setAttribute('ice-servers', NO_ICE);
  el.setAttribute('display-name', name);
  const ready = waitForEvent(el, 'friends-chat-ready');
  document.body.append(el);
  await ready;
  return el;
}

describe('two widgets with signaling="manual:" (no server)', function () {
  this.timeout(60000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('connect by pasting an offer and an answer, become friends and chat', async () => {
    const alice = await manualWidget('Alice');
    const bob = await manualWidget('Bob');
    const offer = await alice.createManualOffer();
    const answer = await bob.acceptManualOffer(offer);
    await alice.acceptManualAnswer(answer);
    await bob.addFriend(alice.profileId, 'pasted');
    await waitUntil(() => alice.friends.some((f) => f.id === bob.profileId && f.state === 'incoming'), 'Alice sees the request');
    await alice.acceptFriend(bob.profileId);
    await waitUntil(() => bob.friends.some((f) => f.id === alice.profileId && f.state === 'friend'), 'Bob sees the friendship');
    await alice.sendMessage(bob.profileId, 'no server involved');
    await waitUntil(async () => (await bob.history(alice.profileId)).length === 1, 'Bob receives');
    expect((await bob.history(alice.profileId))[0]!.text).to.equal('no server involved');
    await bob.sendMessage(alice.profileId, 'indeed');
    await waitUntil(async () => (await alice.history(bob.profileId)).length === 2, 'Alice receives');
    const bad = await alice.acceptManualAnswer('not an answer').catch((e) => e);
    expect(bad.code).to.equal('bad-input');
  });
});
