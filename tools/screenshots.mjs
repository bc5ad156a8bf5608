// `npm run screenshots`: the demo in light and dark, wide and narrow, into docs/.
// Starts the local PeerJS server and demo server, makes Alice and Bob friends, chats.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';
import { startPeerServer } from './peer-server.mjs';
import { startStaticServer } from './static-server.mjs';

const broker = await startPeerServer();
const signaling = `peerjs://127.0.0.1:${broker.port}${broker.path}?key=${broker.key}`;
const web = await startStaticServer({
  mounts: { '/': 'demo', '/dist/': 'dist' },
  transform: (_p, html) => html.replaceAll('{{SIGNALING}}', signaling).replaceAll('{{MAILBOX}}', 'none').replaceAll('profile="alice"', `profile="alice-${Date.now()}"`).replaceAll('profile="bob"', `profile="bob-${Date.now()}"`),
});
const userDataDir = mkdtempSync(join(tmpdir(), 'fc-shots-'));
const browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, userDataDir, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(`http://127.0.0.1:${web.port}/`);
  await page.waitForFunction(() => [...document.querySelectorAll('friends-chat')].every((el) => el.signalingState === 'online'), { timeout: 20000 });
  await page.evaluate(async () => {
    const [alice, bob] = document.querySelectorAll('friends-chat');
    const invite = await alice.createInvite();
    await bob.addFriend(invite, 'Hi Alice, it is Bob from the demo');
    const until = async (f) => {
      for (let i = 0; i < 200 && !(await f()); i++) await new Promise((r) => setTimeout(r, 100));
    };
    await until(() => alice.friends.some((f) => f.state === 'incoming'));
    await alice.acceptFriend(bob.profileId);
    await until(() => bob.friends.some((f) => f.state === 'friend' && f.presence === 'online'));
    await alice.sendMessage(bob.profileId, 'Hallo Bob! Schön, dass du da bist 👋');
    await until(async () => (await bob.history(alice.profileId)).length === 1);
    const hello = (await bob.history(alice.profileId)).at(-1);
    const hi = await bob.sendMessage(alice.profileId, 'Hi Alice — this goes straight to you, end-to-end encrypted. https://example.org', { replyTo: hello.id });
    await until(async () => (await alice.history(bob.profileId)).length === 2);
    await alice.react(bob.profileId, hi.id, '❤️');
    await bob.react(alice.profileId, hello.id, '👍');
    await alice.sendMessage(bob.profileId, 'This one disappears in a minute.', { expiresIn: 60000 });
    await new Promise((r) => setTimeout(r, 800));
    await alice.open(bob.profileId);
    await bob.open(alice.profileId);
  });
  await new Promise((r) => setTimeout(r, 800));
  await page.screenshot({ path: 'docs/demo-wide.png', fullPage: true });
  await page.evaluate(() => document.querySelectorAll('friends-chat').forEach((el) => el.setAttribute('theme', 'dark')));
  await new Promise((r) => setTimeout(r, 300));
  await page.screenshot({ path: 'docs/demo-wide-dark.png', fullPage: true });
  await page.setViewport({ width: 360, height: 800 });
  await page.evaluate(() => document.querySelectorAll('friends-chat').forEach((el) => el.setAttribute('theme', 'light')));
  await new Promise((r) => setTimeout(r, 300));
  await page.screenshot({ path: 'docs/demo-narrow.png', fullPage: true });
  await page.evaluate(() => document.querySelectorAll('friends-chat').forEach((el) => el.setAttribute('theme', 'dark')));
  await new Promise((r) => setTimeout(r, 300));
  await page.screenshot({ path: 'docs/demo-narrow-dark.png', fullPage: true });
  console.log('wrote docs/demo-{wide,narrow}{,-dark}.png');
} finally {
  await browser.close();
  await web.close();
  await broker.stop();
  rmSync(userDataDir, { recursive: true, force: true });
  process.exit(0);
}
