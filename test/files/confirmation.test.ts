import { expect } from '@esm-bundle/chai';
import { FrameType } from '../../src/session/frame.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { utf8 } from '../../src/util/bytes.js';
import { waitUntil } from '../helpers/env.js';
import { noise } from '../helpers/noise.js';
import { connect, fileSide, last, offer } from './harness.js';

/**
 * The receiver's last word on a file ("I have it all") is the only way the sender learns it
 * arrived. If the link dies as that frame leaves, the next session must carry it again:
 * otherwise the sender shows the file as under way for good.
 */
describe('the arrival of a file when its confirmation is lost', function () {
  this.timeout(60000);

  it('reaches the sender over the next session, and only once', async () => {
    const size = 300 * 1024 + 5;
    let cut: () => void = () => {};
    let lost = 0;
    const alice = fileSide();
    const bob = fileSide(new MemoryStore(), {
      send: (session, type, value) => {
        const want = value as { want?: unknown[]; have?: number };
        if (type === FrameType.FileWant && want.have === size && want.want?.length === 0 && lost++ === 0) {
          // The link dies just as Bob's confirmation leaves: it never reaches Alice.
          cut();
          return false;
        }
        if (!session || session.closed) return false;
        session.send(type, utf8(JSON.stringify(value)));
        return true;
      },
    });
    cut = await connect(alice, bob);
    const { id } = await offer(alice, bob, new Blob([noise(size, 3)]));
    await waitUntil(() => last(bob, id)?.state === 'done', 'Bob has the file', 20000);
    expect(lost).to.equal(1);
    expect(last(alice, id)?.state).to.equal('transferring');

    cut = await connect(alice, bob);
    // A hang detector, not a speed limit: the next session's beats come every 100 ms.
    await waitUntil(() => last(alice, id)?.state === 'done', 'Alice hears the file arrived', 20000);
    cut();
    // Later sessions repeat the confirmation; Alice reports the arrival once.
    cut = await connect(alice, bob);
    await new Promise((r) => setTimeout(r, 300));
    cut();
    expect(alice.progress.filter((p) => p.messageId === id && p.state === 'done')).to.have.length(1);
    expect(alice.errors).to.deep.equal([]);
    expect(bob.errors).to.deep.equal([]);
  });
});
