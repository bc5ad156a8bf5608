import { expect } from '@esm-bundle/chai';
import { Peer, type DataConnection } from 'peerjs';
import type { FriendsChatError } from '../../src/errors.js';
import type { Channel } from '../../src/transport/channel.js';
import { PeerjsSignaling, type PeerjsOptions } from '../../src/transport/peerjs/peerjs-signaling.js';
import { brokers, registeredIds, waitUntil } from '../helpers/env.js';
import { noUncaughtErrors } from '../helpers/loopback.js';

let n = 0;
const unique = (prefix: string): string => `${prefix}${Date.now().toString(36)}${++n}`;

async function options(extra: Partial<PeerjsOptions> = {}): Promise<PeerjsOptions> {
  const b = (await brokers()).main;
  return { host: '127.0.0.1', port: b.port, path: b.path, key: b.key, secure: false, iceServers: [], relayOnly: false, ...extra };
}

async function online(signaling: PeerjsSignaling, id: string): Promise<void> {
  signaling.start(id);
  await waitUntil(() => signaling.state === 'online', `${id} is registered`);
}

/** The vanilla peerjs library as the other side, as a page using PeerJS directly would be. */
async function vanillaPeer(id: string): Promise<Peer> {
  const b = (await brokers()).main;
  const peer = new Peer(id, { host: '127.0.0.1', port: b.port, path: b.path, key: b.key, secure: false, config: { iceServers: [] } });
  await new Promise((resolve, reject) => {
    peer.on('open', resolve);
    peer.on('error', reject);
  });
  return peer;
}

interface RawMessage {
  type: string;
  src?: string;
  payload?: { connectionId?: string; sdp?: { type: string; sdp: string } };
}

/** A bare client of the PeerJS server's WebSocket: sends what it is told, records what comes. */
async function rawClient(id: string): Promise<{ received: RawMessage[]; send(message: object): void; close(): void }> {
  const b = (await brokers()).main;
  const ws = new WebSocket(`ws://127.0.0.1:${b.port}${b.path}/peerjs?key=${b.key}&id=${id}&token=raw${n}`);
  const received: RawMessage[] = [];
  ws.onmessage = (event) => received.push(JSON.parse(String(event.data)) as RawMessage);
  await waitUntil(() => received.some((m) => m.type === 'OPEN'), `${id} is registered`);
  return { received, send: (message) => ws.send(JSON.stringify(message)), close: () => ws.close() };
}

/** A real offer SDP with one data channel (a fresh connection each time). */
async function offerSdp(): Promise<string> {
  const pc = new RTCPeerConnection({ iceServers: [] });
  pc.createDataChannel('x');
  await pc.setLocalDescription(await pc.createOffer());
  const sdp = pc.localDescription!.sdp;
  pc.close();
  return sdp;
}

function collect(channel: Channel): Uint8Array[] {
  const got: Uint8Array[] = [];
  channel.onMessage((bytes) => got.push(bytes.slice()));
  return got;
}

