// Ad-hoc: CPU profile of one widget file transfer (storage=memory), top self times.
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
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${web.port}/`);
await page.waitForFunction(() => !!window.bench);
const b = { host: '127.0.0.1', port: broker.port, path: broker.path, key: broker.key };
const cdp = await page.createCDPSession();
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
const t = await page.evaluate((bb) => window.bench.fileTransfer(bb, 16, 1), b);
const { profile } = await cdp.send('Profiler.stop');
console.log(t);
const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas;
const counts = new Map();
profile.samples.forEach((id, i) => counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)));
for (const [id, us] of counts) {
  const n = byId.get(id);
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + us);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log('total ms', (total / 1000).toFixed(0));
for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((us / 1000).toFixed(0).padStart(7), k);
await browser.close();
process.exit(0);
