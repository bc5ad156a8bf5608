// Ad-hoc profiling of the file path: `node bench/profile-file.mjs` after a bench build
// (BENCH_NO_MINIFY=1 keeps names). Alice and Bob in two tabs send 16 MiB; prints each tab's
// top self times.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tools/chromium.mjs';
import { startPeerServer } from '../tools/peer-server.mjs';
import { startStaticServer } from '../tools/static-server.mjs';

const broker = await startPeerServer();
const web = await startStaticServer({ mounts: { '/': 'bench/tmp' } });
const browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, userDataDir: mkdtempSync(join(tmpdir(), 'fc-prof-')), args: CHROMIUM_ARGS, protocolTimeout: 600000 });
const b = { host: '127.0.0.1', port: broker.port, path: broker.path, key: broker.key };
const pages = [await browser.newPage(), await browser.newPage()];
for (const p of pages) {
  await p.goto(`http://127.0.0.1:${web.port}/`);
  await p.waitForFunction(() => !!window.tab);
}
const [alice, bob] = pages;
await alice.evaluate((bb) => window.tab.mount(bb, 'indexeddb'), b);
await bob.evaluate((bb) => window.tab.mount(bb, 'indexeddb'), b);
const invite = await alice.evaluate(() => window.tab.invite());
await bob.evaluate((i) => window.tab.add(i), invite);
await alice.evaluate(() => window.tab.accept());
await Promise.all([alice.evaluate(() => window.tab.online()), bob.evaluate(() => window.tab.online())]);
const sessions = [];
for (const p of pages) {
  const cdp = await p.createCDPSession();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  sessions.push(cdp);
}
await bob.evaluate(() => window.tab.arm());
const { start } = await alice.evaluate(() => window.tab.send(16));
const end = await bob.evaluate(() => window.tab.done());
console.log('16 MiB in', Math.round(end - start), 'ms');
for (const [i, cdp] of sessions.entries()) {
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, k) => {
    const n = byId.get(id);
    const key = `${n.callFrame.functionName || '(anon)'} :${n.callFrame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[k] ?? 0));
  });
  console.log(i ? '--- Bob' : '--- Alice');
  for (const [k, us] of [...self].sort((x, y) => y[1] - x[1]).slice(0, 12)) console.log((us / 1000).toFixed(0).padStart(7), k);
}
await browser.close();
process.exit(0);
