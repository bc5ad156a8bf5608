import { expect } from '@esm-bundle/chai';
import { createStore, entries, get as rawGet, set as rawSet, type UseStore } from 'idb-keyval';
import { StorageLock, LOCK_KEY } from '../../src/app/storage-lock.js';
import { directConversationId } from '../../src/log/conversation-id.js';
import { Keyspace } from '../../src/storage/keyspace.js';
import { IdbStore } from '../../src/storage/idb-store.js';
import { checkLockRecord, unwrapDataKey } from '../../src/storage/key-wrap.js';
import { SealedStore } from '../../src/storage/sealed-store.js';
import { fromHex, utf8 } from '../../src/util/bytes.js';
import '../../src/friends-chat.js';
import type { FriendsChatElement } from '../../src/elements/friends-chat.js';
import type { FriendsChatErrorEvent } from '../../src/events/error-event.js';
import { NO_ICE, signalingUrl, uniqueProfile, waitForEvent, waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget, type Mounted } from '../helpers/widgets.js';
import { violations } from '../helpers/axe.js';

const PASS = 'correct horse battery';

/** Mounts a widget on a profile whose store is locked; resolves once the unlock form shows. */
async function mountLocked(profile: string, attributes: Record<string, string> = {}): Promise<{ el: FriendsChatElement; errors: FriendsChatErrorEvent[] }> {
  const el = document.createElement('friends-chat');
  const errors: FriendsChatErrorEvent[] = [];
  el.addEventListener('friends-chat-error', (e) => errors.push(e));
  for (const [name, value] of Object.entries({ profile, signaling: await signalingUrl(), 'ice-servers': NO_ICE, ...attributes })) el.setAttribute(name, value);
  const locked = waitForEvent(el, 'friends-chat-locked');
  document.body.append(el);
  await locked;
  await el.updateComplete;
  return { el, errors };
}

async function unlockAndWait(el: FriendsChatElement, passphrase = PASS): Promise<void> {
  const ready = waitForEvent(el, 'friends-chat-ready', 30000);
  await el.unlock(passphrase);
  await ready;
}

function raw(profile: string): UseStore {
  return createStore(`friends-chat:${profile}`, 'kv');
}

