// `npm run bench`: each benchmark runs the widget and its baseline in the same run, prints a
// table with median and p95, and writes bench/results.json ({name, unit, widget, baseline, ratio, n}).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tools/chromium.mjs';
import { startPeerServer } from '../tools/peer-server.mjs';
import { startStaticServer } from '../tools/static-server.mjs';

execFileSync(process.execPath, ['node_modules/rollup/dist/bin/rollup', '-c', 'bench/rollup.config.mjs', '--silent'], { stdio: 'inherit' });
writeFileSync('bench/tmp/index.html', '<!doctype html><meta charset="utf-8"><script type="module" src="bench.js"></script>');

const broker = await startPeerServer();
const web = await startStaticServer({ mounts: { '/': 'bench/tmp' } });
const userDataDir = mkdtempSync(join(tmpdir(), 'fc-bench-'));
const browser = await puppeteer.launch({
  executablePath: CHROMIUM_PATH,
  headless: true,
  userDataDir,
  args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc', '--enable-precise-memory-info'],
  protocolTimeout: 600000,
});
const quick = process.argv.includes('--quick');
/** `--only=file,connect` runs just those rows (and does not rewrite results.json). */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const wanted = (name) => !only || only.includes(name);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};
const p95 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
};
const round = (x) => Math.round(x * 1000) / 1000;
const rows = [];
function row(name, unit, widget, baseline, extra = {}) {
  rows.push({ name, unit, widget: round(widget), baseline: round(baseline), ratio: round(widget / baseline), ...extra });
}

/** Two pages (two renderer processes, as two devices): Alice sends Bob a file; ms until Bob has it verified. */
async function twoTabs(b, mib) {
  const [alice, bob] = await tabPages();
  await alice.evaluate((bb) => window.tab.mount(bb, 'indexeddb'), b);
  await bob.evaluate((bb) => window.tab.mount(bb, 'indexeddb'), b);
  const invite = await alice.evaluate(() => window.tab.invite());
  await bob.evaluate((i) => window.tab.add(i), invite);
  await alice.evaluate(() => window.tab.accept());
  await Promise.all([alice.evaluate(() => window.tab.online()), bob.evaluate(() => window.tab.online())]);
  await bob.evaluate(() => window.tab.arm());
  const { start } = await alice.evaluate((m) => window.tab.send(m), mib);
  const end = await bob.evaluate(() => window.tab.done());
  await Promise.all([alice.close(), bob.close()]);
  return end - start;
}

async function twoTabsRaw(b, mib) {
  const [alice, bob] = await tabPages();
  const id = `rawtab${Date.now()}`;
  await bob.evaluate((bb, i, size) => window.tab.rawReceive(bb, i, size), b, id, mib * 1024 * 1024);
  const start = await alice.evaluate((bb, i, m) => window.tab.rawSend(bb, i, m), b, id, mib);
  const end = await bob.evaluate(() => window.tab.rawDone());
  await Promise.all([alice.close(), bob.close()]);
  return end - start;
}

/** Storage lock on vs off (docs/storage-lock.md): rows `lock history-100k` and `lock file-64mib`; bench/lock-bench.ts. */
async function lockRows(page, b) {
  const runs = quick ? 1 : 3;
  const hist = await page.evaluate((bb, n) => window.benchLock.lockHistory(bb, n), b, runs);
  row('lock history-100k first paint (median)', 'ms', median(hist.on), median(hist.off), { n: hist.on.length, baselineName: 'the same with the lock off' });
  const file = await page.evaluate((bb, n) => window.benchLock.lockFile(bb, 64, n), b, runs);
  row('lock file-64mib (median)', 'ms', median(file.on), median(file.off), { n: file.on.length, baselineName: 'the same with the lock off' });
}

async function tabPages() {
  const pages = [await browser.newPage(), await browser.newPage()];
  for (const p of pages) {
    p.on('pageerror', (e) => console.error('page error:', e.message));
    await p.goto(`http://127.0.0.1:${web.port}/`);
    await p.waitForFunction(() => !!window.tab);
  }
  return pages;
}

