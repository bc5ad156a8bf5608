import { expect } from '@esm-bundle/chai';
import { x25519Keypair } from '../../src/crypto/index.js';
import type { Keypair } from '../../src/crypto/x25519.js';
import { FriendsChatError } from '../../src/errors.js';
import { mqttSignaling } from '../../src/transport/mqtt/index.js';
import { MqttSignaling } from '../../src/transport/mqtt/mqtt-signaling.js';
import type { Channel } from '../../src/transport/channel.js';
import { toHex, utf8 } from '../../src/util/bytes.js';
import { waitUntil } from '../helpers/env.js';
import { channelContract, pairOver } from './channel-contract-suite.js';
import { containsBytes, controlMqtt, DEAD_URL, hexId, mqttEnv, spy, WIDEST } from './mqtt-env.js';

/** Two MQTT signaling endpoints; with `sealed`, each knows the other's static X25519 key. */
async function endpoints(sealed: boolean, urls?: string[]): Promise<{ a: MqttSignaling; b: MqttSignaling; ids: [string, string]; keys: [Keypair, Keypair] }> {
  const ws = urls ?? (await mqttEnv()).ws;
  const keys: [Keypair, Keypair] = [(await x25519Keypair()), (await x25519Keypair())];
  const ids: [string, string] = [hexId(), hexId()];
  const make = (i: 0 | 1): MqttSignaling =>
    new MqttSignaling({
      urls: ws,
      iceServers: [],
      relayOnly: false,
      ...(sealed ? { keys: { own: keys[i], peerKey: (id: string) => (id === ids[1 - i] ? keys[1 - i]!.publicKey : undefined) } } : {}),
    });
  return { a: make(0), b: make(1), ids, keys };
}

channelContract('mqtt (sealed to a friend)', async () => {
  const { a, b, ids } = await endpoints(true);
  return pairOver(a, b, ids);
});

channelContract('mqtt (open, a stranger)', async () => {
  const { a, b, ids } = await endpoints(false);
  return pairOver(a, b, ids);
});

describe('MQTT signaling', function () {
  this.timeout(90000);

  it('parses mqtt:// and mqtts:// lists and refuses anything else', () => {
    expect(mqttSignaling.parse('mqtt://127.0.0.1:1883/mqtt  mqtts://b.example/mqtt').urls).to.deep.equal([
      'ws://127.0.0.1:1883/mqtt',
      'wss://b.example/mqtt',
    ]);
    expect(mqttSignaling.parse('mqtts://a.example/mqtt').scheme).to.equal('mqtts');
    for (const bad of ['', 'http://a/mqtt', 'mqtt://user:pw@a/mqtt', 'mqtt://a/mqtt?x=1', 'mqtt://', Array(9).fill('mqtt://a/m').join(' ')]) {
      expect(() => mqttSignaling.parse(bad), bad).to.throw(FriendsChatError).with.property('code', 'bad-signaling');
    }
  });

  it('a sealed dial shows the broker no SDP, no candidate, no key: only hex rendezvous topics', async () => {
    const env = await mqttEnv();
    const watcher = await spy(env.ws, WIDEST[env.kind]);
    const { a, b, ids, keys } = await endpoints(true);
    const { pair, close } = await pairOver(a, b, ids);
    pair[0].send(Uint8Array.of(7));
    await waitUntil(() => watcher.seen.filter((m) => m.topic.endsWith(ids[0]) || m.topic.endsWith(ids[1])).length >= 2, 'the spy saw the call');
    const ours = watcher.seen.filter((m) => m.topic === `fc1/s/${ids[0]}` || m.topic === `fc1/s/${ids[1]}`);
    expect(ours.length).to.be.at.least(2);
    for (const { topic, payload } of ours) {
      expect(topic).to.match(/^fc1\/s\/[0-9a-f]{32}$/);
      for (const secret of ['v=0', 'a=fingerprint', 'candidate', 'ice-ufrag', '127.0.0.1']) expect(containsBytes(payload, utf8(secret)), secret).to.equal(false);
      for (const key of keys) {
        expect(containsBytes(payload, key.publicKey)).to.equal(false);
        expect(containsBytes(payload, utf8(toHex(key.publicKey)))).to.equal(false);
      }
    }
    close();
    watcher.close();
  });

  it('moves past a dead broker URL to the next one', async () => {
    const env = await mqttEnv();
    const { a, b, ids } = await endpoints(true, [DEAD_URL, ...env.ws]);
    const errors: string[] = [];
    a.onError((e) => errors.push(e.code));
    const { pair, close } = await pairOver(a, b, ids);
    expect(pair[0].closed).to.equal(false);
    expect(errors).to.include('signaling-failed');
    close();
  });

  it('a dial nobody answers fails with connection-failed; a bad rendezvous ID with bad-input', async () => {
    const env = await mqttEnv();
    const a = new MqttSignaling({ urls: env.ws, iceServers: [], relayOnly: false, openTimeout: 1500 });
    a.start(hexId());
    await waitUntil(() => a.state === 'online', 'online');
    const nobody = await a.dial(hexId()).then(() => null, (e: FriendsChatError) => e);
    expect(nobody?.code).to.equal('connection-failed');
    const bad = await a.dial('Not.Hex').then(() => null, (e: FriendsChatError) => e);
    expect(bad?.code).to.equal('bad-input');
    a.close();
  });

  it('ignores an offer the broker delivers a second time, with a replayed-offer warning', async () => {
    const env = await mqttEnv();
    const watcher = await spy(env.ws, WIDEST[env.kind]);
    const { a, b, ids } = await endpoints(true);
    const warnings: string[] = [];
    b.onWarning((reason) => warnings.push(reason));
    let channels = 0;
    b.onChannel(() => channels++);
    const { close } = await pairOver(a, b, ids);
    await waitUntil(() => channels === 1, 'the first channel');
    const offer = watcher.seen.find((m) => m.topic === `fc1/s/${ids[1]}` && m.payload[1] === 1);
    expect(offer, 'the spy saw the sealed offer').to.not.equal(undefined);
    await watcher.publish(offer!.topic, offer!.payload);
    await waitUntil(() => warnings.includes('replayed-offer'), 'the replay is noticed');
    expect(channels).to.equal(1);
    close();
    watcher.close();
  });

  it('comes back after a broker restart and connects again', async function () {
    const env = await mqttEnv();
    if (env.kind === 'nats') this.skip(); // the cluster test kills nodes instead
    const { a, b, ids } = await endpoints(true);
    a.start(ids[0]);
    b.start(ids[1]);
    await waitUntil(() => a.state === 'online' && b.state === 'online', 'both online');
    await controlMqtt('stop');
    await waitUntil(() => a.state !== 'online' && b.state !== 'online', 'both notice', 30000);
    await controlMqtt('start');
    await waitUntil(() => a.state === 'online' && b.state === 'online', 'both back', 60000);
    const incoming = new Promise<Channel>((resolve) => b.onChannel(resolve));
    const ours = await a.dial(ids[1]);
    const theirs = await incoming;
    const got: number[] = [];
    theirs.onMessage((bytes) => got.push(bytes[0]!));
    ours.send(Uint8Array.of(9));
    await waitUntil(() => got.length === 1, 'a byte arrives');
    a.close();
    b.close();
  });
});
