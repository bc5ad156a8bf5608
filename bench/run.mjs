// `npm run bench`: each benchmark runs the widget and its baseline in the same run (at least
// three repetitions), prints a table with the medians, their ratio and the widget's
// min/median/max, checks the targets of the speed issue ("N of M targets met") and writes
// bench/results.json. `--quick` runs fewer repetitions of each, `--only=rtt,burst` some rows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tools/chromium.mjs';
import { startPeerServer } from '../tools/peer-server.mjs';
import { startMqttBroker } from '../tools/mqtt-broker.mjs';
import { startStaticServer } from '../tools/static-server.mjs';

execFileSync(process.execPath, ['node_modules/rollup/dist/bin/rollup', '-c', 'bench/rollup.config.mjs', '--silent'], { stdio: 'inherit' });
writeFileSync('bench/tmp/index.html', '<!doctype html><meta charset="utf-8"><script type="module" src="bench.js"></script>');

const broker = await startPeerServer();
const mqtt = await startMqttBroker();
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
/** `--only=file,connect` runs just those rows (and does not rewrite results.json unless `--write`). */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const wanted = (name) => !only || only.includes(name);
/** Every row is measured at least this often, so its spread means something. */
const REPEATS = 3;
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => {
  const s = sorted(xs);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const p95 = (xs) => {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
};
const sum = (xs) => xs.reduce((a, x) => a + x, 0);
const round = (x) => Math.round(x * 1000) / 1000;
const spread = (xs) => ({ min: round(Math.min(...xs)), median: round(median(xs)), max: round(Math.max(...xs)) });

/**
 * The targets of the speed issue (#19), checked against every run. `of` names the value
 * compared (the ratio, or the widget's own number), `max`/`min` the bound.
 */
const TARGETS = {
  handshake: { of: 'ratio', max: 5, text: '≤ 5 one-X25519 equivalents (≤ 1.5 ms on a quiet run)' },
  'message-rtt': { of: 'ratio', max: 2, text: 'ratio ≤ 2 against the bare PeerJS echo' },
  fybrr: { of: 'ratio', max: 2, text: 'ratio ≤ 2 against bare PeerJS' },
  burst: { of: 'widget', min: 5000, text: '≥ 5,000 msg/s, all in order' },
  'file-idb-one-tab': { of: 'ratio', min: 0.85, text: 'ratio ≥ 0.85' },
  'file-two-tabs': { of: 'ratio', min: 0.85, text: 'ratio ≥ 0.85' },
  connect: { of: 'ratio', max: 1.15, text: 'ratio ≤ 1.15' },
  'bundle-gzip': { of: 'widget', max: 95, text: '≤ 95 KB gzip' },
  lock: { of: 'ratio', max: 1.3, text: 'ratio ≤ 1.3 (lock on / off)' },
};

const rows = [];
/**
 * One row from its repetitions: `widget` and `baseline` are arrays of samples (one per
 * repetition), the row reports their medians, the ratio of the medians and the widget's
 * min/median/max. `target` is a key of TARGETS, `ok` an extra condition (e.g. "in order").
 */
function row(name, unit, widget, baseline, { target, ok = true, ...extra } = {}) {
  const w = median(widget);
  const b = median(baseline);
  const r = { name, unit, widget: round(w), baseline: round(b), ratio: round(w / b), n: widget.length, spread: spread(widget), baselineSpread: spread(baseline), ...extra };
  if (target) {
    const t = TARGETS[target];
    const value = t.of === 'ratio' ? r.ratio : r.widget;
    r.target = t.text;
    r.met = ok && (t.max === undefined || value <= t.max) && (t.min === undefined || value >= t.min);
  }
  rows.push(r);
  report(r);
}

/** Each row is printed as soon as it is measured, so a run that fails later still tells something. */
function report(r) {
  const sp = r.spread ? `  [${r.spread.min} / ${r.spread.median} / ${r.spread.max}]` : '';
  const met = r.met === undefined ? '' : r.met ? '  met' : '  missed';
  console.log(`${r.name}: ${r.widget} vs ${r.baseline} ${r.unit}, ratio ${r.ratio}${sp}${met}`);
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
  // One repetition (lock off, then on) per call: a call stays well inside the protocol timeout.
  const repeat = async (run) => {
    const out = { off: [], on: [] };
    for (let r = 0; r < runs; r++) {
      const one = await run();
      out.off.push(...one.off);
      out.on.push(...one.on);
    }
    return out;
  };
  // A first round warms the page up (its first open compiles the thread) and is not counted.
  await page.evaluate((bb) => window.benchLock.lockHistory(bb, 1), b);
  const hist = await repeat(() => page.evaluate((bb) => window.benchLock.lockHistory(bb, 1), b));
  row('lock history-100k first paint (median)', 'ms', hist.on, hist.off, { target: 'lock', baselineName: 'the same with the lock off' });
  const file = await repeat(() => page.evaluate((bb) => window.benchLock.lockFile(bb, 64, 1), b));
  row('lock file-64mib (median)', 'ms', file.on, file.off, { target: 'lock', baselineName: 'the same with the lock off' });
}

/** Groups (docs/groups.md): rows `group-5-fanout` and `group-rotation-20`; bench/group-bench.ts. */
async function groupRows(page, b) {
  const n = quick ? 20 : 200;
  if (wanted('group') || wanted('group-fanout')) {
    const fan = await page.evaluate((bb, count) => window.benchGroup.fanout(bb, count), b, n);
    row(`group-5-fanout (median of ${n})`, 'ms', fan.widget, fan.baseline, { baselineName: 'the same text as 4 one-to-one messages to the same 4 friends, same sessions' });
  }
  if (!wanted('group') && !wanted('group-rotation')) return;
  const rot = await page.evaluate((count) => window.benchGroup.rotation(count), REPEATS);
  row('group-rotation-20 (median)', 'ms', rot.widget, rot.baseline, {
    baselineName: 'a message without rotation, until the same members have it (in-memory network)',
    localMs: spread(rot.local),
    plainLocalMs: spread(rot.plainLocal),
  });
  console.log(`  Alice's own send: ${rot.local.map(round).join(', ')} ms with a new key for the rest, ${rot.plainLocal.map(round).join(', ')} ms without`);
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

  const reps = (full, fast) => (quick ? fast : full);

  if (wanted('handshake')) {
    const hs = await page.evaluate((n) => window.bench.handshake(n), reps(100, 30));
    row('handshake (median)', 'ms', hs.widget, hs.baseline, { target: 'handshake', baselineName: 'one bare X25519 (WebCrypto)', p95: round(p95(hs.widget)), native: hs.native });
  }

  if (wanted('rtt')) {
    const rtt = await page.evaluate((bb, n) => window.bench.roundTrips(bb, n), b, reps(100, 30));
    const channel = median(rtt.channel);
    row('message-rtt (median)', 'ms', rtt.widget, rtt.baseline, { target: 'message-rtt', baselineName: 'bare PeerJS echo', p95: round(p95(rtt.widget)), bareRtcDataChannel: round(channel), ratioToRtcDataChannel: round(median(rtt.widget) / channel) });
  }

  if (wanted('fybrr')) {
    const count = reps(500, 100);
    const totals = { widget: [], baseline: [] };
    for (let r = 0; r < REPEATS; r++) {
      const fy = await page.evaluate((bb, n) => window.bench.roundTrips(bb, n), b, count);
      totals.widget.push(sum(fy.widget) / 1000);
      totals.baseline.push(sum(fy.baseline) / 1000);
    }
    row(`fybrr-${count} (total)`, 's', totals.widget, totals.baseline, { target: 'fybrr', baselineName: 'bare PeerJS', perMessageMs: round((median(totals.widget) * 1000) / count) });
  }

  if (wanted('burst')) {
    const n = reps(10000, 2000);
    const perSecond = (ms) => n / (ms / 1000);
    const runs = { widget: [], baseline: [], inOrder: true, shown: [] };
    for (let r = 0; r < REPEATS; r++) {
      const bu = await page.evaluate((bb, count) => window.bench.burst(bb, count), b, n);
      runs.widget.push(perSecond(bu.widgetMs));
      runs.baseline.push(perSecond(bu.baselineMs));
      runs.inOrder &&= bu.inOrder;
      runs.shown.push(bu.shown);
    }
    row(`burst-${n / 1000}k`, 'msg/s', runs.widget, runs.baseline, { target: 'burst', ok: runs.inOrder, baselineName: 'bare PeerJS sends', inOrder: runs.inOrder, shownInThread: runs.shown });
    if (!runs.inOrder) console.error('burst: messages arrived out of order');
  }

  if (wanted('connect')) {
    const cn = await page.evaluate((bb, n) => window.bench.connect(bb, n), b, reps(10, 3));
    row('connect (median)', 'ms', cn.widget, cn.baseline, { target: 'connect', baselineName: 'bare PeerJS register+open' });
  }

  if (wanted('mqtt')) {
    const bm = { ...b, mqtt: mqtt.urls[0] };
    const cn = await page.evaluate((bb, n) => window.bench.connect(bb, n), bm, reps(10, 3));
    row('mqtt-connect (median)', 'ms', cn.widget, cn.baseline, { baselineName: 'bare PeerJS register+open (no target yet)' });
    const n = 1000;
    const mb = { widget: [], baseline: [] };
    for (let r = 0; r < REPEATS; r++) {
      const one = await page.evaluate((bb, count) => window.bench.mailbox(bb, count), bm, n);
      mb.widget.push(one.widget);
      mb.baseline.push(one.baseline);
    }
    row(`mailbox-${n} (drain)`, 'ms', mb.widget, mb.baseline, { baselineName: 'the same payloads, QoS 1, to a persistent MQTT session (MailboxClient over u8-mqtt)' });
  }

  if (wanted('history')) {
    const hist = await page.evaluate((bb, n) => window.bench.history(bb, n), b, REPEATS);
    row('history-100k open (median)', 'ms', hist.widget, hist.baseline, { baselineName: 'same with 100 messages' });
    row('history-100k heap (median)', 'MB', hist.heapWidget, hist.heapBaseline, { baselineName: 'same with 100 messages' });
  }

  if (wanted('memory')) {
    const n = reps(10000, 2000);
    const mem = { heap: [], idb: [], text: [] };
    for (let r = 0; r < REPEATS; r++) {
      const one = await page.evaluate((bb, count) => window.bench.memory(bb, count), b, n);
      mem.heap.push(one.heapMB);
      mem.idb.push(one.idbMB);
      mem.text.push(one.textMB);
    }
    row(`memory-${n / 1000}k heap`, 'MB', mem.heap, mem.text, { baselineName: 'the text typed (UTF-8 bytes)' });
    row(`memory-${n / 1000}k IndexedDB`, 'MB', mem.idb, mem.text, { baselineName: 'the text typed (UTF-8 bytes); both profiles, origin usage estimate' });
  }

  if (wanted('file')) {
    const fileMib = 64;
    const rate = (ms) => fileMib / (ms / 1000);
    const ft = await page.evaluate((bb, mib, n) => window.bench.fileTransfer(bb, mib, n), b, fileMib, REPEATS);
    const base = ft.baseline.map(rate);
    row('file-64mib one tab (median)', 'MiB/s', ft.widget.map(rate), base, { target: 'file-idb-one-tab', baselineName: 'raw RTCDataChannel, same bytes, same page' });
    row('file-64mib one tab memory (median)', 'MiB/s', ft.memory.map(rate), base, { baselineName: 'raw RTCDataChannel, same bytes, same page' });
    const tabs = { widget: [], baseline: [] };
    for (let r = 0; r < REPEATS; r++) {
      tabs.widget.push(rate(await twoTabs(b, fileMib)));
      tabs.baseline.push(rate(await twoTabsRaw(b, fileMib)));
    }
    row('file-64mib two tabs (median)', 'MiB/s', tabs.widget, tabs.baseline, { target: 'file-two-tabs', baselineName: 'raw PeerJS data channel between the same two tabs' });
  }

  if (wanted('lock')) await lockRows(page, b);
  if (wanted('group') || wanted('group-fanout') || wanted('group-rotation')) await groupRows(page, b);

  const bundle = readFileSync('dist/friends-chat.js');
  const gz = gzipSync(bundle, { level: 9 }).length;
  const br = brotliCompressSync(bundle, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  // Per-package share from the source map (tools/report.mjs, run by the build), gzip estimated in proportion.
  const shares = JSON.parse(readFileSync('dist/bundle-report.json', 'utf8'));
  const mapped = sum(Object.values(shares));
  const packages = Object.fromEntries(Object.entries(shares).map(([name, size]) => [name, { share: round(size / mapped), gzipKB: round((gz * size) / mapped / 1000) }]));
  rows.push({ name: 'bundle gzip', unit: 'KB', widget: round(gz / 1000), baseline: 95, ratio: round(gz / 1000 / 95), n: 1, baselineName: 'budget 95 KB', target: TARGETS['bundle-gzip'].text, met: gz / 1000 <= 95, packages });
  rows.push({ name: 'bundle brotli', unit: 'KB', widget: round(br / 1000), baseline: 95, ratio: round(br / 1000 / 95), n: 1, baselineName: 'budget 95 KB (gzip)' });

  const fmt = (x) => (Math.abs(x) >= 100 ? Math.round(x).toString() : x.toPrecision(3));
  console.table(
    rows.map(({ name, unit, widget, baseline, ratio, n, spread: sp, met }) => ({
      name,
      unit,
      widget: fmt(widget),
      baseline: fmt(baseline),
      ratio,
      'widget min / median / max': sp ? `${fmt(sp.min)} / ${fmt(sp.median)} / ${fmt(sp.max)}` : '',
      n,
      target: met === undefined ? '' : met ? 'met' : 'missed',
    })),
  );
  console.log('bundle share per package (≈ gzip KB):', Object.entries(packages).map(([k, v]) => `${k} ${v.gzipKB}`).join(', '));
  const checked = rows.filter((r) => r.met !== undefined);
  const met = checked.filter((r) => r.met);
  const summary = `${met.length} of ${checked.length} targets met`;
  console.log(summary + (checked.length > met.length ? ` (missed: ${checked.filter((r) => !r.met).map((r) => r.name).join(', ')})` : ''));
  const load = (await import('node:os')).loadavg().map(round);
  if (!only || process.argv.includes('--write')) {
    writeFileSync('bench/results.json', JSON.stringify({ date: new Date().toISOString(), quick, only: only ?? 'all', loadAverage: load, summary, rows }, null, 2) + '\n');
    console.log('wrote bench/results.json');
  }
} catch (error) {
  console.error('bench failed:', error);
  process.exitCode = 1;
} finally {
  await browser.close();
  await web.close();
  await broker.stop();
  await mqtt.close();
  rmSync(userDataDir, { recursive: true, force: true });
  process.exit(process.exitCode ?? 0);
}
