import { expect } from '@esm-bundle/chai';
import { Peer, type DataConnection } from 'peerjs';
import type { FriendsChatFriendRequestEvent } from '../../src/events/friend-request-event.js';
import type { FriendsChatMessageEvent } from '../../src/events/message-event.js';
import type { FriendsChatMessageStatusEvent } from '../../src/events/message-status-event.js';
import type { FriendsChatSecurityWarningEvent } from '../../src/events/security-warning-event.js';
import { rendezvousId } from '../../src/identity/identity.js';
import { fromHex } from '../../src/util/bytes.js';
import { brokers, controlBroker, registeredIds, uniqueProfile, waitUntil } from '../helpers/env.js';
import { eventsOf, makeFriends, mountWidget } from '../helpers/widgets.js';

describe('two widgets through a local PeerJS server', function () {
  this.timeout(90000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('become friends through an invite and chat both ways', async () => {
    const alice = await mountWidget({ 'display-name': 'Alice' });
    const bob = await mountWidget({ 'display-name': 'Bob' });
    await makeFriends(alice, bob);
    const request = eventsOf<FriendsChatFriendRequestEvent>(alice, 'friends-chat-friend-request')[0]!;
    expect(request.friend).to.include({ id: bob.el.profileId, name: 'Bob', note: 'from the test', viaInvite: true });
    expect(await alice.el.safetyNumber(bob.el.profileId)).to.equal(await bob.el.safetyNumber(alice.el.profileId));

    const sent = await alice.el.sendMessage(bob.el.profileId, 'Hallo Bob! Grüße 🙂');
    await waitUntil(() => eventsOf(bob, 'friends-chat-message').length === 1, 'Bob receives');
    expect(eventsOf<FriendsChatMessageEvent>(bob, 'friends-chat-message')[0]!.message.text).to.equal('Hallo Bob! Grüße 🙂');
    await waitUntil(
      () => eventsOf<FriendsChatMessageStatusEvent>(alice, 'friends-chat-message-status').some((e) => e.messageId === sent.id && e.status === 'delivered'),
      'Alice sees delivered',
    );
    await bob.el.sendMessage(alice.el.profileId, 'Hi Alice');
    await waitUntil(() => eventsOf(alice, 'friends-chat-message').length === 1, 'Alice receives');
    const a = (await alice.el.history(bob.el.profileId)).map((m) => m.text);
    const b = (await bob.el.history(alice.el.profileId)).map((m) => m.text);
    expect(a).to.deep.equal(['Hallo Bob! Grüße 🙂', 'Hi Alice']);
    expect(b).to.deep.equal(a);
  });

  it('delivers 20 messages sent while Bob was away, once each and in order, and reports delivered', async () => {
    const alice = await mountWidget();
    const bobProfile = uniqueProfile('bob');
    let bob = await mountWidget({ profile: bobProfile });
    await makeFriends(alice, bob);
    const bobId = bob.el.profileId;
    bob.el.remove();
    await waitUntil(() => alice.el.friends.find((f) => f.id === bobId)?.presence === 'offline', 'Bob is offline', 30000);
    const sent: { id: string; text: string }[] = [];
    for (let i = 0; i < 20; i++) sent.push(await alice.el.sendMessage(bobId, `while you were away ${i}`));
    bob = await mountWidget({ profile: bobProfile });
    await waitUntil(() => eventsOf(bob, 'friends-chat-message').length >= 20, 'all 20 arrive', 30000);
    await new Promise((r) => setTimeout(r, 500));
    const got = eventsOf<FriendsChatMessageEvent>(bob, 'friends-chat-message').map((e) => e.message.text);
    expect(got).to.deep.equal(sent.map((m) => m.text));
    const delivered = (): Set<string> =>
      new Set(eventsOf<FriendsChatMessageStatusEvent>(alice, 'friends-chat-message-status').filter((e) => e.status === 'delivered').map((e) => e.messageId));
    await waitUntil(() => sent.every((m) => delivered().has(m.id)), 'all 20 reported delivered to Alice', 20000);
  });

  it('loses and doubles nothing when a page reloads mid-conversation', async () => {
    const aliceProfile = uniqueProfile('alice');
    let alice = await mountWidget({ profile: aliceProfile });
    const bob = await mountWidget();
    await makeFriends(alice, bob);
    const aliceId = alice.el.profileId;
    for (let i = 0; i < 5; i++) await alice.el.sendMessage(bob.el.profileId, `before ${i}`);
    for (let i = 0; i < 5; i++) await bob.el.sendMessage(aliceId, `bob ${i}`);
    // "Reload": the element goes away mid-stream and a new one opens the same profile.
    alice.el.remove();
    for (let i = 5; i < 10; i++) await bob.el.sendMessage(aliceId, `bob ${i}`);
    alice = await mountWidget({ profile: aliceProfile });
    expect(alice.el.profileId).to.equal(aliceId);
    for (let i = 5; i < 10; i++) await alice.el.sendMessage(bob.el.profileId, `after ${i}`);
    await waitUntil(async () => (await alice.el.history(bob.el.profileId)).length === 20 && (await bob.el.history(aliceId)).length === 20, 'both hold 20', 30000);
    const a = (await alice.el.history(bob.el.profileId)).map((m) => m.text);
    const b = (await bob.el.history(aliceId)).map((m) => m.text);
    expect(new Set(a).size).to.equal(20);
    expect(a).to.deep.equal(b);
  });

  it('reconnects by itself after the PeerJS server restarts, and keeps chatting', async () => {
    const alice = await mountWidget();
    const bob = await mountWidget();
    await makeFriends(alice, bob);
    await controlBroker('main', 'stop');
    await waitUntil(() => alice.el.signalingState !== 'online' && bob.el.signalingState !== 'online', 'both notice the broker is gone');
    await new Promise((r) => setTimeout(r, 1000));
    await controlBroker('main', 'start');
    const restarted = performance.now();
    const ids = [alice.el, bob.el].map((el) => rendezvousId(fromHex(el.profileId)));
    await waitUntil(async () => {
      const registered = await registeredIds('main');
      return ids.every((id) => registered.includes(id));
    }, 'both registered again', 15000);
    const took = performance.now() - restarted;
    expect(took).to.be.below(10000);
    await alice.el.sendMessage(bob.el.profileId, 'still here');
    await waitUntil(() => eventsOf(bob, 'friends-chat-message').length === 1, 'message after the restart arrives');
  });

  it('refuses a session that a lying broker relays through a man in the middle', async () => {
    // Alice's broker hands Bob's rendezvous ID to Mallory, who relays every byte to the real
    // Bob on another broker: keys check out, but the DTLS fingerprints in the prologue do not.
    const info = await brokers();
    const alice = await mountWidget({}, 'main');
    const bob = await mountWidget({}, 'second');
    const bobRdv = rendezvousId(fromHex(bob.el.profileId));
    const aliceRdv = rendezvousId(fromHex(alice.el.profileId));
    const options = (name: 'main' | 'second') => ({ host: '127.0.0.1', port: info[name].port, path: info[name].path, key: info[name].key, secure: false, config: { iceServers: [] } });
    const towardAlice = new Peer(bobRdv, options('main'));
    const towardBob = new Peer(aliceRdv, options('second'));
    await Promise.all([towardAlice, towardBob].map((p) => new Promise((r) => p.on('open', r))));
    let relayed = 0;
    towardAlice.on('connection', (fromAlice: DataConnection) => {
      const toBob = towardBob.connect(bobRdv, { serialization: 'raw', reliable: true });
      const early: unknown[] = [];
      fromAlice.on('data', (d) => {
        relayed++;
        if (toBob.open) toBob.send(d);
        else early.push(d);
      });
      toBob.on('open', () => early.splice(0).forEach((d) => toBob.send(d)));
      toBob.on('data', (d) => {
        relayed++;
        fromAlice.send(d);
      });
    });
    try {
      await alice.el.addFriend(bob.el.profileId, 'hello?');
      await waitUntil(
        () => eventsOf<FriendsChatSecurityWarningEvent>(alice, 'friends-chat-security-warning').some((e) => e.reason === 'handshake-failed'),
        'Alice refuses the relayed session',
        30000,
      );
      await waitUntil(
        () => eventsOf<FriendsChatSecurityWarningEvent>(bob, 'friends-chat-security-warning').some((e) => e.reason === 'handshake-failed'),
        'Bob refuses it too',
        30000,
      );
      expect(relayed).to.be.greaterThan(0);
      expect(eventsOf(bob, 'friends-chat-friend-request')).to.deep.equal([]);
      expect(bob.el.friends).to.deep.equal([]);
    } finally {
      towardAlice.destroy();
      towardBob.destroy();
    }
  });
});
