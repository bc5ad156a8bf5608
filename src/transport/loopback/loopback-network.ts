import { FriendsChatError } from '../../errors.js';
import { ChannelEvents, LOW_WATER, type Channel } from '../channel.js';
import { seededRandom } from './seeded-random.js';

/** Fault rates per message (0..1) and delay range in ms. */
export interface Faults {
  drop?: number;
  duplicate?: number;
  reorder?: number;
  delay?: [number, number];
}

interface Endpoint {
  id: string;
  /** The widget this registration belongs to (one widget may listen at several IDs). */
  node?: string;
  fingerprint: string;
  accept(channel: LoopbackChannel): void;
}

let fingerprintCounter = 0;

/**
 * An in-memory network for core tests: endpoints register under an ID and dial each other;
 * every message passes a seeded fault injector (drop, duplicate, reorder, delay), links
 * can be partitioned, and an endpoint can crash (all its channels die at once).
 */
export class LoopbackNetwork {
  readonly random: () => number;
  faults: Faults;
  /** Swaps the fingerprint a dialler sees, as a man-in-the-middle broker would. */
  tamperFingerprints = false;
  readonly #endpoints = new Map<string, Endpoint>();
  readonly #channels = new Set<LoopbackChannel>();
  readonly #partitions = new Set<string>();
  readonly stats = { sent: 0, dropped: 0, duplicated: 0, reordered: 0 };

  constructor(options: { seed?: number; faults?: Faults } = {}) {
    this.random = seededRandom(options.seed ?? 1);
    this.faults = options.faults ?? {};
  }

