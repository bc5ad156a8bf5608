// Benchmarks that run inside Chromium; bench/run.mjs calls them through `window.bench`.
// Each one measures the widget and its baseline in the same page, the same run.
import { Peer, type DataConnection } from 'peerjs';
import { x25519Ephemeral, x25519Keypair, x25519Shared } from '../src/crypto/index.js';
import '../src/friends-chat.js';
import type { FriendsChatElement } from '../src/elements/friends-chat.js';
import { Identity } from '../src/identity/identity.js';
import { mailboxTopic } from '../src/mailbox/index.js';
import { MailboxClient } from '../src/transport/mqtt/mailbox-client.js';
import { toHex, utf8 } from '../src/util/bytes.js';
import { randomBytes } from '../src/crypto/random.js';
import { SecureSession } from '../src/session/secure-session.js';
import { LoopbackNetwork } from '../src/transport/loopback/loopback-network.js';
import { LoopbackSignaling } from '../src/transport/loopback/loopback-signaling.js';
import { noise } from '../test/helpers/noise.js';
import { seedConversation } from '../test/helpers/seed-history.js';
import './lock-bench.js';
import './group-bench.js';

interface Broker {
  host: string;
  port: number;
  path: string;
  key: string;
  /** `mqtt://…` of the embedded MQTT broker: signaling (and mailbox) through it instead of PeerJS. */
  mqtt?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let seq = 0;

async function until(f: () => boolean, timeout = 30000): Promise<void> {
  const start = performance.now();
  while (!f()) {
    if (performance.now() - start > timeout) throw new Error('timeout');
    await sleep(2);
  }
}

function peerOptions(b: Broker) {
  return { host: b.host, port: b.port, path: b.path, key: b.key, secure: false, config: { iceServers: [] } };
}

/** Noise XX handshake over the in-memory network vs. one bare X25519 computation. */
async function handshake(n: number): Promise<{ widget: number[]; baseline: number[]; native: boolean }> {
  const alice = (await Identity.generate());
  const bob = (await Identity.generate());
  const network = new LoopbackNetwork();
  const a = new LoopbackSignaling(network);
  const b = new LoopbackSignaling(network);
  a.start('a');
  b.start('b');
  const widget: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < n; i++) {
    const incoming = new Promise<import('../src/transport/channel.js').Channel>((r) => {
      const off = b.onChannel((c) => {
        off();
        r(c);
      });
    });
    const ca = await a.dial('b');
    const cb = await incoming;
    const t0 = performance.now();
    await Promise.all([
      SecureSession.establish(ca, { identity: alice, displayName: 'a' }),
      SecureSession.establish(cb, { identity: bob, displayName: 'b' }),
    ]);
    widget.push(performance.now() - t0);
    ca.close();
    const k1 = await x25519Ephemeral();
    const k2 = await x25519Ephemeral();
    const t1 = performance.now();
    await x25519Shared(k1.secret, k2.publicKey);
    baseline.push(performance.now() - t1);
  }
  return { widget, baseline, native: true };
}

/** The widget's `signaling` attribute: the PeerJS server, or the MQTT broker when `broker.mqtt` is set. */
function signaling(broker: Broker): string {
  return broker.mqtt ?? `peerjs://${broker.host}:${broker.port}${broker.path}?key=${broker.key}`;
}

function mount(broker: Broker, profile: string, storage: 'memory' | 'indexeddb' = 'memory'): FriendsChatElement {
  const el = document.createElement('friends-chat');
  el.setAttribute('profile', profile);
  el.setAttribute('storage', storage);
  el.setAttribute('signaling', signaling(broker));
  el.setAttribute('ice-servers', '[]');
  // Files above the default 16 MiB wait for a click; the bench fetches them at once.
  el.setAttribute('auto-download-limit', String(256 * 1024 * 1024));
  document.body.append(el);
  return el;
}

async function friends(broker: Broker, storage: 'memory' | 'indexeddb' = 'memory'): Promise<[FriendsChatElement, FriendsChatElement]> {
  const alice = mount(broker, `a${++seq}-${Date.now()}`, storage);
  const bob = mount(broker, `b${seq}-${Date.now()}`, storage);
  await Promise.all([alice.ready, bob.ready]);
  await until(() => alice.signalingState === 'online' && bob.signalingState === 'online');
  await bob.addFriend(await alice.createInvite());
  await until(() => alice.friends.some((f) => f.state === 'incoming'));
  await alice.acceptFriend(bob.profileId);
  await until(() => alice.friends.some((f) => f.presence === 'online' && f.state === 'friend') && bob.friends.some((f) => f.presence === 'online' && f.state === 'friend'));
  return [alice, bob];
}

