import { expect } from '@esm-bundle/chai';
import { sha256 } from '../../src/crypto/index.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import type { Store } from '../../src/storage/store.js';
import { toHex } from '../../src/util/bytes.js';
import { waitUntil } from '../helpers/env.js';
import { noise } from '../helpers/noise.js';
import { connect, fileSide, last, offer } from './harness.js';

const KiB = 1024;
const MiB = 1024 * 1024;

/** The real MemoryStore, noting which chunk bytes a write has finished storing (synchronously readable). */
class WatchedStore extends MemoryStore {
  readonly stored = new Map<string, number>();

  override async setMany(entries: [string, unknown][]): Promise<void> {
    await super.setMany(entries);
    for (const [key, value] of entries) {
      if (/^file:[0-9a-f]{64}:\d+$/.test(key)) this.stored.set(key, value instanceof Blob ? value.size : (value as Uint8Array).byteLength);
    }
  }

  bytesOf(id: string): number {
    let bytes = 0;
    for (const [key, size] of this.stored) if (key.startsWith(`file:${id}:`)) bytes += size;
    return bytes;
  }
}

describe('receiving files: progress, consent and quotas', function () {
  this.timeout(120000);

  it('reports as progress only bytes that are already stored, so a reload never goes back', async () => {
    const store = new WatchedStore();
    const alice = fileSide();
    let bob = fileSide(store);
    const ahead: number[] = [];
    const watch = (): void => {
      const push = bob.progress.push.bind(bob.progress);
      bob.progress.push = (...items) => {
        for (const p of items) if (p.state === 'transferring' && p.bytes > store.bytesOf(p.messageId)) ahead.push(p.bytes - store.bytesOf(p.messageId));
        return push(...items);
      };
    };
    watch();
    const cut = await connect(alice, bob);
    const data = noise(6 * MiB, 41);
    const { id } = await offer(alice, bob, new Blob([data]));
    await waitUntil(() => (last(bob, id)?.bytes ?? 0) >= 3 * MiB, 'half has arrived');
    const had = last(bob, id)!.bytes;
    cut();
    bob.transfers.stop();
    // The same storage in a new tab: the transfer resumes from what was kept.
    bob = fileSide(store, {}, bob.identity);
    watch();
    await connect(alice, bob);
    await waitUntil(() => last(bob, id)?.state === 'done', 'the file is whole after the reload');
    expect(bob.progress[0]!.bytes).to.be.at.least(had);
    expect(ahead, 'bytes reported before they were stored').to.deep.equal([]);
    expect(toHex(sha256(new Uint8Array(await (await bob.transfers.file(id))!.blob.arrayBuffer())))).to.equal(toHex(sha256(data)));
  });

  it('fetches a friend’s file up to the auto-download limit at once; a larger one waits for download()', async () => {
    const alice = fileSide();
    const bob = fileSide(new MemoryStore(), { autoDownloadLimit: () => 1 * MiB });
    await connect(alice, bob);
    const bigData = noise(2 * MiB, 42);
    const big = await offer(alice, bob, new Blob([bigData]), 'big.bin');
    const small = await offer(alice, bob, new Blob([noise(512 * KiB, 43)]), 'small.bin');
    await waitUntil(() => last(bob, small.id)?.state === 'done', 'the small file arrives by itself');
    // The big one was announced first, yet nothing of it was asked for or sent.
    expect(bob.progress.filter((p) => p.messageId === big.id).map((p) => p.state)).to.deep.equal(['waiting']);
    expect(alice.progress.filter((p) => p.messageId === big.id).map((p) => p.state)).to.deep.equal(['waiting']);
    expect(alice.transfers.sent.bytes).to.equal(512 * KiB);
    expect(await bob.transfers.file(big.id)).to.equal(undefined);

    await bob.transfers.download(big.id);
    await waitUntil(() => last(bob, big.id)?.state === 'done' && last(alice, big.id)?.state === 'done', 'the big file arrives after the click');
    expect(toHex(sha256(new Uint8Array(await (await bob.transfers.file(big.id))!.blob.arrayBuffer())))).to.equal(toHex(sha256(bigData)));
    // A second click does nothing; an unknown file is a clear error.
    await bob.transfers.download(big.id);
    expect(last(bob, big.id)!.state).to.equal('done');
    let error: { code?: string } | undefined;
    await bob.transfers.download('ab'.repeat(32)).catch((e) => (error = e));
    expect(error?.code).to.equal('bad-input');
  });

  it('keeps a file that waits for the click waiting across a reload', async () => {
    const store = new MemoryStore();
    const alice = fileSide();
    let bob = fileSide(store, { autoDownloadLimit: () => 1 * MiB });
    let cut = await connect(alice, bob);
    const big = await offer(alice, bob, new Blob([noise(2 * MiB, 44)]), 'big.bin');
    cut();
    bob = fileSide(store, { autoDownloadLimit: () => 1 * MiB }, bob.identity);
    cut = await connect(alice, bob);
    // A file sent after the reload arrives, so the session's resume pass is over.
    const small = await offer(alice, bob, new Blob([noise(100 * KiB, 45)]), 'small.bin');
    await waitUntil(() => last(bob, small.id)?.state === 'done', 'the small file arrives');
    expect((await bob.transfers.progress(big.id))!.state).to.equal('waiting');
    expect(alice.transfers.sent.bytes).to.equal(100 * KiB);
    await bob.transfers.download(big.id);
    await waitUntil(() => last(bob, big.id)?.state === 'done', 'the big file arrives after the click');
  });

  it('refuses, with a reason on the progress event, files over the per-friend quota, the total quota or the free storage', async () => {
    const refused = async (options: Parameters<typeof fileSide>[1], sizes: number[], store: Store = new MemoryStore()): Promise<(string | undefined)[]> => {
      const alice = fileSide();
      const bob = fileSide(store, options);
      await connect(alice, bob);
      const reasons: (string | undefined)[] = [];
      for (const [i, size] of sizes.entries()) {
        const { id } = await offer(alice, bob, new Blob([noise(size, 50 + i)]));
        await waitUntil(() => ['done', 'failed'].includes(last(bob, id)?.state ?? ''), `file ${i} ends`);
        reasons.push(last(bob, id)!.reason);
        if (last(bob, id)!.state === 'failed') {
          await waitUntil(() => last(alice, id)?.state === 'cancelled', 'the sender is told');
          expect(last(alice, id)!.reason).to.equal(last(bob, id)!.reason);
        }
      }
      return reasons;
    };
    expect(await refused({ quota: () => ({ perFriend: 1 * MiB, total: 10 * MiB }) }, [700 * KiB, 400 * KiB, 300 * KiB])).to.deep.equal([
      undefined,
      'over the storage quota for this friend',
      undefined,
    ]);
    // The total counts every friend's files: earlier usage is read back from the store.
    const shared = new MemoryStore();
    expect(await refused({ quota: () => ({ perFriend: 10 * MiB, total: 1 * MiB }) }, [800 * KiB], shared)).to.deep.equal([undefined]);
    expect(await refused({ quota: () => ({ perFriend: 10 * MiB, total: 1 * MiB }) }, [300 * KiB, 200 * KiB], shared)).to.deep.equal([
      'over the storage quota for received files',
      undefined,
    ]);
    const nearlyFull = async () => ({ usage: 900 * KiB, quota: 1 * MiB });
    expect(await refused({ estimate: nearlyFull }, [100 * KiB])).to.deep.equal(['not enough storage space on this device']);
  });

  it('fetches files when the browser’s storage estimate never answers (the quotas still hold)', async () => {
    const alice = fileSide();
    const bob = fileSide(new MemoryStore(), { estimate: () => new Promise(() => {}), quota: () => ({ perFriend: 1 * MiB, total: 10 * MiB }) });
    await connect(alice, bob);
    // Hang detectors, not speed limits: every accept used to wait for that answer forever.
    const within = <T>(work: Promise<T>, what: string): Promise<T> =>
      Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), 20000))]);
    const first = await within(offer(alice, bob, new Blob([noise(200 * KiB, 61)])), 'Bob takes the first file');
    const second = await within(offer(alice, bob, new Blob([noise(900 * KiB, 62)])), 'Bob takes the second file');
    await waitUntil(() => last(bob, first.id)?.state === 'done', 'the first file arrives', 20000);
    await waitUntil(() => last(bob, second.id)?.state === 'failed', 'the second is refused', 20000);
    expect(last(bob, second.id)!.reason).to.equal('over the storage quota for this friend');
  });

  it('gives a cancelled file’s share of the quota back', async () => {
    const alice = fileSide();
    const bob = fileSide(new MemoryStore(), { quota: () => ({ perFriend: 1 * MiB, total: 10 * MiB }) });
    const cut = await connect(alice, bob);
    cut();
    const first = await offer(alice, bob, new Blob([noise(900 * KiB, 60)]));
    await bob.transfers.cancel(first.id);
    await connect(alice, bob);
    const second = await offer(alice, bob, new Blob([noise(900 * KiB, 61)]));
    await waitUntil(() => last(bob, second.id)?.state === 'done', 'the second file fits');
  });
});
