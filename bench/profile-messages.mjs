// Ad-hoc profiling of the message path: `node bench/profile-messages.mjs [burst|rtt] [count]`
// after a bench build (BENCH_NO_MINIFY=1 keeps names). Alice and Bob in one page; prints
// the row's own result and the top self times (the page's main thread) while it runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tools/chromium.mjs';
import { startPeerServer } from '../tools/peer-server.mjs';
import { startStaticServer } from '../tools/static-server.mjs';

const [kind = 'burst', countText] = process.argv.slice(2);
const count = Number(countText ?? (kind === 'burst' ? 2000 : 200));
const broker = await startPeerServer();
const web = await startStaticServer({ mounts: { '/': 'bench/tmp' } });
const browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, userDataDir: mkdtempSync(join(tmpdir(), 'fc-prof-')), args: CHROMIUM_ARGS, protocolTimeout: 600000 });
const b = { host: '127.0.0.1', port: broker.port, path: broker.path, key: broker.key };
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${web.port}/`);
await page.waitForFunction(() => !!window.bench);
const cdp = await page.createCDPSession();
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
const t0 = Date.now();
const result = await page.evaluate((bb, k, n) => (k === 'burst' ? window.bench.burst(bb, n) : window.bench.roundTrips(bb, n)), b, kind, count);
const wall = Date.now() - t0;
const { profile } = await cdp.send('Profiler.stop');
if (kind === 'burst') console.log(`burst ${count}: widget ${Math.round(result.widgetMs)} ms (${Math.round(count / (result.widgetMs / 1000))} msg/s), baseline ${Math.round(result.baselineMs)} ms`);
else {
  const med = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  console.log(`rtt ${count}: widget median ${med(result.widget).toFixed(2)} ms, PeerJS ${med(result.baseline).toFixed(2)} ms, channel ${med(result.channel).toFixed(2)} ms`);
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, k) => {
  const n = byId.get(id);
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
  const us = profile.timeDeltas[k] ?? 0;
  total += us;
  self.set(key, (self.get(key) ?? 0) + us);
});
console.log(`profile over ${wall} ms (samples ${Math.round(total / 1000)} ms):`);
for (const [k, us] of [...self].sort((x, y) => y[1] - x[1]).slice(0, 25)) console.log((us / 1000).toFixed(0).padStart(7), k);
await browser.close();
process.exit(0);