function delivered(el: FriendsChatElement, id: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (e: Event): void => {
      const ev = e as Event & { messageId: string; status: string };
      if (ev.messageId === id && (ev.status === 'delivered' || ev.status === 'read')) {
        el.removeEventListener('friends-chat-message-status', on);
        resolve();
      }
    };
    el.addEventListener('friends-chat-message-status', on);
  });
}

/** Raw PeerJS pair with an echo on the far side (the baseline of every network benchmark). */
async function rawPair(broker: Broker): Promise<{ send: (d: string) => Promise<void>; close: () => void; openTime: number }> {
  const id = `raw${Date.now()}${++seq}`;
  const echo = new Peer(`${id}e`, peerOptions(broker));
  await new Promise((r) => echo.on('open', r));
  echo.on('connection', (c: DataConnection) => c.on('data', (d) => c.send(`ack:${String(d).slice(0, 8)}`)));
  const t0 = performance.now();
  const peer = new Peer(`${id}s`, peerOptions(broker));
  await new Promise((r) => peer.on('open', r));
  const conn = peer.connect(`${id}e`, { serialization: 'raw', reliable: true });
  await new Promise((r) => conn.on('open', r));
  const openTime = performance.now() - t0;
  let waiting: (() => void) | null = null;
  conn.on('data', () => {
    const w = waiting;
    waiting = null;
    w?.();
  });
  return {
    openTime,
    send: (d) =>
      new Promise<void>((r) => {
        waiting = r;
        conn.send(d);
      }),
    close: () => {
      peer.destroy();
      echo.destroy();
    },
  };
}

/** Page-load-to-session: a friend's widget appears; time until the session is up. */
async function connect(broker: Broker, n: number): Promise<{ widget: number[]; baseline: number[] }> {
  const widget: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < n; i++) {
    const [alice, bob] = await friends(broker);
    const profile = bob.getAttribute('profile')!;
    const store = bob; // memory storage: keep the element, re-attach it (same store, same identity)
    bob.remove();
    await until(() => alice.friends.every((f) => f.presence === 'offline'), 60000);
    await sleep(300);
    const t0 = performance.now();
    document.body.append(store);
    await until(() => alice.friends.some((f) => f.presence === 'online') && store.friends.some((f) => f.presence === 'online'), 60000);
    widget.push(performance.now() - t0);
    void profile;
    alice.remove();
    store.remove();
    const raw = await rawPair({ ...broker, mqtt: undefined });
    baseline.push(raw.openTime);
    raw.close();
  }
  return { widget, baseline };
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const heapBytes = (): number => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;
const storageBytes = async (): Promise<number> => (await navigator.storage.estimate()).usage ?? 0;

/**
 * Memory after `n` messages between two IndexedDB widgets in this page (sent without
 * waiting, until the friend has all of them): JS heap growth after GC and IndexedDB
 * growth (the origin's usage estimate), vs. the bytes of text typed.
 */
async function memory(broker: Broker, n: number): Promise<{ heapMB: number; idbMB: number; textMB: number }> {
  gc();
  const heap0 = heapBytes();
  const idb0 = await storageBytes();
  const [alice, bob] = await friends(broker, 'indexeddb');
  let got = 0;
  bob.addEventListener('friends-chat-message', () => got++);
  let textBytes = 0;
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const t = text(i);
    textBytes += t.length;
    sends.push(alice.sendMessage(bob.profileId, t));
  }
  await until(() => got >= n, 600000);
  await Promise.all(sends);
  await sleep(1000); // receipts and the last writes settle
  gc();
  const heapMB = (heapBytes() - heap0) / 1e6;
  const idbMB = ((await storageBytes()) - idb0) / 1e6;
  alice.remove();
  bob.remove();
  return { heapMB, idbMB, textMB: textBytes / 1e6 };
}

function text(i: number): string {
  const length = 50 + ((i * 7919) % 451);
  return ('Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(10) + i).slice(0, length);
}

/** Send → delivered round trips, one after another: the widget vs. a bare PeerJS echo. */
async function roundTrips(broker: Broker, n: number): Promise<{ widget: number[]; baseline: number[]; channel: number[] }> {
  const [alice, bob] = await friends(broker);
  const widget: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    let wait: Promise<void> | undefined;
    const sent = alice.sendMessage(bob.profileId, text(i)).then((m) => (wait = delivered(alice, m.id)));
    await sent;
    await wait;
    widget.push(performance.now() - t0);
  }
  alice.remove();
  bob.remove();
  const raw = await rawPair(broker);
  const baseline: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await raw.send(text(i));
    baseline.push(performance.now() - t0);
  }
  raw.close();
  // And a bare RTCDataChannel pair in this page (no broker, no PeerJS), with an echo.
  const { a, b, close } = await rawChannelPair();
  b.onmessage = (e) => b.send(e.data);
  const channel: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      a.onmessage = () => resolve();
      a.send(text(i));
    });
    channel.push(performance.now() - t0);
  }
  close();
  return { widget, baseline, channel };
}

