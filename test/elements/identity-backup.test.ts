import { expect } from '@esm-bundle/chai';
import { uniqueProfile, waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget } from '../helpers/widgets.js';

describe('<friends-chat> identity backup', function () {
  this.timeout(120000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('restores the same profile ID, friends and pins on another profile, and refuses a wrong passphrase', async () => {
    const alice = await mountWidget();
    const bob = await mountWidget();
    await makeFriends(alice, bob);
    const backup = await alice.el.exportIdentity('a long passphrase');
    expect(backup).to.match(/^friends-chat-backup\./);
    expect(backup).to.not.contain(alice.el.profileId);

    const device = await mountWidget({ profile: uniqueProfile('restore') });
    const before = device.el.profileId;
    const wrong = await device.el.importIdentity(backup, 'not the passphrase').catch((e) => e);
    expect(wrong.code).to.equal('bad-passphrase');
    expect(device.el.profileId).to.equal(before);
    const damaged = await device.el.importIdentity(backup.slice(0, -4) + 'AAAA', 'a long passphrase').catch((e) => e);
    expect(damaged.code).to.equal('bad-backup');
    expect(device.el.profileId).to.equal(before);

    alice.el.remove(); // one device at a time holds the rendezvous ID
    const restored = await device.el.importIdentity(backup, 'a long passphrase');
    expect(restored).to.equal(alice.el.profileId);
    expect(device.el.profileId).to.equal(alice.el.profileId);
    const friend = device.el.friends.find((f) => f.id === bob.el.profileId);
    expect(friend?.state).to.equal('friend');
    await waitUntil(() => device.el.friends.some((f) => f.id === bob.el.profileId && f.presence === 'online'), 'the restored device reconnects to Bob', 30000);
    // The pinned key matches, so no key-changed warning and sending works.
    await device.el.sendMessage(bob.el.profileId, 'back on a new device');
    await waitUntil(async () => (await bob.el.history(alice.el.profileId)).some((m) => m.text === 'back on a new device'), 'Bob receives');
  });
});
