import { expect } from '@esm-bundle/chai';
import type { FriendsChatMessageEvent } from '../../src/events/message-event.js';
import type { FriendsChatMessageStatusEvent } from '../../src/events/message-status-event.js';
import { uniqueProfile, waitUntil } from '../helpers/env.js';
import { eventsOf, makeFriends, mountWidget } from '../helpers/widgets.js';
import { WIDEST, mqttEnv, spy } from '../transport/mqtt-env.js';

describe('the mailbox: messages reach a friend who is not online at the same time', function () {
  this.timeout(120000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('100 messages written while Bob is away arrive once each, in order, after Alice has closed her page; Alice sees them delivered', async () => {
    const signaling = (await mqttEnv()).urls.join(' ');
    const aliceProfile = uniqueProfile('mb-alice');
    const bobProfile = uniqueProfile('mb-bob');
    let alice = await mountWidget({ signaling, profile: aliceProfile });
    let bob = await mountWidget({ signaling, profile: bobProfile });
    await makeFriends(alice, bob);
    const aliceId = alice.el.profileId;
    const bobId = bob.el.profileId;
    bob.el.remove(); // Bob closes the page
    await waitUntil(() => alice.el.friends.some((f) => f.id === bobId && f.presence === 'offline'), 'Alice sees Bob go', 30000);
    const sent: string[] = [];
    for (let i = 0; i < 100; i++) sent.push((await alice.el.sendMessage(bobId, `while you were away ${i}`)).id);
    alice.el.remove(); // and Alice closes hers: only the broker holds the messages now
    await new Promise((r) => setTimeout(r, 200));

    // Watches Bob's receipts go to Alice's mailbox, so his page closes only once they are out.
    const env = await mqttEnv();
    const watcher = await spy(env.ws, WIDEST[env.kind]);
    bob = await mountWidget({ signaling, profile: bobProfile });
    await waitUntil(async () => (await bob.el.history(aliceId, { limit: 200 })).length === 100, 'all 100 are in Bob’s history', 60000);
    const history = await bob.el.history(aliceId, { limit: 200 });
    expect(history.map((m) => m.id)).to.deep.equal(sent);
    expect(history.map((m) => m.text)).to.deep.equal(sent.map((_, i) => `while you were away ${i}`));
    // A message event follows its entry's write, so the last one may come a moment after the history shows it.
    const arrivedIds = (): string[] => eventsOf<FriendsChatMessageEvent>(bob, 'friends-chat-message').map((e) => e.message.id);
    await waitUntil(() => arrivedIds().length >= 100, 'an event for every message', 10000);
    const arrived = arrivedIds();
    expect(arrived.length).to.equal(100);
    expect(new Set(arrived).size).to.equal(100);
    // A receipt goes once its envelope is stored; on a slow run the last one is still on its way.
    const mail = () => watcher.seen.filter((m) => m.topic.startsWith('fc1/m/')).length;
    for (let seen = -1; seen !== mail(); ) {
      seen = mail();
      await new Promise((r) => setTimeout(r, 1500));
    }
    watcher.close();
    bob.el.remove();

    // Alice comes back (Bob is gone again): his receipt waited in her mailbox.
    alice = await mountWidget({ signaling, profile: aliceProfile });
    await waitUntil(async () => (await alice.el.history(bobId, { limit: 200 })).every((m) => m.status === 'delivered' || m.status === 'read'), 'Alice sees them delivered', 60000);
    expect(eventsOf<FriendsChatMessageStatusEvent>(alice, 'friends-chat-message-status').length).to.be.greaterThan(0);
  });
});
