import { expect } from '@esm-bundle/chai';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { FrameType } from '../../src/session/frame.js';
import { SecureSession } from '../../src/session/secure-session.js';
import { Identity, rendezvousId } from '../../src/identity/identity.js';
import { LoopbackSignaling } from '../../src/transport/loopback/loopback-signaling.js';
import { fromHex } from '../../src/util/bytes.js';
import { befriend, startPeer } from '../helpers/engine.js';
import { noUncaughtErrors } from '../helpers/loopback.js';
import { waitUntil } from '../helpers/env.js';

describe('floods', function () {
  this.timeout(60000);

  it('cuts off a session that sends too many frames per second, and keeps working', async () => {
    const network = new LoopbackNetwork({ seed: 21 });
    // A low limit, so that a loaded machine that reads fewer frames a second still sees a flood.
    const alice = await startPeer(network, undefined, { maxFramesPerSecond: 200 });
    const bob = await startPeer(network);
    try {
      await befriend(alice, bob);
      const errors = await noUncaughtErrors(async () => {
        // Every authenticated session, friend or stranger, is held to the same frame rate.
        const mallory = (await Identity.generate());
        const signaling = new LoopbackSignaling(network);
        signaling.start(mallory.rendezvousId);
        const channel = await signaling.dial(rendezvousId(fromHex(alice.id)));
        const session = await SecureSession.establish(channel, { identity: mallory, displayName: 'M' });
        const closed = new Promise<void>((r) => session.onClose(() => r()));
        for (let i = 0; i < 10000 && !session.closed; i++) session.send(FrameType.Ping, new Uint8Array(0));
        await closed;
        signaling.close();
      });
      expect(errors).to.deep.equal([]);
      expect(alice.warnings.some((w) => w.reason === 'flood')).to.equal(true);
      // Alice still chats with Bob.
      await alice.engine.sendMessage(bob.id, 'still fine');
      await waitUntil(() => bob.messages.some((m) => m.text === 'still fine'), 'the next message arrives');
    } finally {
      alice.engine.stop();
      bob.engine.stop();
    }
  });

  it('refuses more than a handful of simultaneous handshakes', async () => {
    const network = new LoopbackNetwork({ seed: 22 });
    const alice = await startPeer(network);
    try {
      const signaling = new LoopbackSignaling(network);
      signaling.start('flooder');
      const channels = [];
      for (let i = 0; i < 200; i++) channels.push(await signaling.dial(alice.engine.identity.rendezvousId));
      // Nobody answers the handshakes: beyond the limit the channels are closed at once.
      await new Promise((r) => setTimeout(r, 50));
      const open = channels.filter((c) => !c.closed).length;
      expect(open).to.be.at.most(16);
      signaling.close();
    } finally {
      alice.engine.stop();
    }
  });
});