/** Every byte string and text in a stored value (Blobs read), for searching. */
async function flatten(value: unknown, out: Uint8Array[] = []): Promise<Uint8Array[]> {
  if (typeof value === 'string') out.push(utf8(value));
  else if (value instanceof Uint8Array) out.push(value);
  else if (value instanceof ArrayBuffer) out.push(new Uint8Array(value));
  else if (value instanceof Blob) out.push(new Uint8Array(await value.arrayBuffer()));
  else if (Array.isArray(value)) for (const v of value) await flatten(v, out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) (out.push(utf8(k)), await flatten(v, out));
  return out;
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** The data key and the sealed view a test uses to find (and damage) one record from outside. */
async function sealedView(profile: string): Promise<SealedStore> {
  const record = checkLockRecord(await rawGet(LOCK_KEY, raw(profile)));
  return SealedStore.open(new IdbStore(profile), await unwrapDataKey(record, PASS), () => {});
}

/**
 * Reopens a profile whose log page was damaged: it unlocks, reports `storage-tampered`, shows
 * nothing of `hidden`, keeps the friend, and still chats with `bob`.
 */
async function expectReportedAndWorking(profile: string, bob: Mounted, hidden: string): Promise<void> {
  const friend = bob.el.profileId;
  const again = await mountLocked(profile);
  await unlockAndWait(again.el);
  const me = again.el.profileId;
  const shown = await again.el.history(friend).catch(() => []);
  expect(shown.map((m) => m.text)).to.not.include(hidden);
  await waitUntil(() => again.errors.some((e) => e.code === 'storage-tampered'), 'the damage is reported');
  expect(again.el.shadowRoot!.textContent).to.not.contain(hidden);
  expect(again.el.friends.find((f) => f.id === friend)?.state).to.equal('friend');
  await waitUntil(() => again.el.friends.some((f) => f.id === friend && f.presence === 'online'), 'reconnects', 30000);
  await again.el.sendMessage(friend, 'still working');
  await waitUntil(async () => (await bob.el.history(me)).some((m) => m.text === 'still working'), 'Bob receives');
}

function form(el: FriendsChatElement): HTMLElement | null {
  return el.shadowRoot!.querySelector('friends-chat-unlock');
}

describe('<friends-chat> storage lock', function () {
  this.timeout(120000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('keeps history across a reload behind the passphrase, and shows only the unlock form while locked', async () => {
    const profile = uniqueProfile('lock');
    let alice: Mounted = await mountWidget({ profile, 'display-name': 'Alice' });
    const bob = await mountWidget({ 'display-name': 'Bob' });
    await makeFriends(alice, bob);
    await alice.el.sendMessage(bob.el.profileId, 'before the lock');
    const ready = waitForEvent(alice.el, 'friends-chat-ready', 30000);
    await alice.el.enableLock(PASS);
    await ready;
    await alice.el.sendMessage(bob.el.profileId, 'after the lock');
    await waitUntil(async () => (await bob.el.history(alice.el.profileId)).length === 2, 'Bob has both');
    const aliceId = alice.el.profileId;
    alice.el.remove();

    const again = await mountLocked(profile);
    expect(form(again.el), 'the unlock form').to.exist;
    expect(again.el.shadowRoot!.querySelector('friends-chat-roster'), 'no roster while locked').to.equal(null);
    expect(again.el.shadowRoot!.textContent).to.not.contain('Bob');
    const call = await again.el.history(bob.el.profileId).catch((e) => e);
    expect(call.code).to.equal('locked');
    // Bob writes while Alice is locked: it reaches her after she unlocks.
    await bob.el.sendMessage(aliceId, 'while you were locked');
    await unlockAndWait(again.el);
    expect(again.el.profileId).to.equal(aliceId);
    await waitUntil(async () => (await again.el.history(bob.el.profileId)).length === 3, 'Alice has all three', 30000);
    expect((await again.el.history(bob.el.profileId)).map((m) => m.text)).to.deep.equal(['before the lock', 'after the lock', 'while you were locked']);
    expect(again.errors.map((e) => e.code)).to.deep.equal([]);
  });

  it('leaves no message text, name, profile ID, friend ID or key bytes readable in IndexedDB', async () => {
    const profile = uniqueProfile('lock');
    const alice = await mountWidget({ profile, 'display-name': 'Alice Wonder' });
    const bob = await mountWidget({ 'display-name': 'Bob Builder' });
    await makeFriends(alice, bob);
    await alice.el.sendMessage(bob.el.profileId, 'the secret plan for tuesday');
    await bob.el.sendMessage(alice.el.profileId, 'bring the blue folder');
    await waitUntil(async () => (await alice.el.history(bob.el.profileId)).length === 2, 'Alice has both');
    const plain = await entries(raw(profile));
    const identity = plain.find(([k]) => k === Keyspace.identity)![1];
    const keyBytes = (await flatten(identity)).filter((b) => b.length === 32 || b.length === 64);
    expect(keyBytes.length, 'the identity holds raw keys').to.be.greaterThan(1);
    await alice.el.enableLock(PASS);
    await alice.el.ready;
    const dataKey = await unwrapDataKey(checkLockRecord(await rawGet(LOCK_KEY, raw(profile))), PASS);
    const needles: [string, Uint8Array][] = [
      ['message', utf8('secret plan')],
      ['reply', utf8('blue folder')],
      ['own name', utf8('Alice Wonder')],
      ['friend name', utf8('Bob Builder')],
      ['profile ID', utf8(alice.el.profileId)],
      ['friend ID', utf8(bob.el.profileId)],
      ['profile key', fromHex(alice.el.profileId)],
      ['friend key', fromHex(bob.el.profileId)],
      ['data key', dataKey],
      ...keyBytes.map((b, i): [string, Uint8Array] => [`identity key ${i}`, b]),
    ];
    const stored = await entries(raw(profile));
    expect(stored.length).to.be.greaterThan(5);
    for (const [key, value] of stored) {
      const hay = [utf8(String(key)), ...(await flatten(value))];
      for (const [what, needle] of needles) expect(hay.some((h) => contains(h, needle)), `${what} in ${String(key)}`).to.equal(false);
      expect(String(key)).to.match(/^~/);
    }
  });

  it('reports an altered log page as storage-tampered, never shows it, and keeps working', async () => {
    const profile = uniqueProfile('lock');
    const alice = await mountWidget({ profile });
    const bob = await mountWidget();
    await makeFriends(alice, bob);
    await alice.el.sendMessage(bob.el.profileId, 'this page will be altered');
    await alice.el.enableLock(PASS);
    await alice.el.ready;
    const [me, friend] = [alice.el.profileId, bob.el.profileId];
    alice.el.remove();
    const view = await sealedView(profile);
    const page = await view.diskName(Keyspace.log(directConversationId(me, friend), 'page:0'));
    const bytes = (await rawGet<Uint8Array>(page, raw(profile)))!;
    bytes[40]! ^= 0x40;
    await rawSet(page, bytes, raw(profile));

    await expectReportedAndWorking(profile, bob, 'this page will be altered');
  });

  it('reports a log page put back from an older copy as storage-tampered, never shows it, and keeps working', async () => {
    const profile = uniqueProfile('lock');
    const alice = await mountWidget({ profile });
    const bob = await mountWidget();
    await makeFriends(alice, bob);
    await alice.el.enableLock(PASS);
    await alice.el.ready;
    const [me, friend] = [alice.el.profileId, bob.el.profileId];
    await alice.el.sendMessage(friend, 'the old copy has only this');
    const view = await sealedView(profile);
    const page = await view.diskName(Keyspace.log(directConversationId(me, friend), 'page:0'));
    await waitUntil(async () => !!(await rawGet(page, raw(profile))), 'the page is on disk');
    const old = await rawGet<Uint8Array>(page, raw(profile));
    await alice.el.sendMessage(friend, 'a copy from before hides this');
    await new Promise((r) => setTimeout(r, 300));
    alice.el.remove();
    await new Promise((r) => setTimeout(r, 200));
    await rawSet(page, old, raw(profile));

    await expectReportedAndWorking(profile, bob, 'the old copy has only this');
  });

  it('opens with the passphrase and everything there after a crash halfway through enabling the lock', async () => {
    const profile = uniqueProfile('lock');
    const alice = await mountWidget({ profile });
    const bob = await mountWidget();
    await makeFriends(alice, bob);
    for (let i = 0; i < 5; i++) await alice.el.sendMessage(bob.el.profileId, `message ${i}`);
    const [me, friend] = [alice.el.profileId, bob.el.profileId];
    alice.el.remove();
    await new Promise((r) => setTimeout(r, 200));
    const before = (await entries(raw(profile))).length;
    // The page is "closed" after three records were sealed.
    await new StorageLock(new IdbStore(profile), () => {}).enable(PASS, 3);
    const half = (await entries(raw(profile))).map(([k]) => String(k));
    expect(half.filter((k) => !k.startsWith('~')).length, 'plaintext left').to.equal(before - 3);
    expect(half.filter((k) => /^~.{22}$/.test(k)).length, 'sealed so far').to.equal(3);

    const again = await mountLocked(profile);
    await unlockAndWait(again.el);
    expect(again.el.profileId).to.equal(me);
    expect((await again.el.history(friend)).map((m) => m.text)).to.deep.equal([0, 1, 2, 3, 4].map((i) => `message ${i}`));
    expect((await entries(raw(profile))).every(([k]) => String(k).startsWith('~')), 'all sealed now').to.equal(true);
    expect(again.errors).to.deep.equal([]);
  });

  it('turns the lock off again in place, and changes the passphrase without rewriting records', async () => {
    const profile = uniqueProfile('lock');
    const alice = await mountWidget({ profile });
    const bob = await mountWidget();
    await makeFriends(alice, bob);
    await alice.el.sendMessage(bob.el.profileId, 'kept through it all');
    await alice.el.enableLock(PASS);
    await alice.el.ready;
    await alice.el.changePassphrase(PASS, 'another passphrase');
    expect((await alice.el.disableLock(PASS).catch((e) => e)).code, 'the old passphrase is gone').to.equal('bad-passphrase');
    expect((await alice.el.history(bob.el.profileId)).map((m) => m.text), 'still running').to.deep.equal(['kept through it all']);
    expect((await alice.el.changePassphrase('not it at all', 'x y z w v u').catch((e) => e)).code).to.equal('bad-passphrase');
    await alice.el.lockNow();
    expect((await alice.el.unlock(PASS).catch((e) => e)).code).to.equal('bad-passphrase');
    await new Promise((r) => setTimeout(r, 400)); // three wrong ones: the back-off's first wait (250 ms)
    const ready = waitForEvent(alice.el, 'friends-chat-ready', 30000);
    await alice.el.disableLock('another passphrase');
    await ready;
    const stored = (await entries(raw(profile))).map(([k]) => String(k));
    expect(stored).to.include(Keyspace.identity);
    expect(stored.filter((k) => k.startsWith('~'))).to.deep.equal([]);
    const id = alice.el.profileId;
    alice.el.remove();
    const again = await mountWidget({ profile });
    expect(again.el.profileId).to.equal(id);
    expect((await again.el.history(bob.el.profileId)).map((m) => m.text)).to.deep.equal(['kept through it all']);
  });

  it('receives nothing while locked by lockNow or auto-lock, and catches up after unlocking', async () => {
    const profile = uniqueProfile('lock');
    const alice = await mountWidget({ profile });
    const bob = await mountWidget();
    await makeFriends(alice, bob);
    await alice.el.enableLock(PASS);
    await alice.el.ready;
    let messages = 0;
    alice.el.addEventListener('friends-chat-message', () => messages++);
    const locked = waitForEvent(alice.el, 'friends-chat-locked');
    alice.el.setAttribute('auto-lock', '0.02'); // 1.2 s idle
    await locked;
    await waitUntil(() => bob.el.friends.some((f) => f.presence === 'offline'), 'Alice is gone for Bob', 30000);
    await bob.el.sendMessage(alice.el.profileId, 'are you there?');
    await new Promise((r) => setTimeout(r, 1000));
    expect(messages).to.equal(0);
    alice.el.removeAttribute('auto-lock');
    await unlockAndWait(alice.el);
    await waitUntil(() => messages === 1, 'the message arrives after unlocking', 30000);
  });

  it('asks for a new passphrase with lock="passphrase", and its form is accessible in light, dark and German', async () => {
    const profile = uniqueProfile('lock');
    for (const theme of ['light', 'dark']) {
      const { el } = await mountLocked(uniqueProfile('lock'), { lock: 'passphrase', theme });
      expect(await violations(el), theme).to.deep.equal([]);
      el.remove();
    }
    const { el } = await mountLocked(profile, { lock: 'passphrase', lang: 'de' });
    const style = document.createElement('style');
    style.textContent = 'friends-chat::part(unlock) { outline-color: rgb(7, 8, 9); }';
    document.head.append(style);
    expect(getComputedStyle(form(el)!).outlineColor, 'the unlock part is styleable').to.equal('rgb(7, 8, 9)');
    style.remove();
    const inner = form(el)!.shadowRoot!;
    expect(inner.textContent).to.contain('Mit dieser Passphrase sperren');
    const [p, r] = [...inner.querySelectorAll('input')];
    p!.value = 'ein langes geheimnis';
    r!.value = 'ein anderes';
    inner.querySelector('button')!.click();
    await (form(el) as unknown as { updateComplete: Promise<void> }).updateComplete;
    expect(inner.textContent).to.contain('verschieden');
    r!.value = 'ein langes geheimnis';
    const ready = waitForEvent(el, 'friends-chat-ready', 30000);
    inner.querySelector('button')!.click();
    await ready;
    expect(await rawGet(LOCK_KEY, raw(profile))).to.exist;
    expect((await entries(raw(profile))).every(([k]) => String(k).startsWith('~'))).to.equal(true);
  });

  it('refuses a wrong passphrase with a clear error, changes nothing, and waits longer after each one (never for good)', async () => {
    const profile = uniqueProfile('lock');
    const alice = await mountWidget({ profile });
    const id = alice.el.profileId;
    await alice.el.enableLock(PASS);
    alice.el.remove();
    const { el } = await mountLocked(profile);
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      let error = await el.unlock(`wrong passphrase ${i}`).catch((e) => e);
      while (error?.code === 'try-later') {
        waits.push(Number(/(\d+) s/.exec(error.message)![1]));
        await new Promise((r) => setTimeout(r, 200));
        error = await el.unlock(`wrong passphrase ${i}`).catch((e) => e);
      }
      expect(error?.code, `attempt ${i}`).to.equal('bad-passphrase');
      await el.updateComplete;
      expect(form(el)!.shadowRoot!.textContent).to.contain('wrong passphrase');
    }
    expect(waits.length, 'some attempts had to wait').to.be.greaterThan(5);
    expect(Math.max(...waits)).to.be.greaterThan(Math.min(...waits));
    // Right away the correct one waits too: the back-off holds for everyone at the keyboard.
    const early = await el.unlock(PASS).catch((e) => e);
    expect(early.code).to.equal('try-later');
    await waitUntil(async () => (await el.unlock(PASS).then(() => true, (e) => e.code !== 'try-later' && Promise.reject(e))), 'the wait ends', 60000);
    await waitUntil(() => el.profileId === id, 'the same identity opens');
  });
});
