import { expect } from '@esm-bundle/chai';
import { uniqueProfile, waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget } from '../helpers/widgets.js';
import { mqttEnv, spy as spyOn } from '../transport/mqtt-env.js';

describe('two widgets with signaling over MQTT (the test run’s broker)', function () {
  this.timeout(90000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('befriend, chat both ways, and meet again at their pairwise IDs after a reload; the broker sees no profile ID', async () => {
    const { urls, ws } = await mqttEnv();
    const signaling = urls.join(' ');
    const spy = await spyOn(ws);
    const alice = await mountWidget({ signaling, 'display-name': 'Alice' });
    const bobProfile = uniqueProfile('mqtt-bob');
    let bob = await mountWidget({ signaling, profile: bobProfile, 'display-name': 'Bob' });
    await makeFriends(alice, bob);
    await alice.el.sendMessage(bob.el.profileId, 'hello over MQTT');
    await waitUntil(() => bob.events.some((e) => e.type === 'friends-chat-message'), 'Bob receives');
    await bob.el.sendMessage(alice.el.profileId, 'and back');
    await waitUntil(() => alice.events.some((e) => e.type === 'friends-chat-message'), 'Alice receives');
    // Bob reloads: the two find each other again (at their pairwise rendezvous IDs).
    bob.el.remove();
    bob = await mountWidget({ signaling, profile: bobProfile, 'display-name': 'Bob' });
    await waitUntil(() => bob.el.friends.some((f) => f.id === alice.el.profileId && f.presence === 'online'), 'they meet again', 40000);
    await alice.el.sendMessage(bob.el.profileId, 'after the reload');
    await waitUntil(async () => (await bob.el.history(alice.el.profileId)).some((m) => m.text === 'after the reload'), 'it arrives');
    const seen = spy.seen;
    spy.close();
    expect(seen.length).to.be.greaterThan(0);
    const text = seen.map((p) => new TextDecoder('latin1').decode(p.payload) + p.topic).join('\n');
    for (const id of [alice.el.profileId, bob.el.profileId]) expect(text).to.not.include(id);
    for (const plain of ['hello over MQTT', 'Alice', 'Bob']) expect(text).to.not.include(plain);
  });
});
