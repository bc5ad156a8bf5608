import { expect } from '@esm-bundle/chai';
import type { FriendsChatMessageEvent } from '../../src/events/message-event.js';
import type { FriendsChatSecurityWarningEvent } from '../../src/events/security-warning-event.js';
import { Identity, rendezvousId } from '../../src/identity/identity.js';
import { SecureSession } from '../../src/session/secure-session.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { PeerjsSignaling } from '../../src/transport/peerjs/peerjs-signaling.js';
import { fromHex } from '../../src/util/bytes.js';
import { brokers, waitUntil } from '../helpers/env.js';
import { noUncaughtErrors } from '../helpers/loopback.js';
import { eventsOf, makeFriends, mountWidget } from '../helpers/widgets.js';

function warnings(m: Parameters<typeof eventsOf>[0], reason: string): FriendsChatSecurityWarningEvent[] {
  return eventsOf<FriendsChatSecurityWarningEvent>(m, 'friends-chat-security-warning').filter((e) => e.reason === reason);
}

describe('a lying broker', function () {
  this.timeout(90000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('replays old offers: they are refused with a warning, nothing new opens, nothing arrives twice', async () => {
    const alice = await mountWidget();
    const bob = await mountWidget();
    await makeFriends(alice, bob);
    await alice.el.sendMessage(bob.el.profileId, 'before the replay');
    await waitUntil(() => eventsOf(bob, 'friends-chat-message').length === 1, 'Bob has the message');
    const errors = await noUncaughtErrors(async () => {
      const { replayed } = await (await fetch('/__broker/main/replay-offers', { method: 'POST' })).json();
      expect(replayed).to.be.greaterThan(0);
      await waitUntil(() => warnings(alice, 'replayed-offer').length + warnings(bob, 'replayed-offer').length >= replayed, 'every replay is refused');
      await new Promise((r) => setTimeout(r, 1500));
    });
    expect(errors).to.deep.equal([]);
    // The friendship and its session are untouched, and chat goes on, once per message.
    await alice.el.sendMessage(bob.el.profileId, 'after the replay');
    await waitUntil(() => eventsOf(bob, 'friends-chat-message').length === 2, 'Bob has the second message');
    await new Promise((r) => setTimeout(r, 500));
    expect(eventsOf<FriendsChatMessageEvent>(bob, 'friends-chat-message').map((e) => e.message.text)).to.deep.equal(['before the replay', 'after the replay']);
    expect(bob.el.friends.map((f) => f.presence)).to.deep.equal(['online']);
  });

  it('hands Bob’s address to Mallory: Alice refuses her, tells nothing, and reaches the real Bob later', async () => {
    const alice = await mountWidget();
    const bobProfile = `bob-${Date.now()}`;
    let bob = await mountWidget({ profile: bobProfile });
    await makeFriends(alice, bob);
    const bobId = bob.el.profileId;
    bob.el.remove();
    await waitUntil(() => alice.el.friends[0]!.presence === 'offline', 'Bob gone', 30000);

    // Mallory, with her own valid keys, is registered under Bob's rendezvous ID.
    const mallory = await Identity.load(new MemoryStore());
    const b = (await brokers()).main;
    const signaling = new PeerjsSignaling({ host: '127.0.0.1', port: b.port, path: b.path, key: b.key, secure: false, iceServers: [], relayOnly: false });
    const heard: number[] = [];
    signaling.onChannel((channel) => {
      void SecureSession.establish(channel, { identity: mallory, displayName: 'Bob' }).then((session) => session.onFrame((type) => heard.push(type)), () => {});
    });
    signaling.start(rendezvousId(fromHex(bobId)));
    await waitUntil(() => signaling.state === 'online', 'Mallory holds Bob’s address');
    try {
      const pending = await alice.el.sendMessage(bobId, 'for Bob only');
      await waitUntil(() => warnings(alice, 'handshake-failed').some((w) => /different key/.test(w.detail)), 'Alice refuses the impostor', 30000);
      await new Promise((r) => setTimeout(r, 1000));
      // Mallory got a handshake and nothing else: no frame, so no message and no heads.
      expect(heard).to.deep.equal([]);
      expect((await alice.el.history(bobId)).find((m) => m.id === pending.id)!.status).to.equal('sending');
    } finally {
      signaling.close();
    }
    // The real Bob comes back and gets the message.
    bob = await mountWidget({ profile: bobProfile });
    await waitUntil(() => eventsOf<FriendsChatMessageEvent>(bob, 'friends-chat-message').some((e) => e.message.text === 'for Bob only'), 'the real Bob receives it', 60000);
  });
});
