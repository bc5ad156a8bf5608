import { expect } from '@esm-bundle/chai';
import type { FriendsChatMessageEvent } from '../../src/events/message-event.js';
import type { FriendsChatSecurityWarningEvent } from '../../src/events/security-warning-event.js';
import { Identity, rendezvousId } from '../../src/identity/identity.js';
import { SecureSession } from '../../src/session/secure-session.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { PeerjsSignaling } from '../../src/transport/peerjs/peerjs-signaling.js';
import { fromHex, toHex, utf8 } from '../../src/util/bytes.js';
import { brokers, registeredIds, waitUntil } from '../helpers/env.js';
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

  it('hands Bob’s addresses to Mallory: her handshake fails, she learns neither Alice’s key nor her name, and Alice reaches the real Bob later', async () => {
    const alice = await mountWidget({ 'display-name': 'Alice Liddell' });
    const bobProfile = `bob-${Date.now()}`;
    let bob = await mountWidget({ profile: bobProfile });
    await makeFriends(alice, bob);
    const bobId = bob.el.profileId;
    // Every ID Bob holds at the broker (his public one and the ones he shares with Alice).
    // Each widget holds four: its request address, the one it dials requests from, and two it
    // shares with its friend.
    let withBob: string[] = [];
    await waitUntil(async () => (withBob = await registeredIds()).length >= 8, 'both widgets registered everywhere');
    bob.el.remove();
    await waitUntil(() => alice.el.friends[0]!.presence === 'offline', 'Bob gone', 30000);
    let gone: string[] = [];
    await waitUntil(async () => {
      const now = new Set(await registeredIds());
      gone = withBob.filter((id) => !now.has(id));
      return gone.length >= 4;
    }, 'the broker dropped all of Bob’s registrations');
    expect(gone).to.include(rendezvousId(fromHex(bobId)));
    expect(gone.length, 'Bob listens at more than his public ID').to.be.greaterThan(1);

    // The lying broker routes every one of Bob's addresses to Mallory, who has valid keys of her own.
    const mallory = await Identity.load(new MemoryStore());
    const b = (await brokers()).main;
    const signaling = new PeerjsSignaling({ host: '127.0.0.1', port: b.port, path: b.path, key: b.key, secure: false, iceServers: [], relayOnly: false });
    const heard: number[] = [];
    const received: Uint8Array[] = [];
    const outcomes: string[] = [];
    const dialledFrom: string[] = [];
    signaling.onChannel((channel) => {
      dialledFrom.push(channel.remoteId);
      channel.onMessage((bytes) => received.push(bytes.slice()));
      void SecureSession.establish(channel, { identity: mallory, displayName: 'Bob' }).then(
        (session) => {
          outcomes.push('established');
          session.onFrame((type) => heard.push(type));
        },
        (error: { code?: string }) => outcomes.push(error.code ?? 'error'),
      );
    });
    signaling.start(gone[0]!);
    signaling.listen(gone.slice(1));
    await waitUntil(async () => {
      const ids = new Set(await registeredIds());
      return gone.every((id) => ids.has(id));
    }, 'Mallory holds all of Bob’s addresses');
    try {
      const pending = await alice.el.sendMessage(bobId, 'for Bob only');
      await waitUntil(() => warnings(alice, 'handshake-failed').some((w) => /different key/.test(w.detail)), 'Alice refuses the impostor', 30000);
      await waitUntil(() => outcomes.length > 0, 'Mallory’s handshake ends');
      await new Promise((r) => setTimeout(r, 1000));
      // Mallory's handshakes all failed; she got a handshake's first message and nothing else:
      // no static key, no profile key, no name of Alice's, and no frame.
      expect(outcomes.every((o) => o === 'handshake-failed'), outcomes.join()).to.equal(true);
      expect(received.length).to.be.greaterThan(0);
      for (const message of received) expect([message[0], message.length], 'only message 1 (kind, preamble, ephemeral key)').to.deep.equal([0, 35]);
      const all = received.map((m) => toHex(m)).join('|');
      expect(all.includes(alice.el.profileId)).to.equal(false);
      expect(all.includes(toHex(utf8('Alice Liddell')))).to.equal(false);
      expect(heard).to.deep.equal([]);
      // Alice dialled from an ID that does not name her either.
      expect(dialledFrom).to.not.include(rendezvousId(fromHex(alice.el.profileId)));
      expect((await alice.el.history(bobId)).find((m) => m.id === pending.id)!.status).to.equal('sending');
    } finally {
      signaling.close();
    }
    // The real Bob comes back and gets the message.
    bob = await mountWidget({ profile: bobProfile });
    await waitUntil(() => eventsOf<FriendsChatMessageEvent>(bob, 'friends-chat-message').some((e) => e.message.text === 'for Bob only'), 'the real Bob receives it', 60000);
  });
});
