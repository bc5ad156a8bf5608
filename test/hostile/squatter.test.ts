import { expect } from '@esm-bundle/chai';
import type { FriendsChatMessageEvent } from '../../src/events/message-event.js';
import { Identity, rendezvousId } from '../../src/identity/identity.js';
import { PeerjsSignaling } from '../../src/transport/peerjs/peerjs-signaling.js';
import { SecureSession } from '../../src/session/secure-session.js';
import { fromHex, toHex, utf8 } from '../../src/util/bytes.js';
import { brokers, registeredIds, waitUntil } from '../helpers/env.js';
import { eventsOf, makeFriends, mountWidget } from '../helpers/widgets.js';

describe('a squatter at a friend’s public rendezvous ID', function () {
  this.timeout(90000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('gets no dial from friends, and the friends still connect (the owner keeps his own registrations)', async () => {
    const alice = await mountWidget();
    const bobProfile = `bob-${Date.now()}`;
    let bob = await mountWidget({ profile: bobProfile });
    await makeFriends(alice, bob);
    const bobId = bob.el.profileId;
    const publicId = rendezvousId(fromHex(bobId));
    bob.el.remove();
    await waitUntil(async () => !(await registeredIds()).includes(publicId), 'the broker dropped Bob', 30000);

    // Mallory knows Bob's profile ID (every invite carries it), so she can compute and take his public ID.
    const b = (await brokers()).main;
    const squatter = new PeerjsSignaling({ host: '127.0.0.1', port: b.port, path: b.path, key: b.key, secure: false, iceServers: [], relayOnly: false });
    const mallory = (await Identity.generate());
    const dials: string[] = [];
    const received: Uint8Array[] = [];
    const outcomes: string[] = [];
    squatter.onChannel((channel) => {
      dials.push(channel.remoteId);
      channel.onMessage((bytes) => received.push(bytes.slice()));
      void SecureSession.establish(channel, { identity: mallory, displayName: 'Bob' }).then(
        () => outcomes.push('established'),
        (error: { code?: string }) => outcomes.push(error.code ?? 'error'),
      );
    });
    squatter.start(publicId);
    await waitUntil(() => squatter.state === 'online', 'Mallory holds Bob’s public ID');
    try {
      // Bob comes back: his public ID is taken, but he is online at the IDs he shares with Alice.
      bob = await mountWidget({ profile: bobProfile });
      await alice.el.sendMessage(bobId, 'to the real Bob');
      await waitUntil(() => eventsOf<FriendsChatMessageEvent>(bob, 'friends-chat-message').some((e) => e.message.text === 'to the real Bob'), 'Bob receives it', 60000);
      await bob.el.sendMessage(alice.el.profileId, 'and back');
      await waitUntil(() => eventsOf<FriendsChatMessageEvent>(alice, 'friends-chat-message').some((e) => e.message.text === 'and back'), 'Alice receives the answer', 30000);
      expect(alice.el.friends.map((f) => f.presence)).to.deep.equal(['online']);
      // Mallory still holds the public ID and never saw a dial.
      expect(await registeredIds()).to.include(publicId);
      expect(dials).to.deep.equal([]);

      // A stranger who asks Bob by his profile ID does dial the public address, but the
      // squatter learns nothing about her: no ID of hers, and no handshake beyond message 1.
      const carol = await mountWidget({ 'display-name': 'Carol Stranger' });
      await carol.el.addFriend(bobId, 'hello Bob');
      await waitUntil(() => outcomes.length > 0, 'the squatter answers Carol', 30000);
      await new Promise((r) => setTimeout(r, 500));
      expect(outcomes.every((o) => o === 'handshake-failed'), outcomes.join()).to.equal(true);
      expect(dials).to.not.include(rendezvousId(fromHex(carol.el.profileId)));
      for (const message of received) expect([message[0], message.length]).to.deep.equal([0, 35]);
      const all = received.map((m) => toHex(m)).join('|');
      expect(all.includes(carol.el.profileId)).to.equal(false);
      expect(all.includes(toHex(utf8('Carol Stranger')))).to.equal(false);
    } finally {
      squatter.close();
    }
  });
});
