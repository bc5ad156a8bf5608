// The README's first command as a newcomer meets it, after the build: the demo server prints
// exactly one URL, and at that URL Alice and Bob become friends and chat, in Chromium and in
// Firefox. Writes a screenshot per browser (into $FC_SHOTS or the temp directory). Exits
// non-zero with the step that failed; bounded in time.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';
import { firefoxLaunchOptions } from './firefox.mjs';

const watchdog = setTimeout(() => {
  console.error('demo: FAILED: took longer than 4 minutes');
  process.exit(1);
}, 4 * 60 * 1000);
const shots = process.env.FC_SHOTS || tmpdir();
const server = spawn(process.execPath, ['tools/serve-demo.mjs'], { env: { ...process.env, PORT: '0', PEER_PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });

/** What the server prints until it has printed its hint line (the one after the URL). */
const printed = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (chunk) => {
    out += chunk;
    if (/Ctrl-C stops/.test(out)) resolve(out);
  });
  server.on('exit', (code) => reject(new Error(`the demo server exited (${code}) before printing its URL:\n${out}`)));
});

/** In the demo page: Alice invites Bob, he asks, she accepts, she writes; Bob's thread shows it. */
async function chat(page) {
  await page.waitForFunction(() => [...document.querySelectorAll('friends-chat')].every((el) => el.signalingState === 'online'), { timeout: 60000, polling: 200 });
  await page.evaluate(async () => {
    const [alice, bob] = document.querySelectorAll('friends-chat');
    const until = async (f, what) => {
      for (let i = 0; !f(); i++) {
        if (i > 600) throw new Error(`timed out waiting until ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await bob.addFriend(await alice.createInvite(), 'Hi Alice, it is Bob');
    await until(() => alice.friends.some((f) => f.state === 'incoming'), 'Alice sees the request');
    await alice.acceptFriend(bob.profileId);
    await until(() => bob.friends.some((f) => f.state === 'friend' && f.presence === 'online'), 'they are connected friends');
    await alice.sendMessage(bob.profileId, 'Hallo Bob, this is the demo');
    await bob.open(alice.profileId);
    await alice.open(bob.profileId);
    const shown = () => bob.shadowRoot.querySelector('friends-chat-thread')?.shadowRoot?.textContent?.includes('Hallo Bob, this is the demo');
    await until(shown, 'Bob’s thread shows Alice’s message');
  });
}

let failed = false;
const browsers = [];
const userDataDir = mkdtempSync(join(tmpdir(), 'fc-demo-'));
try {
  const urls = printed.match(/\b[a-z]+:\/\/\S+/g) ?? [];
  assert.equal(urls.length, 1, `the demo server must print one URL, printed:\n${printed}`);
  const url = urls[0];
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  console.log(`demo: prints one URL (${url})`);
  const launches = {
    chromium: () => puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, userDataDir, args: CHROMIUM_ARGS }),
    firefox: () => puppeteer.launch(firefoxLaunchOptions()),
  };
  for (const [name, launch] of Object.entries(launches)) {
    const browser = await launch();
    browsers.push(browser);
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewport({ width: 1200, height: 900 });
    await page.goto(url);
    await chat(page).catch((e) => {
      throw new Error(`${name}: ${e.message}`);
    });
    const path = join(shots, `friends-chat-demo-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    assert.deepEqual(errors, [], `${name}: errors in the page`);
    console.log(`demo: works in ${name} (${await browser.version()}), screenshot ${path}`);
    await browser.close();
  }
} catch (error) {
  failed = true;
  console.error('demo: FAILED:', error.message);
} finally {
  clearTimeout(watchdog);
  await Promise.allSettled(browsers.map((b) => b.close()));
  server.kill('SIGTERM');
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
