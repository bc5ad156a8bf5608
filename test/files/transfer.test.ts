import { expect } from '@esm-bundle/chai';
import { buildManifest, chunkSizeFor, parseManifest, safeFileName, sniffMedia } from '../../src/files/manifest.js';
import { sha256 } from '../../src/crypto/index.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { toHex } from '../../src/util/bytes.js';
import { waitUntil } from '../helpers/env.js';
import { befriend, startPeer, type TestPeer } from '../helpers/engine.js';
import { noise } from '../helpers/noise.js';

async function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

function lastProgress(peer: TestPeer, id: string) {
  return peer.progress.filter((p) => p.messageId === id).at(-1);
}

describe('file manifests', () => {
  it('hash every chunk and the whole, with a chunk size that keeps the manifest small', async () => {
    const data = noise(200_000, 3);
    const manifest = await buildManifest(new Blob([data], { type: 'Text/Plain' }), '../etc/passwd');
    expect(manifest.sha256).to.equal(toHex(sha256(data)));
    expect(manifest.chunkSize).to.equal(64 * 1024);
    expect(manifest.name).to.equal('passwd');
    expect(manifest.type).to.equal('text/plain');
    expect(parseManifest(JSON.stringify(manifest))).to.deep.equal(manifest);
    expect(chunkSizeFor(64 * 1024 * 1024)).to.equal(64 * 1024);
    expect(chunkSizeFor(1024 ** 3)).to.equal(1024 * 1024);
  });

  it('refuse manifests whose sizes do not add up or whose names are unsafe', async () => {
    const good = await buildManifest(new Blob([noise(100_000)]), 'a.bin');
    const bad = (change: Record<string, unknown>) => () => parseManifest(JSON.stringify({ ...good, ...change }));
    expect(bad({ size: 10_000_000 })).to.throw(/do not add up/);
    expect(bad({ chunkSize: 100_000 })).to.throw(/power of two/);
    expect(bad({ name: 'evil\u202Etxt.exe' })).to.throw(/unsafe/);
    expect(bad({ extra: 1 })).to.throw(/no such field/);
    expect(bad({ chunks: good.chunks.slice(4) })).to.throw();
  });

  it('make names safe: no path, no bidi or control characters, capped with the extension kept', () => {
    expect(safeFileName('C:\\Users\\me\\photo.png')).to.equal('photo.png');
    expect(safeFileName('\u202Egnp.exe')).to.equal('gnp.exe');
    expect(safeFileName('a\u0000b\u2066c.txt')).to.equal('abc.txt');
    expect(safeFileName('...')).to.equal('file');
    const long = safeFileName(`${'x'.repeat(300)}.jpeg`);
    expect(long.length).to.equal(120);
    expect(long.endsWith('….jpeg')).to.equal(true);
  });

  it('show media inline only when the magic bytes say so', () => {
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0);
    expect(sniffMedia(png)).to.deep.equal({ kind: 'image', type: 'image/png' });
    expect(sniffMedia(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg">'))).to.equal(null);
    expect(sniffMedia(new TextEncoder().encode('<!doctype html><script>'))).to.equal(null);
    expect(sniffMedia(Uint8Array.of(0x1a, 0x45, 0xdf, 0xa3, 1))).to.deep.equal({ kind: 'video', type: 'video/webm' });
  });
});

describe('file transfer between engines', function () {
  this.timeout(120000);

  it('sends a file that arrives intact, with progress on both sides', async () => {
    const network = new LoopbackNetwork({ seed: 5 });
    const alice = await startPeer(network);
    const bob = await startPeer(network);
    await befriend(alice, bob);
    const data = noise(3 * 1024 * 1024 + 17, 9);
    const sent = await alice.engine.sendFile(bob.id, new Blob([data], { type: 'application/x-test' }), 'data.bin');
    expect(sent.kind).to.equal('file');
    expect(sent.file!.name).to.equal('data.bin');
    await waitUntil(() => lastProgress(bob, sent.id)?.state === 'done', 'Bob has the file');
    await waitUntil(() => lastProgress(alice, sent.id)?.state === 'done', 'Alice hears it arrived');
    const received = await bob.engine.file(alice.id, sent.id);
    expect(toHex(sha256(await bytesOf(received!.blob)))).to.equal(toHex(sha256(data)));
    const bobSteps = bob.progress.filter((p) => p.messageId === sent.id && p.state === 'transferring').map((p) => p.bytes);
    expect(bobSteps.length).to.be.greaterThan(10);
    expect(bobSteps).to.deep.equal([...bobSteps].sort((a, b) => a - b));
    const incoming = bob.messages.find((m) => m.id === sent.id)!;
    expect(incoming.file).to.include({ name: 'data.bin', size: data.length, type: 'application/x-test' });
    const [history] = await bob.engine.history(alice.id);
    expect(history!.file!.state).to.equal('done');
    expect(alice.engine.fileStats.sent.bytes).to.equal(data.length);
  });

  it('resumes a transfer cut at half and re-sends less than 10 %', async () => {
    const network = new LoopbackNetwork({ seed: 6 });
    const bobStore = new MemoryStore();
    const alice = await startPeer(network);
    let bob = await startPeer(network, bobStore);
    await befriend(alice, bob);
    const size = 16 * 1024 * 1024;
    const data = noise(size, 11);
    const sent = await alice.engine.sendFile(bob.id, new Blob([data]), 'big.bin');
    await waitUntil(() => (lastProgress(bob, sent.id)?.bytes ?? 0) >= size / 2, 'half of it arrived', 60000);
    // Bob's tab goes away mid-transfer, and comes back with the same storage.
    bob.engine.stop();
    network.crash(bob.engine.identity.rendezvousId);
    const half = lastProgress(bob, sent.id)!.bytes;
    expect(half).to.be.lessThan(size);
    bob = await startPeer(network, bobStore);
    await waitUntil(() => lastProgress(bob, sent.id)?.state === 'done', 'Bob has the file after resuming', 60000);
    const received = await bob.engine.file(alice.id, sent.id);
    expect(toHex(sha256(await bytesOf(received!.blob)))).to.equal(toHex(sha256(data)));
    const resent = alice.engine.fileStats.sent.bytes - size;
    console.log(`resume after a cut at ${((100 * half) / size).toFixed(0)} %: ${((100 * resent) / size).toFixed(2)} % of the file sent twice`);
    expect(resent / size).to.be.lessThan(0.1);
    // Once assembled, the chunks are gone from the store; the file is kept whole.
    const keys = await bobStore.keys();
    expect(keys.filter((k) => k.startsWith(`file:${sent.id}:`)).sort()).to.deep.equal([`file:${sent.id}:data`, `file:${sent.id}:meta`]);
  });

  it('cancels on either side and tells the other', async () => {
    const network = new LoopbackNetwork({ seed: 7 });
    const alice = await startPeer(network);
    const bob = await startPeer(network);
    await befriend(alice, bob);
    // Bob stays offline so the transfer cannot finish before the cancel.
    network.partition(alice.engine.identity.rendezvousId, bob.engine.identity.rendezvousId);
    await waitUntil(() => alice.engine.presence(bob.id) === 'offline', 'Bob offline');
    const first = await alice.engine.sendFile(bob.id, new Blob([noise(500_000)]), 'one.bin');
    const second = await alice.engine.sendFile(bob.id, new Blob([noise(500_000, 2)]), 'two.bin');
    await alice.engine.cancelFile(bob.id, first.id);
    expect(lastProgress(alice, first.id)!.state).to.equal('cancelled');
    network.heal();
    // The friend asks for the cancelled file and is told; the other one arrives.
    await waitUntil(() => lastProgress(bob, second.id)?.state === 'done', 'second file arrives');
    await waitUntil(() => lastProgress(bob, first.id)?.state === 'cancelled', 'Bob sees the first cancelled');
    expect(lastProgress(bob, first.id)!.reason).to.equal('cancelled by your friend');
    expect(await bob.engine.file(alice.id, first.id)).to.equal(undefined);
  });

  it('sends an empty file', async () => {
    const network = new LoopbackNetwork({ seed: 9 });
    const alice = await startPeer(network);
    const bob = await startPeer(network);
    await befriend(alice, bob);
    const sent = await alice.engine.sendFile(bob.id, new Blob([]), 'empty.txt');
    await waitUntil(() => lastProgress(bob, sent.id)?.state === 'done' && lastProgress(alice, sent.id)?.state === 'done', 'both sides done');
    expect((await bob.engine.file(alice.id, sent.id))!.blob.size).to.equal(0);
  });

  it('refuses files above max-file-size on both sides', async () => {
    const network = new LoopbackNetwork({ seed: 8 });
    const alice = await startPeer(network, new MemoryStore(), { maxFileSize: () => 100_000 });
    const bob = await startPeer(network, new MemoryStore(), { maxFileSize: () => 50_000 });
    await befriend(alice, bob);
    let error: unknown;
    await alice.engine.sendFile(bob.id, new Blob([new Uint8Array(100_001)])).catch((e) => (error = e));
    expect((error as { code?: string }).code).to.equal('file-too-large');
    const sent = await alice.engine.sendFile(bob.id, new Blob([new Uint8Array(60_000)]), 'x.bin');
    await waitUntil(() => lastProgress(bob, sent.id)?.state === 'failed', 'Bob refuses it');
    expect(lastProgress(bob, sent.id)!.reason).to.equal('too large');
    await waitUntil(() => lastProgress(alice, sent.id)?.state === 'cancelled', 'Alice is told');
    expect(lastProgress(alice, sent.id)!.reason).to.equal('too large');
  });
});
