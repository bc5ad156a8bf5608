import { expect } from '@esm-bundle/chai';
import type { Channel } from '../../src/transport/channel.js';
import { LOW_WATER } from '../../src/transport/channel.js';
import type { Signaling } from '../../src/transport/signaling.js';
import { waitUntil } from '../helpers/env.js';

/** Two connected endpoints of one adapter: [dialler, answerer], and how to shut both down. */
export type PairMaker = () => Promise<{ pair: [Channel, Channel]; close: () => void }>;

/** Two registered signaling endpoints and the channel pair between them: [dialler, answerer]. */
export async function pairOver(a: Signaling, b: Signaling, ids: [string, string]): Promise<{ pair: [Channel, Channel]; close: () => void }> {
  a.start(ids[0]);
  b.start(ids[1]);
  await waitUntil(() => a.state === 'online' && b.state === 'online', 'both registered');
  const incoming = new Promise<Channel>((resolve) => b.onChannel(resolve));
  const ours = await a.dial(ids[1]);
  const theirs = await incoming;
  return {
    pair: [ours, theirs],
    close: () => {
      a.close();
      b.close();
    },
  };
}

/** The Channel contract: every adapter must pass the same suite. */
export function channelContract(name: string, make: PairMaker): void {
  describe(`Channel contract: ${name}`, function () {
    this.timeout(60000);

    it('carries bytes intact and in order, up to 16 KiB per message, both ways', async () => {
      const { pair, close } = await make();
      const [a, b] = pair;
      expect(a.initiator).to.equal(true);
      expect(b.initiator).to.equal(false);
      const got: Uint8Array[] = [];
      b.onMessage((bytes) => got.push(bytes.slice()));
      const sent = [1, 100, 16 * 1024, 5].map((size, i) => new Uint8Array(size).map((_, k) => (k * 31 + i) & 255));
      for (const bytes of sent) a.send(bytes);
      await waitUntil(() => got.length === sent.length, 'all arrive');
      expect(got).to.deep.equal(sent);
      const back: number[] = [];
      a.onMessage((bytes) => back.push(bytes[0]!));
      b.send(Uint8Array.of(42));
      await waitUntil(() => back.length === 1, 'the answer arrives');
      expect(back).to.deep.equal([42]);
      close();
    });

    it('names both DTLS fingerprints, mirrored on the two ends', async () => {
      const { pair, close } = await make();
      const [a, b] = pair;
      const fa = a.fingerprints();
      const fb = b.fingerprints();
      expect(fa.local).to.match(/^sha-256 [0-9A-Z:]+$/);
      expect(fa.local).to.equal(fb.remote);
      expect(fa.remote).to.equal(fb.local);
      expect(fa.local).to.not.equal(fa.remote);
      close();
    });

    it('closes both ends, and refuses to send after closing', async () => {
      const { pair, close } = await make();
      const [a, b] = pair;
      const closed = new Promise<void>((resolve) => b.onClose(resolve));
      a.close();
      await closed;
      expect(a.closed && b.closed).to.equal(true);
      expect(() => a.send(Uint8Array.of(1))).to.throw(/closed/);
      close();
    });

    it('buffers a burst above the low-water mark, announces the drain, and empties its buffer', async () => {
      const { pair, close } = await make();
      const [a, b] = pair;
      let received = 0;
      b.onMessage((bytes) => (received += bytes.length));
      let drains = 0;
      a.onDrain(() => drains++);
      const chunk = new Uint8Array(16 * 1024);
      expect(a.bufferedAmount).to.equal(0);
      a.send(chunk);
      expect(a.bufferedAmount, 'a sent message is buffered until it leaves').to.be.at.least(chunk.length);
      let peak = 0;
      for (let i = 1; i < 128; i++) {
        a.send(chunk);
        peak = Math.max(peak, a.bufferedAmount);
      }
      // 2 MiB handed over in one task: every adapter must hold most of it in its buffer.
      expect(peak, 'the buffer grows with a burst').to.be.greaterThan(LOW_WATER);
      await waitUntil(() => received === 128 * chunk.length, 'the burst arrives');
      await waitUntil(() => drains > 0, 'a buffer above the low-water mark announces its drain');
      await waitUntil(() => a.bufferedAmount === 0, 'the buffer empties');
      close();
    });
  });
}
