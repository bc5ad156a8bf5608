// `npm run test:hostile`, part 2: the network goes offline and comes back (DevTools network
// emulation), driven by puppeteer because the emulation would also cut web-test-runner's own
// connection to the page. Alice and Bob are two tabs with the built bundle and a local PeerJS
// server. Exits non-zero with a reason when an expectation fails.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../tools/chromium.mjs';
import { startPeerServer } from '../../tools/peer-server.mjs';
import { startStaticServer } from '../../tools/static-server.mjs';

const broker = await startPeerServer();
const web = await startStaticServer({ mounts: { '/dist/': 'dist' } });
const userDataDir = mkdtempSync(join(tmpdir(), 'fc-offline-'));
const browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, userDataDir, args: CHROMIUM_ARGS });
const signaling = `peerjs://127.0.0.1:${broker.port}${broker.path}?key=${broker.key}`;

/** A tab with one widget; `w` in the page is the element. */
async function tab(profile) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`${profile}: page error: ${e.message}`));
  // Any page of that origin will do (a 404 here); the widget is added by script.
  await page.goto(`http://127.0.0.1:${web.port}/dist/page`);
  await page.addScriptTag({ url: `http://127.0.0.1:${web.port}/dist/friends-chat.js`, type: 'module' });
  await page.evaluate(
    async (p, s) => {
      await customElements.whenDefined('friends-chat');
      const w = document.createElement('friends-chat');
      w.setAttribute('profile', p);
      w.setAttribute('signaling', s);
      w.setAttribute('ice-servers', '[]');
      window.received = [];
      window.states = [];
      w.addEventListener('friends-chat-message', (e) => window.received.push(e.message.text));
      document.body.append(w);
      window.w = w;
      await w.ready;
      const started = Date.now();
      while (w.signalingState !== 'online') {
        if (Date.now() - started > 30000) throw new Error('never registered');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    profile,
    signaling,
  );
  return page;
}

const until = (page, predicate, what, timeout = 30000, arg) =>
  page.waitForFunction(predicate, { timeout, polling: 100 }, arg).catch(() => {
    throw new Error(`timed out waiting until ${what}`);
  });

let failed = false;
try {
  const alice = await tab(`alice-${Date.now()}`);
  const bob = await tab(`bob-${Date.now()}`);
  const invite = await alice.evaluate(() => window.w.createInvite());
  await bob.evaluate((i) => window.w.addFriend(i), invite);
  await until(alice, () => window.w.friends.some((f) => f.state === 'incoming'), 'Alice sees the request');
  await alice.evaluate(() => window.w.acceptFriend(window.w.friends[0].id));
  await until(bob, () => window.w.friends.some((f) => f.state === 'friend' && f.presence === 'online'), 'friends and online');
  const bobId = await bob.evaluate(() => window.w.profileId);

  // Bob's network goes away: his page sees it, his broker connection drops.
  await bob.setOfflineMode(true);
  assert.equal(await bob.evaluate(() => navigator.onLine), false);
  await until(bob, () => window.w.signalingState !== 'online', 'Bob’s broker connection notices', 30000);
  const sent = [];
  for (let i = 0; i < 10; i++) sent.push(await alice.evaluate((id, t) => window.w.sendMessage(id, t).then((m) => m.text), bobId, `while Bob is offline ${i}`));

  // The network comes back: Bob registers again by himself and has every message, once, in order.
  await bob.setOfflineMode(false);
  await until(bob, () => window.w.signalingState === 'online', 'Bob is registered again', 60000);
  await until(bob, (n) => window.received.length >= n, 'Bob has all ten', 60000, sent.length);
  await new Promise((r) => setTimeout(r, 1000));
  assert.deepEqual(await bob.evaluate(() => window.received), sent);
  console.log('offline/online: ok (10 messages, once each, in order; Bob registered again by himself)');
} catch (error) {
  failed = true;
  console.error('offline/online: FAILED:', error.message);
} finally {
  await browser.close();
  await broker.stop();
  await web.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
