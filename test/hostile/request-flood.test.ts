import { expect } from '@esm-bundle/chai';
import { MAX_PENDING_REQUESTS, REQUESTS_PER_MINUTE } from '../../src/core/friendship.js';
import { Identity, rendezvousId } from '../../src/identity/identity.js';
import { FrameType } from '../../src/session/frame.js';
import { SecureSession } from '../../src/session/secure-session.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { LoopbackSignaling } from '../../src/transport/loopback/loopback-signaling.js';
import { fromHex, utf8 } from '../../src/util/bytes.js';
import { startPeer, type TestPeer } from '../helpers/engine.js';
import { brokers, waitUntil } from '../helpers/env.js';
import { mountWidget } from '../helpers/widgets.js';
import { PeerjsSignaling } from '../../src/transport/peerjs/peerjs-signaling.js';

/** A stranger who sends one friend request to Alice and hangs up. */
async function ask(network: LoopbackNetwork, alice: TestPeer, identity?: Identity): Promise<Identity> {
  identity ??= await Identity.generate();
  const signaling = new LoopbackSignaling(network);
  signaling.start(identity.rendezvousId);
  const session = await SecureSession.establish(await signaling.dial(rendezvousId(fromHex(alice.id))), { identity, displayName: 'stranger' });
  const before = alice.requests.length + alice.engine.droppedRequests;
  session.send(FrameType.FriendRequest, utf8(JSON.stringify({ note: 'hi' })));
  // The request was read when Alice either kept it or counted it as dropped, or ignored it (a tombstone): give it a beat.
  await waitUntil(() => alice.requests.length + alice.engine.droppedRequests > before || alice.engine.contacts.get(identity.profileId) !== undefined, 'the request is read', 2000).catch(() => {});
  session.close();
  signaling.close();
  return identity;
}

describe('a flood of friend requests', function () {
  this.timeout(120000);

  it('keeps at most 50 waiting (the oldest go, counted), takes at most 20 a minute, and a declined profile cannot ask again', async () => {
    const network = new LoopbackNetwork({ seed: 51 });
    let now = Date.now();
    const alice = await startPeer(network, undefined, { now: () => now });
    const incoming = () => alice.engine.contacts.all().filter((c) => c.state === 'incoming');
    try {
      // 60 strangers, 4 s apart (15 a minute, under the rate): the first 10 are pushed out.
      const first: Identity[] = [];
      for (let i = 0; i < 60; i++) {
        first.push(await ask(network, alice));
        now += 4000;
      }
      await waitUntil(() => alice.requests.length === 60, 'all 60 were read');
      expect(incoming().length).to.equal(MAX_PENDING_REQUESTS);
      expect(alice.engine.droppedRequests).to.equal(10);
      expect(incoming().some((c) => c.id === first[0]!.profileId)).to.equal(false);
      expect(incoming().some((c) => c.id === first[59]!.profileId)).to.equal(true);

      // 30 more within one minute: only 20 are taken.
      now += 60_000;
      const dropped = alice.engine.droppedRequests;
      for (let i = 0; i < 30; i++) await ask(network, alice);
      expect(alice.requests.length - 60).to.equal(REQUESTS_PER_MINUTE);
      expect(alice.engine.droppedRequests - dropped).to.equal(10 + 20); // 10 over the rate, 20 old ones pushed out

      // A declined profile asks again at once: ignored.
      now += 60_000;
      const pest = first[59]!;
      await alice.engine.declineFriend(pest.profileId);
      const requests = alice.requests.length;
      await ask(network, alice, pest);
      expect(alice.requests.length).to.equal(requests);
      expect(alice.engine.contacts.get(pest.profileId)).to.equal(undefined);
    } finally {
      alice.engine.stop();
    }
  });
});

describe('a flood of friend requests at the widget', function () {
  this.timeout(120000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('shows the user how many requests it did not keep', async () => {
    const alice = await mountWidget();
    const b = (await brokers()).main;
    const strangers = new PeerjsSignaling({ host: '127.0.0.1', port: b.port, path: b.path, key: b.key, secure: false, iceServers: [], relayOnly: false });
    strangers.start(`flood-${Date.now()}`);
    await waitUntil(() => strangers.state === 'online', 'the strangers are on the broker');
    const requests = () => alice.el.friends.filter((f) => f.state === 'incoming').length;
    const dropped = () => alice.el.shadowRoot?.querySelector('friends-chat-roster')?.shadowRoot?.querySelector('.dropped')?.textContent ?? '';
    try {
      // One more than a minute's worth, one after another, each a new profile.
      for (let i = 0; i <= REQUESTS_PER_MINUTE; i++) {
        const session = await SecureSession.establish(await strangers.dial(rendezvousId(fromHex(alice.el.profileId))), { identity: await Identity.generate(), displayName: `stranger ${i}` });
        session.send(FrameType.FriendRequest, utf8(JSON.stringify({ note: 'hi' })));
        if (i < REQUESTS_PER_MINUTE) await waitUntil(() => requests() === i + 1, `request ${i} is kept`, 10000);
        else await waitUntil(() => dropped() !== '', 'the dropped request is shown', 10000);
        session.close();
      }
      expect(requests()).to.equal(REQUESTS_PER_MINUTE);
      expect(dropped()).to.equal('1 more request was not kept: too many at once');
      expect(alice.errors).to.deep.equal([]);
    } finally {
      strangers.close();
    }
  });
});