/**
 * 10,000 messages sent without waiting: messages per second until Bob has all of them
 * (events fired, his open thread rendered), and whether they arrived in order; vs. the
 * same count of bare PeerJS sends to a counting receiver.
 */
async function burst(broker: Broker, n: number): Promise<{ widgetMs: number; baselineMs: number; inOrder: boolean; shown: number }> {
  const [alice, bob] = await friends(broker);
  await bob.open(alice.profileId);
  const got: string[] = [];
  bob.addEventListener('friends-chat-message', (e) => got.push((e as Event & { message: { text: string } }).message.text));
  const t0 = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) sends.push(alice.sendMessage(bob.profileId, `burst ${i}`));
  await until(() => got.length >= n, 600000);
  await new Promise((r) => requestAnimationFrame(() => r(null)));
  const widgetMs = performance.now() - t0;
  await Promise.all(sends);
  const inOrder = got.every((t, i) => t === `burst ${i}`);
  const thread = bob.shadowRoot!.querySelector('friends-chat-thread')!.shadowRoot!;
  const shown = thread.querySelectorAll('.message').length;
  alice.remove();
  bob.remove();

  const id = `burst${Date.now()}${++seq}`;
  const sink = new Peer(`${id}r`, peerOptions(broker));
  await new Promise((r) => sink.on('open', r));
  let count = 0;
  sink.on('connection', (c: DataConnection) => c.on('data', () => count++));
  const source = new Peer(`${id}s`, peerOptions(broker));
  await new Promise((r) => source.on('open', r));
  const conn = source.connect(`${id}r`, { serialization: 'raw', reliable: true });
  await new Promise((r) => conn.on('open', r));
  const t1 = performance.now();
  for (let i = 0; i < n; i++) conn.send(`burst ${i}`);
  await until(() => count >= n, 600000);
  const baselineMs = performance.now() - t1;
  sink.destroy();
  source.destroy();
  return { widgetMs, baselineMs, inOrder, shown };
}

/** Opening a conversation: time to the newest page and JS heap, 100,000 vs. 100 messages. */
async function history(broker: Broker, runs: number): Promise<{ widget: number[]; baseline: number[]; heapWidget: number[]; heapBaseline: number[] }> {
  const out = { widget: [] as number[], baseline: [] as number[], heapWidget: [] as number[], heapBaseline: [] as number[] };
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const heap = (): number => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;
  for (let r = 0; r < runs; r++) {
    for (const [total, times, heaps] of [
      [100_000, out.widget, out.heapWidget],
      [100, out.baseline, out.heapBaseline],
    ] as const) {
      const profile = `hist${total}-${Date.now()}-${r}`;
      const { friendId } = await seedConversation(profile, total);
      gc();
      const before = heap();
      const el = document.createElement('friends-chat');
      el.setAttribute('profile', profile);
      el.setAttribute('signaling', signaling(broker));
      el.setAttribute('ice-servers', '[]');
      document.body.append(el);
      await el.ready;
      const t0 = performance.now();
      await el.open(friendId);
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      times.push(performance.now() - t0);
      gc();
      heaps.push((heap() - before) / 1e6);
      el.remove();
    }
  }
  return out;
}

/** Two RTCPeerConnections in this page with one ordered data channel: no broker, no crypto of ours. */
async function rawChannelPair(): Promise<{ a: RTCDataChannel; b: RTCDataChannel; close: () => void }> {
  const pa = new RTCPeerConnection({ iceServers: [] });
  const pb = new RTCPeerConnection({ iceServers: [] });
  pa.onicecandidate = (e) => e.candidate && void pb.addIceCandidate(e.candidate);
  pb.onicecandidate = (e) => e.candidate && void pa.addIceCandidate(e.candidate);
  const a = pa.createDataChannel('raw', { ordered: true });
  const opened = new Promise<RTCDataChannel>((resolve) => (pb.ondatachannel = (e) => resolve(e.channel)));
  await pa.setLocalDescription(await pa.createOffer());
  await pb.setRemoteDescription(pa.localDescription!);
  await pb.setLocalDescription(await pb.createAnswer());
  await pa.setRemoteDescription(pb.localDescription!);
  const b = await opened;
  if (a.readyState !== 'open') await new Promise((r) => a.addEventListener('open', r, { once: true }));
  a.binaryType = b.binaryType = 'arraybuffer';
  return { a, b, close: () => (pa.close(), pb.close()) };
}

