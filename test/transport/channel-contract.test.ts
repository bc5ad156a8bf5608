import { expect } from '@esm-bundle/chai';
import type { Channel } from '../../src/transport/channel.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { LoopbackSignaling } from '../../src/transport/loopback/loopback-signaling.js';
import { ManualSignaling } from '../../src/transport/manual/manual-signaling.js';
import { PeerjsSignaling } from '../../src/transport/peerjs/peerjs-signaling.js';
import { brokers } from '../helpers/env.js';
import { channelContract, pairOver, type PairMaker } from './channel-contract-suite.js';

let n = 0;
const makers: Record<string, PairMaker> = {
  loopback: () => {
    const network = new LoopbackNetwork({ seed: 11 });
    return pairOver(new LoopbackSignaling(network), new LoopbackSignaling(network), [`la${++n}`, `lb${n}`]);
  },
  peerjs: async () => {
    const b = (await brokers()).main;
    const options = { host: '127.0.0.1', port: b.port, path: b.path, key: b.key, secure: false, iceServers: [], relayOnly: false };
    const stamp = `${Date.now().toString(36)}${++n}`;
    return pairOver(new PeerjsSignaling(options), new PeerjsSignaling(options), [`contracta${stamp}`, `contractb${stamp}`]);
  },
  manual: async () => {
    const a = new ManualSignaling({ iceServers: [], relayOnly: false });
    const b = new ManualSignaling({ iceServers: [], relayOnly: false });
    a.start();
    b.start();
    const ours = new Promise<Channel>((resolve) => a.onChannel(resolve));
    const theirs = new Promise<Channel>((resolve) => b.onChannel(resolve));
    const offer = await a.createOffer();
    expect(offer).to.match(/^fcm1\.[A-Za-z0-9_-]+$/);
    await a.acceptAnswer(await b.acceptOffer(offer));
    return {
      pair: [await ours, await theirs],
      close: () => {
        a.close();
        b.close();
      },
    };
  },
};

for (const [name, make] of Object.entries(makers)) channelContract(name, make);
