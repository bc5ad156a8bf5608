import { expect } from '@esm-bundle/chai';
import { Peer } from 'peerjs';
import { rendezvousId } from '../../src/identity/identity.js';
import { fromHex } from '../../src/util/bytes.js';
import { brokers } from '../helpers/env.js';
import { noUncaughtErrors } from '../helpers/loopback.js';
import { mountWidget } from '../helpers/widgets.js';

describe('PeerJS adapter against strangers', function () {
  this.timeout(60000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('refuses connections with another or an unknown serialization, without an uncaught error', async () => {
    const alice = await mountWidget();
    const b = (await brokers()).main;
    const stranger = new Peer(`stranger${Date.now()}`, { host: '127.0.0.1', port: b.port, path: b.path, key: b.key, secure: false, config: { iceServers: [] } });
    await new Promise((r) => stranger.on('open', r));
    const target = rendezvousId(fromHex(alice.el.profileId));
    const opened: string[] = [];
    const errors = await noUncaughtErrors(async () => {
      for (const serialization of ['binary', 'json', 'no-such-serialization']) {
        // Forge the offer: PeerJS would throw on an unknown serialization on the receiving side.
        const socket = (stranger as unknown as { socket: { send(m: unknown): void } }).socket;
        if (serialization === 'no-such-serialization') {
          socket.send({ type: 'OFFER', dst: target, payload: { type: 'data', serialization, connectionId: 'dc_forged', sdp: { type: 'offer', sdp: 'v=0' } } });
          continue;
        }
        const conn = stranger.connect(target, { serialization, reliable: true });
        conn.on('open', () => opened.push(serialization));
      }
      await new Promise((r) => setTimeout(r, 4000));
    });
    expect(errors).to.deep.equal([]);
    expect(opened).to.deep.equal([]);
    expect(alice.el.signalingState).to.equal('online');
    stranger.destroy();
  });
});
