import { expect } from '@esm-bundle/chai';
import { defaultRegistry } from '../../src/app/default-registry.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { loopbackStrategy } from '../../src/transport/loopback/loopback-signaling.js';
import { isManualCapable } from '../../src/transport/manual-capable.js';
import { OfflineSignaling } from '../../src/transport/offline-signaling.js';
import type { Channel } from '../../src/transport/channel.js';

const CONTEXT = { iceServers: [], relayOnly: false };

describe('the signaling registry', () => {
  it('takes a new backend with one register call, and builds it from its URL', async () => {
    const networks = new Map([['net1', new LoopbackNetwork()]]);
    const registry = defaultRegistry().register(loopbackStrategy((name) => networks.get(name)!));
    const a = registry.parse('loopback:net1').create(CONTEXT);
    const b = registry.parse('loopback:net1').create(CONTEXT);
    a.start('alice');
    b.start('bob');
    const incoming = new Promise<Channel>((resolve) => b.onChannel(resolve));
    const channel = await a.dial('bob');
    expect((await incoming).initiator).to.equal(false);
    expect(channel.initiator).to.equal(true);
    a.close();
    b.close();
  });

  it('leaves other registries alone', () => {
    defaultRegistry().register(loopbackStrategy(() => new LoopbackNetwork()));
    expect(() => defaultRegistry().parse('loopback:net1')).to.throw().with.property('code', 'bad-signaling');
  });

  it('finds copy-paste signaling by capability, not by class', () => {
    const registry = defaultRegistry().register(loopbackStrategy(() => new LoopbackNetwork()));
    const manual = registry.parse('manual:').create(CONTEXT);
    const peerjs = registry.parse('peerjs://127.0.0.1:9/peerjs').create(CONTEXT);
    const loopback = registry.parse('loopback:x').create(CONTEXT);
    expect(isManualCapable(manual)).to.equal(true);
    expect(isManualCapable(peerjs)).to.equal(false);
    expect(isManualCapable(loopback)).to.equal(false);
    expect(isManualCapable(new OfflineSignaling())).to.equal(false);
    expect(isManualCapable(null)).to.equal(false);
    for (const s of [manual, peerjs, loopback]) s.close();
  });
});

describe('OfflineSignaling (a bad signaling attribute)', () => {
  it('stays offline and refuses to dial', async () => {
    const signaling = new OfflineSignaling();
    const states: string[] = [];
    signaling.onState((s) => states.push(s));
    signaling.start();
    signaling.nudge();
    expect(signaling.state).to.equal('offline');
    let code = '';
    await signaling.dial().catch((e: { code: string }) => (code = e.code));
    expect(code).to.equal('connection-failed');
    expect(states).to.deep.equal([]);
    signaling.close();
  });
});
