import { expect } from '@esm-bundle/chai';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { befriend, startPeer, type TestPeer } from './engine.js';
import { waitUntil } from './env.js';

/**
 * The fault-injection run of the messaging issue: every message crosses a link that drops,
 * duplicates and reorders (each of which kills the Noise session), with partitions and
 * crash/restarts on top. Sync must still deliver every message exactly once, in the same
 * order on both sides.
 */
export async function faultRun(options: { seed: number; total: number; drop: number; duplicate: number; reorder: number; partitions: number; crashes: number }): Promise<void> {
  const network = new LoopbackNetwork({ seed: options.seed });
  const tuning = { handshakeTimeout: 80, heartbeatInterval: 20, deadAfter: 150, backoff: { min: 2, max: 20 } };
  const stores = [new MemoryStore(), new MemoryStore()];
  const peers: TestPeer[] = [await startPeer(network, stores[0], tuning), await startPeer(network, stores[1], tuning)];
  try {
    await befriend(peers[0]!, peers[1]!);
    const ids = peers.map((p) => p.id);
    const rdv = peers.map((p) => p.engine.identity.rendezvousId);
    network.faults = { drop: options.drop, duplicate: options.duplicate, reorder: options.reorder };
    const half = options.total / 2;
    const events = new Map<number, () => Promise<void>>();
    for (let k = 0; k < options.partitions; k++) {
      const at = Math.floor(((k + 1) * half) / (options.partitions + 1));
      events.set(at, async () => {
        network.partition(rdv[0]!, rdv[1]!);
        await new Promise((r) => setTimeout(r, 30));
        network.heal();
      });
    }
    for (let k = 0; k < options.crashes; k++) {
      const at = Math.floor(((k + 1) * half) / (options.crashes + 1)) + 7;
      const who = k % 2;
      events.set(at, async () => {
        peers[who]!.engine.stop();
        network.crash(rdv[who]!);
        await new Promise((r) => setTimeout(r, 20));
        peers[who] = await startPeer(network, stores[who], tuning);
      });
    }
    for (let i = 0; i < half; i++) {
      await events.get(i)?.();
      await peers[0]!.engine.sendMessage(ids[1]!, `a${i}`);
      await peers[1]!.engine.sendMessage(ids[0]!, `b${i}`);
      if (i % 200 === 0) await new Promise((r) => setTimeout(r, 0));
    }
    await waitUntil(
      async () => (await peers[0]!.engine.count(ids[1]!)) === options.total && (await peers[1]!.engine.count(ids[0]!)) === options.total,
      `all ${options.total} messages on both sides (seed ${options.seed})`,
      240000,
    );
    network.faults = {};
    const [a, b] = [await all(peers[0]!, ids[1]!), await all(peers[1]!, ids[0]!)];
    expect(new Set(a).size, `seed ${options.seed}: no duplicates`).to.equal(options.total);
    expect(a, `seed ${options.seed}: same order on both sides`).to.deep.equal(b);
    expect(network.stats.dropped).to.be.greaterThan(0);
  } finally {
    for (const p of peers) p.engine.stop();
  }
}

async function all(peer: TestPeer, friendId: string): Promise<string[]> {
  const out: string[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await peer.engine.history(friendId, { limit: 1000, ...(before ? { before } : {}) });
    if (page.length === 0) break;
    out.unshift(...page.map((m) => m.text));
    before = page[0]!.id;
  }
  return out;
}