describe('our PeerJS client', function () {
  this.timeout(60000);
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('dials a vanilla PeerJS peer as a raw data connection, and bytes go both ways', async () => {
    const ours = new PeerjsSignaling(await options());
    cleanups.push(() => ours.close());
    await online(ours, unique('ours'));
    const theirId = unique('vanilla');
    const theirs = await vanillaPeer(theirId);
    cleanups.push(() => theirs.destroy());
    const arrived = new Promise<DataConnection>((resolve) => theirs.on('connection', resolve));
    const errors = await noUncaughtErrors(async () => {
      const channel = await ours.dial(theirId);
      const connection = await arrived;
      expect([connection.serialization, connection.reliable, connection.label]).to.deep.equal(['raw', true, connection.connectionId]);
      expect(connection.connectionId).to.match(/^dc_[0-9a-f]{16}$/);
      const atThem: unknown[] = [];
      connection.on('data', (d) => atThem.push(d));
      if (!connection.open) await new Promise((r) => connection.on('open', () => r(undefined)));
      const got = collect(channel);
      channel.send(new Uint8Array([1, 2, 3]));
      connection.send(new Uint8Array([4, 5]).buffer);
      await waitUntil(() => atThem.length === 1 && got.length === 1, 'both receive');
      expect([...new Uint8Array(atThem[0] as ArrayBuffer)]).to.deep.equal([1, 2, 3]);
      expect([...got[0]!]).to.deep.equal([4, 5]);
      expect(channel.initiator).to.equal(true);
      expect(channel.remoteId).to.equal(theirId);
      // Both ends see the same DTLS fingerprints (the session prologue binds them).
      expect(channel.fingerprints().remote).to.match(/^sha-256 /);
      channel.close();
      await new Promise((r) => connection.on('close', () => r(undefined)));
    });
    expect(errors).to.deep.equal([]);
  });

  it('answers a vanilla PeerJS peer that dials with serialization raw', async () => {
    const ours = new PeerjsSignaling(await options());
    cleanups.push(() => ours.close());
    const ourId = unique('ours');
    await online(ours, ourId);
    const theirId = unique('vanilla');
    const theirs = await vanillaPeer(theirId);
    cleanups.push(() => theirs.destroy());
    const incoming = new Promise<Channel>((resolve) => ours.onChannel(resolve));
    const errors = await noUncaughtErrors(async () => {
      const connection = theirs.connect(ourId, { serialization: 'raw', reliable: true })!;
      const atThem: unknown[] = [];
      connection.on('data', (d) => atThem.push(d));
      const channel = await incoming;
      expect([channel.remoteId, channel.initiator]).to.deep.equal([theirId, false]);
      if (!connection.open) await new Promise((r) => connection.on('open', () => r(undefined)));
      const got = collect(channel);
      connection.send(new Uint8Array([9, 8, 7]));
      channel.send(new Uint8Array([6]));
      await waitUntil(() => atThem.length === 1 && got.length === 1, 'both receive');
      expect([...got[0]!]).to.deep.equal([9, 8, 7]);
      expect([...new Uint8Array(atThem[0] as ArrayBuffer)]).to.deep.equal([6]);
      // The vanilla side hangs up: our channel closes.
      const closed = new Promise((r) => channel.onClose(() => r(undefined)));
      connection.close();
      await closed;
    });
    expect(errors).to.deep.equal([]);
  });

  it('answers at most MAX_PENDING_INCOMING offers at once, none that is not raw, and takes more once they time out', async () => {
    const ourId = unique('ours');
    const ours = new PeerjsSignaling(await options({ openTimeout: 2000 }));
    cleanups.push(() => ours.close());
    await online(ours, ourId);
    const flooder = await rawClient(unique('flooder'));
    cleanups.push(() => flooder.close());
    const sdp = { type: 'offer', sdp: await offerSdp() };
    const offer = (connectionId: string, serialization: unknown): object => ({
      type: 'OFFER',
      dst: ourId,
      payload: { sdp, type: 'data', connectionId, label: connectionId, reliable: true, serialization },
    });
    const answered = (): string[] => flooder.received.filter((m) => m.type === 'ANSWER').map((m) => m.payload!.connectionId!);
    const errors = await noUncaughtErrors(async () => {
      for (const serialization of ['binary', 'json', 'binary-utf8', undefined]) flooder.send(offer(`dc_other${serialization}`, serialization));
      for (let i = 0; i < 20; i++) flooder.send(offer(`dc_flood${i}`, 'raw'));
      await waitUntil(() => answered().length >= 16, 'the first offers are answered');
      await new Promise((r) => setTimeout(r, 1000));
      expect(answered().sort()).to.deep.equal(Array.from({ length: 16 }, (_, i) => `dc_flood${i}`).sort());
      for (const m of flooder.received.filter((m) => m.type === 'ANSWER')) expect(m.payload!.sdp!.type).to.equal('answer');
      // None of them opens; after the open timeout the next offer is answered again.
      await new Promise((r) => setTimeout(r, 2000));
      flooder.send(offer('dc_later', 'raw'));
      await waitUntil(() => answered().includes('dc_later'), 'a later offer is answered');
    });
    expect(errors).to.deep.equal([]);
    expect(ours.state).to.equal('online');
  });

  it('times a dial out when the peer never answers, and fails it at once when the server says the peer is gone', async () => {
    const ours = new PeerjsSignaling(await options({ openTimeout: 1500 }));
    cleanups.push(() => ours.close());
    await online(ours, unique('ours'));
    const silentId = unique('silent');
    const silent = await rawClient(silentId);
    cleanups.push(() => silent.close());
    let started = performance.now();
    const timedOut = await ours.dial(silentId).then(() => null, (e: FriendsChatError) => e);
    expect(timedOut?.code).to.equal('connection-failed');
    expect(timedOut?.message).to.match(/timed out/);
    expect(performance.now() - started).to.be.within(1400, 5000);
    expect(silent.received.filter((m) => m.type === 'OFFER').length).to.equal(1);
    expect(silent.received.some((m) => m.type === 'CANDIDATE')).to.equal(true);

    // Nobody at that ID: the server keeps the offer, then answers EXPIRE.
    const slow = new PeerjsSignaling(await options({ openTimeout: 30000 }));
    cleanups.push(() => slow.close());
    await online(slow, unique('slow'));
    started = performance.now();
    const expired = await slow.dial(unique('nobody')).then(() => null, (e: FriendsChatError) => e);
    expect(expired?.message).to.equal('peer is not online');
    expect(performance.now() - started).to.be.below(20000);
  });

  it('sends heartbeats: the registration outlives the server’s alive timeout', async function () {
    this.timeout(40000);
    const ours = new PeerjsSignaling(await options());
    cleanups.push(() => ours.close());
    const id = unique('alive');
    await online(ours, id);
    const states: string[] = [];
    const errors: FriendsChatError[] = [];
    ours.onState((state) => states.push(state));
    ours.onError((error) => errors.push(error));
    // The test server drops a client silent for 10 s (tools/peer-server.mjs); we would come
    // back at once, so what counts is that the socket never went away.
    await new Promise((r) => setTimeout(r, 14000));
    expect(states).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    expect(await registeredIds()).to.include(id);
    expect(ours.state).to.equal('online');
  });

  it('retries an ID that is taken and gets it once it is free; close() leaves the server', async () => {
    const id = unique('taken');
    const first = new PeerjsSignaling(await options());
    cleanups.push(() => first.close());
    await online(first, id);
    const second = new PeerjsSignaling(await options());
    cleanups.push(() => second.close());
    const errors: FriendsChatError[] = [];
    second.onError((e) => errors.push(e));
    second.start(id);
    await waitUntil(() => errors.some((e) => e.code === 'id-taken'), 'the second is told the ID is taken');
    expect(second.state).to.not.equal('online');
    first.close();
    await waitUntil(() => second.state === 'online', 'the second registers once the first has left', 20000);
    expect(await registeredIds()).to.include(id);
    second.close();
    await waitUntil(async () => !(await registeredIds()).includes(id), 'the server drops the ID');
  });

  it('closes its channels and refuses to dial once closed, without throwing', async () => {
    const a = new PeerjsSignaling(await options());
    const b = new PeerjsSignaling(await options());
    cleanups.push(() => b.close());
    const bId = unique('b');
    await online(a, unique('a'));
    await online(b, bId);
    const atB = new Promise<Channel>((resolve) => b.onChannel(resolve));
    const channel = await a.dial(bId);
    const theirs = await atB;
    const closed = new Promise((r) => theirs.onClose(() => r(undefined)));
    a.close();
    expect(channel.closed).to.equal(true);
    await closed;
    const error = await a.dial(bId).then(() => null, (e: FriendsChatError) => e);
    expect(error?.code).to.equal('connection-failed');
    expect(a.state).to.equal('offline');
  });
});
