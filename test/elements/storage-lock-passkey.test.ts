import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { createStore, get as rawGet, type UseStore } from 'idb-keyval';
import '../../src/friends-chat.js';
import type { FriendsChatElement } from '../../src/elements/friends-chat.js';
import { NO_ICE, signalingUrl, uniqueProfile, waitForEvent } from '../helpers/env.js';
import { makeFriends, mountWidget } from '../helpers/widgets.js';

const PASS = 'correct horse battery';
const raw = (profile: string): UseStore => createStore(`friends-chat:${profile}`, 'kv');

async function mountLocked(profile: string): Promise<FriendsChatElement> {
  const el = document.createElement('friends-chat');
  for (const [name, value] of Object.entries({ profile, signaling: await signalingUrl(), 'ice-servers': NO_ICE })) el.setAttribute(name, value);
  const locked = waitForEvent(el, 'friends-chat-locked', 30000);
  document.body.append(el);
  await locked;
  await el.updateComplete;
  return el;
}

const unlockForm = (el: FriendsChatElement) => el.shadowRoot!.querySelector('friends-chat-unlock')!;

describe('<friends-chat> storage lock: a passkey (WebAuthn PRF)', function () {
  this.timeout(120000);
  let authenticator: { authenticatorId: string | null } | null = null;
  before(async function () {
    authenticator = await executeServerCommand('virtual-authenticator');
    if (!authenticator?.authenticatorId) this.skip(); // no virtual authenticator in this browser
  });
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('opens the lock with a passkey from the form, beside the passphrase, and holds no key in the clear', async () => {
    const profile = uniqueProfile('passkey');
    const alice = await mountWidget({ profile, 'display-name': 'Alice' });
    const bob = await mountWidget();
    await makeFriends(alice, bob);
    await alice.el.sendMessage(bob.el.profileId, 'behind a passkey');
    const ready = waitForEvent(alice.el, 'friends-chat-ready', 30000);
    await alice.el.enableLock(PASS);
    await ready;
    // Adding one needs the passphrase: someone at an open chat cannot add theirs.
    const wrong = await alice.el.addPasskey('not the passphrase').catch((e) => e);
    expect(wrong.code).to.equal('bad-passphrase');
    expect(await rawGet('~passkey', raw(profile))).to.equal(undefined);
    await alice.el.addPasskey(PASS);
    const record = (await rawGet('~passkey', raw(profile))) as { id: Uint8Array; wrapped: Uint8Array };
    expect(record.wrapped).to.have.length(48);
    alice.el.remove();

    // The form offers the passkey; a click opens the chat with its history.
    let el = await mountLocked(profile);
    const form = unlockForm(el);
    await (form as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    const button = [...form.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Unlock with passkey');
    expect(button, 'the passkey button').to.exist;
    const opened = waitForEvent(el, 'friends-chat-ready', 30000);
    button!.click();
    await opened;
    expect((await el.history(bob.el.profileId)).map((m) => m.text)).to.deep.equal(['behind a passkey']);

    // The passphrase still opens it; after removePasskey only the passphrase does.
    await el.lockNow();
    el.remove();
    el = await mountLocked(profile);
    const again = waitForEvent(el, 'friends-chat-ready', 30000);
    await el.unlock(PASS);
    await again;
    await el.removePasskey();
    await el.lockNow();
    el.remove();
    el = await mountLocked(profile);
    await (unlockForm(el) as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect([...unlockForm(el).shadowRoot!.querySelectorAll('button')].map((b) => b.textContent?.trim())).to.not.include('Unlock with passkey');
    const none = await el.unlockWithPasskey().catch((e) => e);
    expect(none.code).to.equal('passkey-unavailable');
  });
});
