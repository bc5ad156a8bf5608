import { expect } from '@esm-bundle/chai';
import axe from 'axe-core';
import { createStore, entries } from 'idb-keyval';
import '../../src/friends-chat.js';
import type { FriendsChatElement } from '../../src/elements/friends-chat.js';
import type { FriendsChatErrorEvent } from '../../src/events/error-event.js';
import { NO_ICE, signalingUrl, uniqueProfile, waitForEvent, waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget, type Mounted } from '../helpers/widgets.js';

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
