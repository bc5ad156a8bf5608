// Interop: Alice in Chromium, Bob in Firefox ESR, each with the built bundle, meeting through
// a local PeerJS server. They become friends, chat both ways, Alice sends 4 MiB that Bob checks
// against its SHA-256, then Bob reloads his page: his history is there, the connection comes
// back by itself and both can still chat. Run after `npm run build`; exits non-zero with the
// step that failed. Every wait is bounded, and so is the whole run.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../tools/chromium.mjs';
import { firefoxLaunchOptions } from '../../tools/firefox.mjs';
import { startPeerServer } from '../../tools/peer-server.mjs';
import { startStaticServer } from '../../tools/static-server.mjs';

const watchdog = setTimeout(() => {
  console.error('interop: FAILED: the whole run took longer than 6 minutes');
  process.exit(1);
}, 6 * 60 * 1000);

const broker = await startPeerServer();
const web = await startStaticServer({ mounts: { '/': 'test/interop', '/dist/': 'dist' } });
const signaling = `peerjs://127.0.0.1:${broker.port}${broker.path}?key=${broker.key}`;
const userDataDir = mkdtempSync(join(tmpdir(), 'fc-interop-'));
const browsers = [];

/** A page in `browser` with one widget of `profile`, registered at the broker. */
async function open(browser, profile, name) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`${name}: page error: ${e.message}`));
  await page.goto(`http://127.0.0.1:${web.port}/page.html?profile=${profile}&signaling=${encodeURIComponent(signaling)}`);
  await online(page, name);
  return page;
}

async function online(page, name) {
  await until(page, () => window.w?.profileId && window.w.signalingState === 'online', `${name} is registered at the broker`);
}

const until = (page, predicate, what, timeout = 60000, arg) =>
  page.waitForFunction(predicate, { timeout, polling: 100 }, arg).catch(() => {
    throw new Error(`timed out waiting until ${what}`);
  });

/** Where each side stands, printed when a step fails: presence, each file's last progress, errors. */
async function report(pages) {
  for (const [name, page] of pages) {
    const state = await page
      .evaluate(() => ({
        signaling: window.w.signalingState,
        friends: window.w.friends.map((f) => `${f.state}/${f.presence}`),
        files: Object.values(Object.fromEntries(window.progress.map((p) => [p.id, `${p.id.slice(0, 8)} ${p.state} ${p.bytes}${p.reason ? ` (${p.reason})` : ''}`]))),
        errors: window.errorMessages,
      }))
      .catch((e) => ({ unreadable: e.message }));
    console.error(`interop: ${name}: ${JSON.stringify(state)}`);
  }
}

const say = (page, to, text) => page.evaluate((id, t) => window.w.sendMessage(id, t).then((m) => m.id), to, text);
const texts = (page) => page.evaluate(() => window.received.filter((m) => m.kind === 'text').map((m) => m.text));

