import { expect } from '@esm-bundle/chai';
import { sha256Stream } from '../../src/crypto/index.js';
import { IdbStore } from '../../src/storage/idb-store.js';
import { toHex } from '../../src/util/bytes.js';
import { uniqueProfile, waitUntil } from '../helpers/env.js';
import { noise } from '../helpers/noise.js';
import { connect, fileSide, last, offer } from './harness.js';

const MiB = 1024 * 1024;

/** Binary bytes (typed arrays, ArrayBuffers) in a value read from the store; Blobs hold none in memory. */
function heldBytes(value: unknown): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + heldBytes(v), 0);
  return 0;
}

/** The real IndexedDB store, noting the most binary bytes any single read brought into memory. */
class MeasuredStore extends IdbStore {
  largestRead = 0;

  override async get<T>(key: string): Promise<T | undefined> {
    const value = await super.get<T>(key);
    this.largestRead = Math.max(this.largestRead, heldBytes(value));
    return value;
  }

  override async getMany<T>(keys: string[]): Promise<(T | undefined)[]> {
    const values = await super.getMany<T>(keys);
    this.largestRead = Math.max(this.largestRead, heldBytes(values));
    return values;
  }
}

describe('a 256 MiB file', function () {
  this.timeout(15 * 60 * 1000);

  it('is assembled from stored chunk Blobs: right SHA-256, and no buffer near its size is ever held', async () => {
    const size = 256 * MiB;
    const data = noise(size, 256);
    const whole = sha256Stream();
    for (let at = 0; at < size; at += 16 * MiB) whole.update(data.subarray(at, at + 16 * MiB));
    const expected = toHex(whole.digest());
    const source = new Blob([data]);

    // Every Blob read in this page, by the sender, the receiver and the hash check.
    let largestBlobRead = 0;
    const arrayBuffer = Blob.prototype.arrayBuffer;
    Blob.prototype.arrayBuffer = async function (this: Blob) {
      const buffer = await arrayBuffer.call(this);
      largestBlobRead = Math.max(largestBlobRead, buffer.byteLength);
      return buffer;
    };
    const store = new MeasuredStore(uniqueProfile('large'));
    try {
      const alice = fileSide();
      const bob = fileSide(store);
      await connect(alice, bob);
      const { id, manifest } = await offer(alice, bob, source, 'large.bin');
      expect(manifest.sha256).to.equal(expected);
      expect(last(bob, id)!.state).to.equal('waiting');
      largestBlobRead = 0;
      await bob.transfers.download(id);
      await waitUntil(() => last(bob, id)?.state === 'done', 'the file is whole', 14 * 60 * 1000);
      const receiverRead = largestBlobRead;
      const file = (await bob.transfers.file(id))!;
      expect(file.blob.size).to.equal(size);
      const check = sha256Stream();
      for (let at = 0; at < size; at += 16 * MiB) check.update(new Uint8Array(await file.blob.slice(at, at + 16 * MiB).arrayBuffer()));
      expect(toHex(check.digest())).to.equal(expected);
      console.log(
        `256 MiB received: largest store read ${(store.largestRead / MiB).toFixed(2)} MiB, largest Blob read ${(receiverRead / MiB).toFixed(2)} MiB`,
      );
      // Chunks come back from IndexedDB as Blobs (on disk), not as bytes in memory.
      expect(store.largestRead).to.be.at.most(16 * MiB);
      // The sender reads a window at a time, the receiver hashes slice by slice.
      expect(receiverRead).to.be.at.most(4 * MiB);
    } finally {
      Blob.prototype.arrayBuffer = arrayBuffer;
      await store.clear();
    }
  });
});
