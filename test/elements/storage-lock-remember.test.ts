import { expect } from '@esm-bundle/chai';
import { createStore, get as rawGet, set as rawSet, type UseStore } from 'idb-keyval';
import { LOCK_KEY } from '../../src/app/storage-lock.js';
import { checkLockRecord, unwrapDataKey } from '../../src/storage/key-wrap.js';
import '../../src/friends-chat.js';
import type { FriendsChatElement } from '../../src/elements/friends-chat.js';
import { NO_ICE, signalingUrl, uniqueProfile, waitForEvent } from '../helpers/env.js';
import { makeFriends, mountWidget } from '../helpers/widgets.js';

const PASS = 'correct horse battery';
const DEVICE = '~device';
const raw = (profile: string): UseStore => createStore(`friends-chat:${profile}`, 'kv');

/** Mounts a widget and resolves with what it showed first: the chat, or the unlock form. */
async function mount(profile: string): Promise<{ el: FriendsChatElement; first: 'ready' | 'locked' }> {
  const el = document.createElement('friends-chat');
  for (const [name, value] of Object.entries({ profile, signaling: await signalingUrl(), 'ice-servers': NO_ICE })) el.setAttribute(name, value);
  const first = Promise.race([waitForEvent(el, 'friends-chat-ready', 30000).then(() => 'ready' as const), waitForEvent(el, 'friends-chat-locked', 30000).then(() => 'locked' as const)]);
  document.body.append(el);
  return { el, first: await first };
}

/** Types the passphrase into the unlock form, ticks "remember" if asked, and submits. */
async function unlockByForm(el: FriendsChatElement, remember: boolean): Promise<void> {
  await el.updateComplete;
  const form = el.shadowRoot!.querySelector('friends-chat-unlock')!;
  await (form as unknown as { updateComplete: Promise<unknown> }).updateComplete;
  const root = form.shadowRoot!;
  (root.querySelector('#p') as HTMLInputElement).value = PASS;
  (root.querySelector('input[name="m"]') as HTMLInputElement).checked = remember;
  const ready = waitForEvent(el, 'friends-chat-ready', 30000);
  (root.querySelector('button[type="submit"]') as HTMLButtonElement).click();
  await ready;
}

describe('<friends-chat> storage lock: remember this device', function () {
  this.timeout(120000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('opens after a reload without asking once remembered, asks again after lockNow, and keeps the key only wrapped', async () => {
    const profile = uniqueProfile('remember');
    const alice = await mountWidget({ profile });
    const bob = await mountWidget();
    await makeFriends(alice, bob);
    await alice.el.sendMessage(bob.el.profileId, 'kept behind the lock');
    const ready = waitForEvent(alice.el, 'friends-chat-ready', 30000);
    await alice.el.enableLock(PASS);
    await ready;
    alice.el.remove();

    // Not remembered: the form shows; unlock with the box ticked.
    let next = await mount(profile);
    expect(next.first).to.equal('locked');
    await unlockByForm(next.el, true);
    next.el.remove();

    // A reload opens straight away, with the history.
    next = await mount(profile);
    expect(next.first).to.equal('ready');
    expect((await next.el.history(bob.el.profileId)).map((m) => m.text)).to.deep.equal(['kept behind the lock']);

    // On disk: a non-extractable key and the data key sealed under it, never the data key itself.
    const device = (await rawGet(DEVICE, raw(profile))) as { key: CryptoKey; wrapped: Uint8Array };
    expect(device.key.extractable).to.equal(false);
    const dataKey = await unwrapDataKey(checkLockRecord(await rawGet(LOCK_KEY, raw(profile))), PASS);
    const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    expect(hex(device.wrapped)).to.not.contain(hex(dataKey));

    // Locking forgets the device: the next start asks again.
    await next.el.lockNow();
    expect(await rawGet(DEVICE, raw(profile))).to.equal(undefined);
    next.el.remove();
    next = await mount(profile);
    expect(next.first).to.equal('locked');
  });

  it('keeps remembering across a passphrase change, and drops a damaged remembered key (the form shows, nothing throws)', async () => {
    const profile = uniqueProfile('remember');
    const alice = await mountWidget({ profile });
    const ready = waitForEvent(alice.el, 'friends-chat-ready', 30000);
    await alice.el.enableLock(PASS);
    await ready;
    alice.el.remove();
    let next = await mount(profile);
    await unlockByForm(next.el, true);
    await next.el.changePassphrase(PASS, 'a different passphrase');
    next.el.remove();
    next = await mount(profile);
    expect(next.first, 'still remembered after the change').to.equal('ready');
    next.el.remove();

    const device = (await rawGet(DEVICE, raw(profile))) as { key: CryptoKey; nonce: Uint8Array; wrapped: Uint8Array };
    const wrapped = device.wrapped.slice();
    wrapped[0]! ^= 1;
    await rawSet(DEVICE, { ...device, wrapped }, raw(profile));
    const errors: Event[] = [];
    window.addEventListener('error', (e) => errors.push(e));
    next = await mount(profile);
    expect(next.first).to.equal('locked');
    expect(await rawGet(DEVICE, raw(profile))).to.equal(undefined);
    expect(errors).to.deep.equal([]);
  });
});