try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${web.port}/`);
  await page.waitForFunction(() => !!window.bench);
  const b = { host: '127.0.0.1', port: broker.port, path: broker.path, key: broker.key };

  if (wanted('handshake')) {
    const hs = await page.evaluate((n) => window.bench.handshake(n), quick ? 20 : 100);
    row('handshake (median)', 'ms', median(hs.widget), median(hs.baseline), { n: hs.widget.length, baselineName: 'one bare x25519', p95: round(p95(hs.widget)) });
  }

  if (wanted('rtt')) {
    const rtt = await page.evaluate((bb, n) => window.bench.roundTrips(bb, n), b, quick ? 20 : 100);
    row('message-rtt (median)', 'ms', median(rtt.widget), median(rtt.baseline), { n: rtt.widget.length, baselineName: 'bare PeerJS echo', p95: round(p95(rtt.widget)), bareRtcDataChannel: round(median(rtt.channel)) });
  }

  if (wanted('fybrr')) {
    const fy = await page.evaluate((bb, n) => window.bench.roundTrips(bb, n), b, quick ? 50 : 500);
    const sum = (xs) => xs.reduce((a, x) => a + x, 0);
    row('fybrr-500 (total)', 's', sum(fy.widget) / 1000, sum(fy.baseline) / 1000, { n: fy.widget.length, baselineName: 'bare PeerJS', perMessageMs: round(sum(fy.widget) / fy.widget.length) });
  }

  if (wanted('burst')) {
    const n = quick ? 2000 : 10000;
    const bu = await page.evaluate((bb, count) => window.bench.burst(bb, count), b, n);
    const perSecond = (ms) => n / (ms / 1000);
    row(`burst-${n / 1000}k`, 'msg/s', perSecond(bu.widgetMs), perSecond(bu.baselineMs), { n, baselineName: 'bare PeerJS sends', inOrder: bu.inOrder, shownInThread: bu.shown });
    if (!bu.inOrder) console.error('burst: messages arrived out of order');
  }

  if (wanted('connect')) {
    const cn = await page.evaluate((bb, n) => window.bench.connect(bb, n), b, quick ? 3 : 10);
    row('connect (median)', 'ms', median(cn.widget), median(cn.baseline), { n: cn.widget.length, baselineName: 'bare PeerJS register+open' });
  }

  if (wanted('history')) {
    const hist = await page.evaluate((bb, n) => window.bench.history(bb, n), b, quick ? 1 : 3);
    row('history-100k open (median)', 'ms', median(hist.widget), median(hist.baseline), { n: hist.widget.length, baselineName: 'same with 100 messages' });
    row('history-100k heap (median)', 'MB', median(hist.heapWidget), median(hist.heapBaseline), { n: hist.heapWidget.length, baselineName: 'same with 100 messages' });
  }

  if (wanted('file')) {
    const fileMib = 64;
    const rate = (ms) => fileMib / (ms / 1000);
    const ft = await page.evaluate((bb, mib, n) => window.bench.fileTransfer(bb, mib, n), b, fileMib, quick ? 1 : 3);
    row('file-64mib one tab (median)', 'MiB/s', rate(median(ft.widget)), rate(median(ft.baseline)), { n: ft.widget.length, baselineName: 'raw RTCDataChannel, same bytes, same page' });
    row('file-64mib one tab memory (median)', 'MiB/s', rate(median(ft.memory)), rate(median(ft.baseline)), { n: ft.memory.length, baselineName: 'raw RTCDataChannel, same bytes, same page' });
    const tabs = { widget: [], baseline: [] };
    for (let r = 0; r < (quick ? 1 : 3); r++) {
      tabs.widget.push(await twoTabs(b, fileMib));
      tabs.baseline.push(await twoTabsRaw(b, fileMib));
    }
    row('file-64mib two tabs (median)', 'MiB/s', rate(median(tabs.widget)), rate(median(tabs.baseline)), { n: tabs.widget.length, baselineName: 'raw PeerJS data channel between the same two tabs' });
  }

  if (wanted('lock')) await lockRows(page, b);

  const bundle = readFileSync('dist/friends-chat.js');
  const gz = gzipSync(bundle, { level: 9 }).length;
  const br = brotliCompressSync(bundle, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  rows.push({ name: 'bundle gzip', unit: 'KB', widget: round(gz / 1000), baseline: 90, ratio: round(gz / 1000 / 90), n: 1, baselineName: 'target 90 KB' });
  rows.push({ name: 'bundle brotli', unit: 'KB', widget: round(br / 1000), baseline: 90, ratio: round(br / 1000 / 90), n: 1, baselineName: 'target 90 KB' });

  console.table(rows.map(({ name, unit, widget, baseline, ratio, n }) => ({ name, unit, widget, baseline, ratio, n })));
  if (!only) {
    writeFileSync('bench/results.json', JSON.stringify({ date: new Date().toISOString(), rows }, null, 2) + '\n');
    console.log('wrote bench/results.json');
  }
} finally {
  await browser.close();
  await web.close();
  await broker.stop();
  rmSync(userDataDir, { recursive: true, force: true });
  process.exit(0);
}
