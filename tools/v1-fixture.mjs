// Makes test/fixtures/v1-stores.json: the stores of two friends as the first release
// (commit 8a93c9a, entry format 1, logs keyed by friend) wrote them, so the migration test
// opens real old data. Run once: `node tools/v1-fixture.mjs`; it checks out that commit
// into a temporary worktree, bundles a small driver with esbuild and runs it in Node.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const RELEASE = '8a93c9a';
const root = resolve(new URL('..', import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'fc-v1-'));
execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', join(dir, 'src'), RELEASE], { stdio: 'ignore' });
try {
  symlinkSync(join(root, 'node_modules'), join(dir, 'src', 'node_modules'));
  const driver = join(dir, 'src', 'driver.ts');
  writeFileSync(
    driver,
    `
import { LoopbackNetwork } from './src/transport/loopback/loopback-network.js';
import { MemoryStore } from './src/storage/memory-store.js';
import { befriend, startPeer } from './test/helpers/engine.js';
const network = new LoopbackNetwork({ seed: 3 });
const alice = await startPeer(network, new MemoryStore(), { displayName: () => 'Alice' });
const bob = await startPeer(network, new MemoryStore(), { displayName: () => 'Bob' });
await befriend(alice, bob);
for (let i = 0; i < 130; i++) {
  await alice.engine.sendMessage(bob.id, 'alice ' + i);
  if (i % 3 === 0) await bob.engine.sendMessage(alice.id, 'bob ' + i);
}
await bob.engine.sendMessage(alice.id, 'bob last');
const until = Date.now() + 10000;
while ((await alice.engine.count(bob.id)) !== (await bob.engine.count(alice.id)) || (await bob.engine.count(alice.id)) < 175) {
  if (Date.now() > until) throw new Error('no sync');
  await new Promise((r) => setTimeout(r, 20));
}
await bob.engine.markRead(alice.id);
await new Promise((r) => setTimeout(r, 300));
const dump = async (p) => {
  const out = {};
  for (const key of await p.store.keys()) out[key] = await p.store.get(key);
  return out;
};
const json = (v) => JSON.stringify(v, (k, x) => (x instanceof Uint8Array ? { $bytes: Buffer.from(x).toString('base64') } : x));
console.log(json({ release: '${RELEASE}', alice: { id: alice.id, store: await dump(alice) }, bob: { id: bob.id, store: await dump(bob) } }));
alice.engine.stop();
bob.engine.stop();
process.exit(0);
`,
  );
  const bundle = join(dir, 'driver.mjs');
  await build({ entryPoints: [driver], bundle: true, format: 'esm', platform: 'node', outfile: bundle, logLevel: 'error' });
  const out = execFileSync(process.execPath, [bundle], { maxBuffer: 64 << 20 }).toString();
  writeFileSync(join(root, 'test/fixtures/v1-stores.json'), out);
  console.log('wrote test/fixtures/v1-stores.json');
} finally {
  execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', join(dir, 'src')], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}