/** Sends `bytes` as 16 KiB messages with the same back-pressure the widget uses; resolves when all arrived. */
async function rawTransfer(bytes: Uint8Array): Promise<number> {
  const { a, b, close } = await rawChannelPair();
  let received = 0;
  const done = new Promise<void>((resolve) => {
    b.onmessage = (e: MessageEvent<ArrayBuffer>) => {
      received += e.data.byteLength;
      if (received >= bytes.length) resolve();
    };
  });
  a.bufferedAmountLowThreshold = 256 * 1024;
  const t0 = performance.now();
  for (let offset = 0; offset < bytes.length; offset += 16 * 1024) {
    if (a.bufferedAmount > 1024 * 1024) await new Promise((r) => a.addEventListener('bufferedamountlow', r, { once: true }));
    a.send(bytes.subarray(offset, offset + 16 * 1024));
  }
  await done;
  const ms = performance.now() - t0;
  close();
  return ms;
}

/**
 * A file of `mib` MiB between two widgets (sendFile → the friend has it verified and
 * stored), with IndexedDB and with storage="memory", vs. the same bytes over a raw
 * RTCDataChannel in the same page. Returns milliseconds per run.
 */
async function fileTransfer(broker: Broker, mib: number, runs: number): Promise<{ widget: number[]; memory: number[]; baseline: number[] }> {
  const out = { widget: [] as number[], memory: [] as number[], baseline: [] as number[] };
  const bytes = noise(mib * 1024 * 1024, 0x9e3779b9);
  for (let r = 0; r < runs; r++) {
    for (const [storage, times] of [
      ['indexeddb', out.widget],
      ['memory', out.memory],
    ] as const) {
      const [alice, bob] = await friends(broker, storage);
      const t0 = performance.now();
      const message = await alice.sendFile(bob.profileId, new Blob([bytes]), 'bench.bin');
      await new Promise<void>((resolve) => {
        const on = (e: Event): void => {
          const ev = e as Event & { messageId: string; state: string };
          if (ev.messageId === message.id && ev.state === 'done') {
            bob.removeEventListener('friends-chat-file-progress', on);
            resolve();
          }
        };
        bob.addEventListener('friends-chat-file-progress', on);
      });
      times.push(performance.now() - t0);
      alice.remove();
      bob.remove();
    }
    out.baseline.push(await rawTransfer(bytes));
  }
  return out;
}

/**
 * `n` messages sent while the friend is away, through the MQTT mailbox: ms from the
 * friend's widget coming back until all `n` are shown; vs. the same payloads published
 * one by one (QoS 1) to a persistent MQTT session and received when it reconnects.
 */
async function mailbox(broker: Broker, n: number): Promise<{ widget: number; baseline: number }> {
  const [alice, bob] = await friends(broker);
  const away = bob; // memory storage: keep the element, re-attach it (same store, same identity)
  bob.remove();
  await until(() => alice.friends.every((f) => f.presence === 'offline'), 60000);
  let got = 0;
  away.addEventListener('friends-chat-message', () => got++);
  const messages = [];
  for (let i = 0; i < n; i++) messages.push(alice.sendMessage(away.profileId, text(i)));
  // Each resolves once its delivery ran: with the friend away, the broker acknowledged the envelope.
  await Promise.all(messages);
  const t0 = performance.now();
  document.body.append(away);
  await until(() => got >= n, 600000);
  const widget = performance.now() - t0;
  alice.remove();
  away.remove();

  const url = broker.mqtt!.replace(/^mqtt:/, 'ws:');
  const topic = mailboxTopic((await x25519Keypair()).publicKey);
  let received = 0;
  const receiver = (): MailboxClient => {
    const c = new MailboxClient({ urls: [url], clientId: topic.slice(6), topic, onEnvelope: async () => void received++, maxEnvelope: 64 * 1024 });
    c.start();
    return c;
  };
  const first = receiver();
  await until(() => first.state === 'online', 60000);
  first.close();
  const publisher = new MailboxClient({ urls: [url], clientId: toHex(randomBytes(16)), topic: mailboxTopic((await x25519Keypair()).publicKey), onEnvelope: async () => {}, maxEnvelope: 64 * 1024 });
  publisher.start();
  await until(() => publisher.state === 'online', 60000);
  await Promise.all(Array.from({ length: n }, (_, i) => publisher.publish(topic, utf8(text(i)))));
  publisher.close();
  const t1 = performance.now();
  const again = receiver();
  await until(() => received >= n, 600000);
  const baseline = performance.now() - t1;
  again.close();
  return { widget, baseline };
}