let failed = false;
const pages = [];
try {
  const chromium = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, userDataDir, args: CHROMIUM_ARGS });
  browsers.push(chromium);
  const firefox = await puppeteer.launch(firefoxLaunchOptions());
  browsers.push(firefox);
  console.log(`interop: ${await chromium.version()} and ${await firefox.version()}`);
  const stamp = Date.now();
  const alice = await open(chromium, `alice-${stamp}`, 'Alice (Chromium)');
  let bob = await open(firefox, `bob-${stamp}`, 'Bob (Firefox)');
  pages.push(['Alice (Chromium)', alice], ['Bob (Firefox)', bob]);
  const aliceId = await alice.evaluate(() => window.w.profileId);
  const bobId = await bob.evaluate(() => window.w.profileId);

  // Befriend: Bob redeems Alice's invite, Alice accepts.
  const invite = await alice.evaluate(() => window.w.createInvite());
  await bob.evaluate((i) => window.w.addFriend(i), invite);
  await until(alice, () => window.w.friends.some((f) => f.state === 'incoming'), 'Alice sees Bob’s request');
  await alice.evaluate((id) => window.w.acceptFriend(id), bobId);
  const friendsOnline = (id) => window.w.friends.some((f) => f.id === id && f.state === 'friend' && f.presence === 'online');
  await until(bob, friendsOnline, 'Bob sees Alice as an online friend', 60000, aliceId);
  await until(alice, friendsOnline, 'Alice sees Bob as an online friend', 60000, bobId);
  console.log('interop: friends, connected Chromium ↔ Firefox');

  // Chat both ways.
  await say(alice, bobId, 'Hallo Bob, from Chromium');
  await say(bob, aliceId, 'Hallo Alice, from Firefox');
  await until(bob, () => window.received.some((m) => m.text === 'Hallo Bob, from Chromium'), 'Bob has Alice’s message');
  await until(alice, () => window.received.some((m) => m.text === 'Hallo Alice, from Firefox'), 'Alice has Bob’s message');
  console.log('interop: messages both ways');

  // 4 MiB from Chromium to Firefox, checked by its SHA-256 on both ends.
  const size = 4 * 1024 * 1024;
  const { fileId, digest } = await alice.evaluate(
    async (to, n) => {
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(n, i + 65536)));
      const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
      const message = await window.w.sendFile(to, new File([bytes], 'four-mib.bin', { type: 'application/octet-stream' }));
      return { fileId: message.id, digest: hex(await crypto.subtle.digest('SHA-256', bytes)) };
    },
    bobId,
    size,
  );
  // Bounded, and a transfer that ended otherwise fails at once, with its reason.
  const ended = (id) => window.progress.some((p) => p.id === id && ['done', 'failed', 'cancelled'].includes(p.state));
  await until(bob, ended, 'Bob’s transfer ends', 180000, fileId);
  const [end] = await bob.evaluate((id) => window.progress.filter((p) => p.id === id && p.state !== 'transferring' && p.state !== 'waiting'), fileId);
  assert.equal(end.state, 'done', `Bob’s transfer ended ${end.state}: ${end.reason}`);
  const got = await bob.evaluate(
    async (from, id) => {
      const file = await window.w.getFile(from, id);
      const hash = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
      return { name: file.name, size: file.size, digest: [...new Uint8Array(hash)].map((x) => x.toString(16).padStart(2, '0')).join('') };
    },
    aliceId,
    fileId,
  );
  assert.deepEqual(got, { name: 'four-mib.bin', size, digest });
  await until(alice, (id) => window.progress.some((p) => p.id === id && p.state === 'done'), 'Alice hears the file arrived', 60000, fileId);
  console.log('interop: 4 MiB Chromium → Firefox, SHA-256 matches');

  // Bob reloads: history from IndexedDB, the connection comes back, chat goes on both ways.
  await bob.reload();
  await online(bob, 'Bob (Firefox) after the reload');
  const history = await bob.evaluate((id) => window.w.history(id, { limit: 50 }).then((ms) => ms.map((m) => m.kind === 'file' ? `file:${m.file.name}` : m.text)), aliceId);
  assert.deepEqual(history, ['Hallo Bob, from Chromium', 'Hallo Alice, from Firefox', 'file:four-mib.bin']);
  await until(bob, friendsOnline, 'Bob is connected to Alice again after the reload', 90000, aliceId);
  await say(alice, bobId, 'still there after your reload?');
  await say(bob, aliceId, 'yes, reloaded in Firefox');
  await until(bob, () => window.received.some((m) => m.text === 'still there after your reload?'), 'Bob has Alice’s message after the reload');
  await until(alice, () => window.received.some((m) => m.text === 'yes, reloaded in Firefox'), 'Alice has Bob’s message after the reload');
  // Nothing arrived twice: the sync after the reload sends only what Bob lacked.
  assert.deepEqual(await texts(bob), ['still there after your reload?']);
  assert.deepEqual(await texts(alice), ['Hallo Alice, from Firefox', 'yes, reloaded in Firefox']);
  for (const [name, page] of [['Alice', alice], ['Bob', bob]]) assert.deepEqual(await page.evaluate(() => window.errors), [], `${name} saw errors`);
  console.log('interop: Chromium ↔ Firefox ok (friends, chat both ways, 4 MiB file, reload)');
} catch (error) {
  failed = true;
  console.error('interop: FAILED:', error.message);
  await report(pages);
} finally {
  clearTimeout(watchdog);
  await Promise.allSettled(browsers.map((b) => b.close()));
  await broker.stop();
  await web.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
