import { expect } from '@esm-bundle/chai';
import { buildManifest } from '../../src/files/manifest.js';
import { encodePiece as piece } from '../../src/files/file-transfers.js';
import { createEntry } from '../../src/log/entry.js';
import { FrameType } from '../../src/session/frame.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { fromUtf8, utf8 } from '../../src/util/bytes.js';
import { waitUntil } from '../helpers/env.js';
import { befriend, goRogue, startPeer } from '../helpers/engine.js';
import { noise } from '../helpers/noise.js';

describe('a malicious friend sending files', function () {
  this.timeout(60000);

  it('cannot get a damaged, unknown or oversized file past the checks; the transfer fails with a reason', async () => {
    const network = new LoopbackNetwork({ seed: 31 });
    const alice = await startPeer(network);
    const bob = await startPeer(network);
    const mallory = await startPeer(network);
    await befriend(alice, bob);
    await befriend(alice, mallory);
    const { identity, c, signaling, connect } = await goRogue(network, alice, mallory);
    const session = await connect();
    const wants: { file: string; want: number[][] }[] = [];
    session.onFrame((type, body) => {
      if (type === FrameType.FileWant) wants.push(JSON.parse(fromUtf8(body)));
    });

    // A manifest whose sizes do not add up is refused with the entry.
    const real = await buildManifest(new Blob([noise(100_000, 4)]), 'photo.png');
    const lying = { ...real, size: 10_000_000 };
    const liar = await createEntry(identity, c, { seq: 1, prev: '', deps: [], clock: 100, ts: Date.now(), kind: 'file', body: JSON.stringify(lying) });
    session.send(FrameType.Entries, utf8(JSON.stringify({ c, entries: [liar] })));
    await waitUntil(() => alice.warnings.some((w) => /sizes do not add up/.test(w.detail)), 'the lying manifest is refused');
    expect(await alice.engine.count(mallory.id)).to.equal(0);

    // A well-formed manifest: Alice asks for the chunks, Mallory sends garbage instead.
    const entry = await createEntry(identity, c, { seq: 1, prev: '', deps: [], clock: 100, ts: Date.now(), kind: 'file', body: JSON.stringify(real) });
    session.send(FrameType.Entries, utf8(JSON.stringify({ c, entries: [entry] })));
    await waitUntil(() => wants.some((w) => w.file === entry.id), 'Alice asks for the chunks');
    expect(wants.find((w) => w.file === entry.id)!.want).to.deep.equal([[0, 2]]);
    // Out of range, and a file Alice never heard of: dropped and counted.
    session.send(FrameType.FileChunk, piece(entry.id, 7, 0, new Uint8Array(100)));
    session.send(FrameType.FileChunk, piece('ab'.repeat(32), 0, 0, new Uint8Array(100)));
    // Damaged chunks: the right size, the wrong bytes, again and again.
    for (let round = 0; round < 8; round++) {
      const junk = noise(65536, 100 + round);
      for (let offset = 0; offset < junk.length; offset += 16000) session.send(FrameType.FileChunk, piece(entry.id, 0, offset, junk.subarray(offset, offset + 16000)));
      await new Promise((r) => setTimeout(r, 30));
    }
    await waitUntil(() => alice.progress.some((p) => p.messageId === entry.id && p.state === 'failed'), 'the transfer fails');
    const failed = alice.progress.filter((p) => p.messageId === entry.id).at(-1)!;
    expect(failed.reason).to.equal('too many damaged chunks');
    const { dropped } = alice.engine.fileStats;
    expect(dropped.badChunks).to.equal(8);
    expect(dropped.outOfRange).to.equal(1);
    expect(dropped.unknownFile).to.equal(1);
    expect(await alice.engine.file(mallory.id, entry.id)).to.equal(undefined);
    // Nothing of the damaged chunks is left in Alice's store.
    expect((await alice.store.keys()).filter((k) => k.startsWith(`file:${entry.id}:`) && /:\d+$/.test(k))).to.deep.equal([]);
    // And Alice still chats with Bob.
    await alice.engine.sendMessage(bob.id, 'still fine');
    await waitUntil(() => bob.messages.some((m) => m.text === 'still fine'), 'Bob receives');
    session.close();
    signaling.close();
    for (const p of [alice, bob]) p.engine.stop();
  });
});