(window as unknown as { bench: unknown }).bench = { handshake, connect, roundTrips, history, fileTransfer, burst, memory, mailbox };

// ---- two tabs: Alice and Bob in separate pages (separate renderer processes), as on two devices ----

let tabWidget: FriendsChatElement | null = null;
const tabNow = (): number => performance.timeOrigin + performance.now();

const tab = {
  async mount(broker: Broker, storage: 'memory' | 'indexeddb'): Promise<string> {
    tabWidget = mount(broker, `tab${Date.now()}-${++seq}`, storage);
    await tabWidget.ready;
    await until(() => tabWidget!.signalingState === 'online');
    return tabWidget.profileId;
  },
  invite: (): Promise<string> => tabWidget!.createInvite(),
  async add(invite: string): Promise<void> {
    await tabWidget!.addFriend(invite);
  },
  async accept(): Promise<void> {
    await until(() => tabWidget!.friends.some((f) => f.state === 'incoming'));
    await tabWidget!.acceptFriend(tabWidget!.friends.find((f) => f.state === 'incoming')!.id);
  },
  online: (): Promise<void> => until(() => tabWidget!.friends.some((f) => f.state === 'friend' && f.presence === 'online'), 60000),
  /** Sends a file of `mib` MiB to the only friend; returns the message ID and the start time. */
  async send(mib: number): Promise<{ id: string; start: number }> {
    const bytes = noise(mib * 1024 * 1024, 0x9e3779b9);
    const friend = tabWidget!.friends.find((f) => f.state === 'friend')!;
    const start = tabNow();
    const message = await tabWidget!.sendFile(friend.id, new Blob([bytes]), 'bench.bin');
    return { id: message.id, start };
  },
  /** From now on, wait for the first file to be received here; `done()` gives the time it was verified and stored. */
  arm(): void {
    (window as unknown as { fileDone: Promise<number> }).fileDone = new Promise((resolve) => {
      const on = (e: Event): void => {
        const ev = e as Event & { direction: string; state: string };
        if (ev.direction === 'receive' && ev.state === 'done') {
          tabWidget!.removeEventListener('friends-chat-file-progress', on);
          resolve(tabNow());
        }
      };
      tabWidget!.addEventListener('friends-chat-file-progress', on);
    });
  },
  done: (): Promise<number> => (window as unknown as { fileDone: Promise<number> }).fileDone,
  close(): void {
    tabWidget?.remove();
    tabWidget = null;
  },
  /** Raw PeerJS (an RTCDataChannel, no encryption of ours) receiving `size` bytes; resolves with the end time. */
  async rawReceive(broker: Broker, id: string, size: number): Promise<{ ready: true }> {
    const peer = new Peer(id, peerOptions(broker));
    await new Promise((r) => peer.on('open', r));
    (window as unknown as { rawDone: Promise<number> }).rawDone = new Promise((resolve) => {
      peer.on('connection', (c: DataConnection) => {
        let received = 0;
        c.on('data', (d) => {
          received += (d as ArrayBuffer).byteLength;
          if (received >= size) resolve(tabNow());
        });
      });
    });
    return { ready: true };
  },
  rawDone: (): Promise<number> => (window as unknown as { rawDone: Promise<number> }).rawDone,
  /** Sends `mib` MiB over raw PeerJS in 16 KiB messages with the widget's back-pressure; returns the start time. */
  async rawSend(broker: Broker, to: string, mib: number): Promise<number> {
    const bytes = noise(mib * 1024 * 1024, 0x9e3779b9);
    const peer = new Peer(`${to}s`, peerOptions(broker));
    await new Promise((r) => peer.on('open', r));
    const conn = peer.connect(to, { serialization: 'raw', reliable: true });
    await new Promise((r) => conn.on('open', r));
    const dc = conn.dataChannel;
    dc.bufferedAmountLowThreshold = 256 * 1024;
    const start = tabNow();
    for (let offset = 0; offset < bytes.length; offset += 16 * 1024) {
      if (dc.bufferedAmount > 1024 * 1024) await new Promise((r) => dc.addEventListener('bufferedamountlow', r, { once: true }));
      dc.send(bytes.subarray(offset, offset + 16 * 1024));
    }
    return start;
  },
};
(window as unknown as { tab: unknown }).tab = tab;
