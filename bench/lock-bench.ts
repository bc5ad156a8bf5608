// Storage-lock benchmarks (docs/storage-lock.md), self-contained so the harness can move them:
// the same work with the lock off and on, in the same page and run, through the real element.
import { StorageLock } from '../src/app/storage-lock.js';
import type { FriendsChatElement } from '../src/elements/friends-chat.js';
import { IdbStore } from '../src/storage/idb-store.js';
import { noise } from '../test/helpers/noise.js';
import { seedConversation } from '../test/helpers/seed-history.js';

interface Broker {
  host: string;
  port: number;
  path: string;
  key: string;
}

const PASS = 'bench passphrase';
let seq = 0;

async function until(f: () => boolean, timeout = 120000): Promise<void> {
  const start = performance.now();
  while (!f()) {
    if (performance.now() - start > timeout) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Mounts a widget; with a locked store it is unlocked (not timed) before it counts as up. */
async function mount(broker: Broker, profile: string, locked: boolean): Promise<FriendsChatElement> {
  const el = document.createElement('friends-chat');
  el.setAttribute('profile', profile);
  el.setAttribute('signaling', `peerjs://${broker.host}:${broker.port}${broker.path}?key=${broker.key}`);
  el.setAttribute('ice-servers', '[]');
  el.setAttribute('auto-download-limit', String(256 * 1024 * 1024)); // no click for the 64 MiB file
  const shown = locked ? new Promise((r) => el.addEventListener('friends-chat-locked', r, { once: true })) : null;
  document.body.append(el);
  if (shown) await shown.then(() => el.unlock(PASS));
  await el.ready;
  await until(() => el.signalingState === 'online');
  return el;
}

/** History-100k first paint: open the conversation → next frame, lock off vs on (ms per run). */
async function lockHistory(broker: Broker, runs: number): Promise<{ off: number[]; on: number[] }> {
  const out = { off: [] as number[], on: [] as number[] };
  for (let r = 0; r < runs; r++) {
    for (const locked of [false, true]) {
      const profile = `lockhist${locked ? 1 : 0}-${Date.now()}-${r}`;
      const { friendId } = await seedConversation(profile, 100_000);
      if (locked) await new StorageLock(new IdbStore(profile), () => {}).enable(PASS);
      // The first start moves the seeded store to the current layout; time the start after it.
      const first = await mount(broker, profile, locked);
      await first.open(friendId);
      first.remove();
      const el = await mount(broker, profile, locked);
      const t0 = performance.now();
      await el.open(friendId);
      await new Promise((resolve) => requestAnimationFrame(resolve));
      (locked ? out.on : out.off).push(performance.now() - t0);
      el.remove();
    }
  }
  return out;
}

/** A file of `mib` MiB between two IndexedDB widgets until the friend has it verified, lock off vs on. */
async function lockFile(broker: Broker, mib: number, runs: number): Promise<{ off: number[]; on: number[] }> {
  const out = { off: [] as number[], on: [] as number[] };
  const bytes = noise(mib * 1024 * 1024, 0x9e3779b9);
  for (let r = 0; r < runs; r++) {
    for (const locked of [false, true]) {
      const alice = await mount(broker, `la${++seq}-${Date.now()}`, false);
      const bob = await mount(broker, `lb${seq}-${Date.now()}`, false);
      if (locked) {
        // Enabling restarts the engine: wait for its next ready event and its broker registration.
        const restarted = (el: FriendsChatElement) => new Promise((r) => el.addEventListener('friends-chat-ready', r, { once: true }));
        const ready = Promise.all([restarted(alice), restarted(bob)]);
        await Promise.all([alice.enableLock(PASS), bob.enableLock(PASS)]);
        await ready;
        await until(() => alice.signalingState === 'online' && bob.signalingState === 'online');
      }
      await bob.addFriend(await alice.createInvite());
      await until(() => alice.friends.some((f) => f.state === 'incoming'));
      await alice.acceptFriend(bob.profileId);
      await until(() => alice.friends.some((f) => f.presence === 'online') && bob.friends.some((f) => f.presence === 'online'));
      const t0 = performance.now();
      const message = await alice.sendFile(bob.profileId, new Blob([bytes]), 'bench.bin');
      await new Promise<void>((resolve) => {
        const on = (e: Event): void => {
          const ev = e as Event & { messageId: string; state: string };
          if (ev.messageId === message.id && ev.state === 'done') resolve();
        };
        bob.addEventListener('friends-chat-file-progress', on);
      });
      (locked ? out.on : out.off).push(performance.now() - t0);
      alice.remove();
      bob.remove();
    }
  }
  return out;
}

(window as unknown as { benchLock: unknown }).benchLock = { lockHistory, lockFile };
