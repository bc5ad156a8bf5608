import { expect } from '@esm-bundle/chai';
import type { FriendsChatGroupEvent } from '../../src/events/group-event.js';
import { uniqueProfile, waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget, type Mounted } from '../helpers/widgets.js';
import { WIDEST, mqttEnv, spy } from '../transport/mqtt-env.js';

const history = async (m: Mounted, groupId: string): Promise<{ id: string; text: string }[]> =>
  (await m.el.history(groupId, { limit: 200 })).map((x) => ({ id: x.id, text: x.system ? `[${x.system.op}]` : x.text }));

describe('group messages through the mailbox', function () {
  this.timeout(240000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('Carol’s page is closed while Alice and Bob write, and they close theirs before she returns: she gets every group message once, in order', async () => {
    const signaling = (await mqttEnv()).urls.join(' ');
    const carolProfile = uniqueProfile('mg-carol');
    const alice = await mountWidget({ signaling, 'display-name': 'Alice' });
    const bob = await mountWidget({ signaling, 'display-name': 'Bob' });
    let carol = await mountWidget({ signaling, 'display-name': 'Carol', profile: carolProfile });
    const joined: FriendsChatGroupEvent[] = [];
    carol.el.addEventListener('friends-chat-group', (e) => joined.push(e));
    await makeFriends(alice, bob);
    await makeFriends(alice, carol);
    await makeFriends(bob, carol);
    const carolId = carol.el.profileId;
    const group = await alice.el.createGroup('Trip', [bob.el.profileId, carolId]);
    await waitUntil(() => bob.el.groups.length === 1 && joined.some((e) => e.change === 'joined'), 'Bob and Carol joined', 30000);

    carol.el.remove();
    await waitUntil(
      () => [alice, bob].every((m) => m.el.friends.some((f) => f.id === carolId && f.presence === 'offline')),
      'Alice and Bob see Carol go',
      30000,
    );
    // Watches the mail go by, so Alice and Bob close their pages only once it is on the broker.
    const env = await mqttEnv();
    const watcher = await spy(env.ws, WIDEST[env.kind]);
    const mail = () => watcher.seen.filter((m) => m.topic.startsWith('fc1/m/')).length;
    const texts: string[] = [];
    for (let i = 0; i < 6; i++) {
      const [author, name] = i % 2 ? [bob, 'Bob'] : [alice, 'Alice'];
      texts.push(`${name} ${i}`);
      await author.el.sendMessage(group.id, `${name} ${i}`);
      // Each writes after seeing the other's last message, so the order is the same for all.
      await waitUntil(async () => (await history(alice, group.id)).length === (await history(bob, group.id)).length, 'both hold it', 30000);
    }
    const expected = await history(alice, group.id);
    expect(expected.map((m) => m.text)).to.deep.equal(['[create]', ...texts]);
    expect(await history(bob, group.id)).to.deep.equal(expected);
    // The last envelopes reach the broker (a replicated NATS stream acknowledges slowly, and
    // the widgets batch what is written while an envelope waits): no new mail for 2 s.
    for (let seen = -1; seen !== mail(); ) {
      seen = mail();
      await new Promise((r) => setTimeout(r, 2000));
    }
    expect(mail(), 'group mail went through the broker').to.be.greaterThan(0);
    watcher.close();
    alice.el.remove();
    bob.el.remove();

    carol = await mountWidget({ signaling, profile: carolProfile });
    await waitUntil(async () => (await history(carol, group.id)).length >= expected.length, 'Carol has every group message', 60000);
    await new Promise((r) => setTimeout(r, 500)); // a repeat would come now
    expect(await history(carol, group.id)).to.deep.equal(expected);
    expect(carol.errors).to.deep.equal([]);
  });
});