  /** A fresh synthetic DTLS-like fingerprint for a new endpoint. */
  newFingerprint(): string {
    // Shaped like a real one: `sha-256` and 32 colon-separated hex bytes (a counter keeps them unique).
    const bytes = Array.from({ length: 28 }, () => Math.floor(this.random() * 256));
    const counter = ++fingerprintCounter;
    bytes.push(counter >>> 24, (counter >>> 16) & 255, (counter >>> 8) & 255, counter & 255);
    return `sha-256 ${bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
  }

  register(endpoint: Endpoint): void {
    if (this.#endpoints.has(endpoint.id)) throw new FriendsChatError('id-taken', `loopback ID ${endpoint.id} is taken`);
    this.#endpoints.set(endpoint.id, endpoint);
  }

  unregister(id: string): void {
    this.#endpoints.delete(id);
  }

  isRegistered(id: string): boolean {
    return this.#endpoints.has(id);
  }

  /** Opens a channel pair between two registered endpoints. */
  connect(from: string, to: string): LoopbackChannel {
    const a = this.#endpoints.get(from);
    const b = this.#endpoints.get(to);
    if (!a) throw new FriendsChatError('connection-failed', 'not registered');
    if (!b || this.#isPartitioned(a.node ?? from, b.node ?? to)) throw new FriendsChatError('connection-failed', 'peer is not reachable');
    const remoteSeenByA = this.tamperFingerprints ? this.newFingerprint() : b.fingerprint;
    const ours = new LoopbackChannel(this, to, true, a.fingerprint, remoteSeenByA);
    const theirs = new LoopbackChannel(this, from, false, b.fingerprint, a.fingerprint);
    ours.peerChannel = theirs;
    theirs.peerChannel = ours;
    ours.owner = a.node ?? from;
    theirs.owner = b.node ?? to;
    ours.peerOwner = theirs.owner;
    theirs.peerOwner = ours.owner;
    this.#channels.add(ours);
    this.#channels.add(theirs);
    queueMicrotask(() => b.accept(theirs));
    return ours;
  }

  /** Cuts every link between nodes `a` and `b` (open channels close; new dials fail). */
  partition(a: string, b: string): void {
    this.#partitions.add([a, b].sort().join('|'));
    for (const channel of [...this.#channels]) {
      if ((channel.owner === a && channel.peerOwner === b) || (channel.owner === b && channel.peerOwner === a)) channel.close();
    }
  }

  heal(a?: string, b?: string): void {
    if (a && b) this.#partitions.delete([a, b].sort().join('|'));
    else this.#partitions.clear();
  }

  /** The endpoint dies: unregistered, and all its channels close at once. */
  crash(id: string): void {
    for (const endpoint of [...this.#endpoints.values()]) if ((endpoint.node ?? endpoint.id) === id) this.unregister(endpoint.id);
    this.unregister(id);
    for (const channel of [...this.#channels]) {
      if (channel.owner === id || channel.peerOwner === id) channel.close();
    }
  }

  forget(channel: LoopbackChannel): void {
    this.#channels.delete(channel);
  }

  /** Carries one message through the fault injector. */
  deliver(from: LoopbackChannel, bytes: Uint8Array): void {
    const to = from.peerChannel;
    if (!to) return;
    this.stats.sent++;
    const { drop = 0, duplicate = 0, reorder = 0, delay = [0, 0] } = this.faults;
    if (this.random() < drop) {
      this.stats.dropped++;
      return;
    }
    const copies = this.random() < duplicate ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      let wait = delay[0] + this.random() * (delay[1] - delay[0]);
      if (this.random() < reorder) {
        this.stats.reordered++;
        wait += 1 + this.random() * 5;
        setTimeout(() => to.receive(bytes.slice()), wait);
      } else {
        from.enqueue(to, bytes.slice(), wait);
      }
    }
  }

  #isPartitioned(a: string, b: string): boolean {
    return this.#partitions.has([a, b].sort().join('|'));
  }
}

/**
 * One end of a loopback link; ordered delivery unless the fault injector says otherwise.
 * Like a data channel it has a send buffer: `bufferedAmount` grows by every message sent and
 * shrinks, asynchronously and in order, as each message leaves for the far end; falling to
 * LOW_WATER from above fires `onDrain`, so senders' back-pressure runs here as over WebRTC.
 */
export class LoopbackChannel implements Channel {
  readonly remoteId: string;
  readonly initiator: boolean;
  peerChannel: LoopbackChannel | null = null;
  /** The nodes at the two ends. */
  owner = '';
  peerOwner = '';
  readonly #network: LoopbackNetwork;
  readonly #events = new ChannelEvents();
  readonly #local: string;
  readonly #remote: string;
  #closed = false;
  #queue: Promise<void> = Promise.resolve();
  #buffered = 0;

  constructor(network: LoopbackNetwork, remoteId: string, initiator: boolean, local: string, remote: string) {
    this.#network = network;
    this.remoteId = remoteId;
    this.initiator = initiator;
    this.#local = local;
    this.#remote = remote;
  }

  get bufferedAmount(): number {
    return this.#buffered;
  }

  get closed(): boolean {
    return this.#closed;
  }

  fingerprints(): { local: string; remote: string } {
    return { local: this.#local, remote: this.#remote };
  }

  send(bytes: Uint8Array): void {
    if (this.#closed) throw new FriendsChatError('connection-failed', 'channel is closed');
    this.#buffered += bytes.length;
    this.#network.deliver(this, bytes);
    // Queued after this message's own delivery step: it leaves the buffer once it is on its way.
    this.#queue = this.#queue.then(() => this.#left(bytes.length));
  }

  #left(length: number): void {
    if (this.#closed) return;
    const before = this.#buffered;
    this.#buffered = Math.max(0, before - length);
    if (before > LOW_WATER && this.#buffered <= LOW_WATER) this.#events.emitDrain(() => {});
  }

  /** In-order delivery with an optional delay (later messages wait for earlier ones). */
  enqueue(to: LoopbackChannel, bytes: Uint8Array, wait: number): void {
    this.#queue = this.#queue.then(() =>
      wait > 0 ? new Promise<void>((r) => setTimeout(r, wait)).then(() => to.receive(bytes)) : to.receive(bytes),
    );
  }

  receive(bytes: Uint8Array): void {
    if (this.#closed) return;
    this.#events.emitMessage(bytes, () => {});
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#buffered = 0;
    this.#network.forget(this);
    const peer = this.peerChannel;
    this.peerChannel = null;
    this.#events.emitClose(() => {});
    // The far end notices a little later, as with a real link.
    if (peer) setTimeout(() => peer.close(), 0);
  }

  onMessage(listener: (bytes: Uint8Array) => void): () => void {
    return this.#events.onMessage(listener);
  }

  onClose(listener: () => void): () => void {
    if (this.#closed) {
      queueMicrotask(listener);
      return () => {};
    }
    return this.#events.onClose(listener);
  }

  onDrain(listener: () => void): () => void {
    return this.#events.onDrain(listener);
  }
}
