import { expect } from '@esm-bundle/chai';
import type { FriendsChatError } from '../../src/errors.js';
import { waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget, type Mounted } from '../helpers/widgets.js';
import { violations } from '../helpers/axe.js';

const rosterOf = (m: Mounted): ShadowRoot => m.el.shadowRoot!.querySelector('friends-chat-roster')!.shadowRoot!;
const entryOf = (m: Mounted, name: string): HTMLButtonElement | undefined =>
  [...rosterOf(m).querySelectorAll<HTMLButtonElement>('button.friend')].find((b) => b.querySelector('.name')?.textContent?.includes(name));
const friendOf = (m: Mounted, id: string) => m.el.friends.find((f) => f.id === id);

describe('status and about text between widgets', function () {
  this.timeout(120000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('Alice’s busy status, text and about reach Bob’s friends and roster, live and after his reload; invisible reads offline while messages flow', async () => {
    const alice = await mountWidget({ 'display-name': 'Alice' });
    const bobProfile = `bob-${Math.random().toString(36).slice(2)}`;
    let bob = await mountWidget({ 'display-name': 'Bob', profile: bobProfile });
    await makeFriends(alice, bob);
    const aliceId = alice.el.profileId;
    expect(friendOf(bob, aliceId)).to.include({ status: 'available', statusText: '', about: '' });

    const set = await alice.el.updateProfile({ status: 'busy', statusText: 'In a meeting <b>till 3</b>', about: 'Alice. Tea, not coffee.' });
    expect(set).to.deep.equal({ status: 'busy', statusText: 'In a meeting <b>till 3</b>', about: 'Alice. Tea, not coffee.' });
    expect(alice.el.ownProfile).to.deep.equal(set);
    await waitUntil(() => friendOf(bob, aliceId)?.status === 'busy', 'Bob’s friends entry shows busy');
    expect(friendOf(bob, aliceId)).to.include({ statusText: 'In a meeting <b>till 3</b>', about: 'Alice. Tea, not coffee.', presence: 'online' });
    await waitUntil(() => !!entryOf(bob, 'Alice')?.querySelector('.status-text'), 'the roster shows the status text');
    let entry = entryOf(bob, 'Alice')!;
    // As text, never markup.
    expect(entry.querySelector('.status-text')!.textContent).to.equal('In a meeting <b>till 3</b>');
    expect(entry.querySelector('b')).to.equal(null);
    expect(entry.querySelector('.dot')!.getAttribute('data-status')).to.equal('busy');
    expect(entry.querySelector('.visually-hidden')!.textContent).to.contain('online, busy');
    expect(entry.getAttribute('title')).to.equal('Alice. Tea, not coffee.');
    expect(await violations(bob.el), 'the roster with a busy friend').to.deep.equal([]);

    // Changed live.
    await alice.el.updateProfile({ status: 'away', statusText: 'Lunch' });
    await waitUntil(() => entryOf(bob, 'Alice')?.querySelector('.status-text')?.textContent === 'Lunch', 'the roster follows the change');
    entry = entryOf(bob, 'Alice')!;
    expect(entry.querySelector('.dot')!.getAttribute('data-status')).to.equal('away');
    expect(entry.querySelector('.visually-hidden')!.textContent).to.contain('online, away');
    expect(friendOf(bob, aliceId)).to.include({ status: 'away', statusText: 'Lunch', about: 'Alice. Tea, not coffee.' });

    // Bob reloads: what Alice last said is still there, from his store.
    bob.el.remove();
    bob = await mountWidget({ 'display-name': 'Bob', profile: bobProfile });
    expect(friendOf(bob, aliceId)).to.include({ status: 'away', statusText: 'Lunch', about: 'Alice. Tea, not coffee.' });

    // Invisible: Bob sees Alice offline, and still gets her message (and she his).
    await waitUntil(() => friendOf(bob, aliceId)?.presence === 'online', 'Alice and Bob reconnect', 30000);
    await alice.el.updateProfile({ status: 'invisible' });
    await waitUntil(() => friendOf(bob, aliceId)?.presence === 'offline', 'Bob sees Alice offline');
    expect(friendOf(bob, aliceId)).to.include({ status: 'available', statusText: '' });
    await waitUntil(() => entryOf(bob, 'Alice')?.querySelector('.dot')?.getAttribute('data-presence') === 'offline', 'the roster dot is offline');
    expect(entryOf(bob, 'Alice')!.querySelector('.status-text')).to.equal(null);
    const presence: string[] = [];
    bob.el.addEventListener('friends-chat-presence', (e) => presence.push(e.presence));
    await alice.el.sendMessage(bob.el.profileId, 'I am here, quietly');
    await waitUntil(() => bob.events.some((e) => e.type === 'friends-chat-message' && (e as unknown as { message: { text: string } }).message.text === 'I am here, quietly'), 'Bob gets the message');
    await bob.el.sendMessage(aliceId, 'Got it');
    await waitUntil(() => alice.events.some((e) => e.type === 'friends-chat-message' && (e as unknown as { message: { text: string } }).message.text === 'Got it'), 'Alice gets the answer');
    expect(friendOf(bob, aliceId)!.presence).to.equal('offline');
    expect(presence).to.not.include('online');
    expect(alice.errors.map((e) => e.code)).to.deep.equal([]);
    // The reloaded page may find its broker ID still held by the page it replaced for a moment (PeerJS).
    expect(bob.errors.map((e) => e.code).filter((c) => c !== 'id-taken')).to.deep.equal([]);
  });

  it('a stranger with a pending request to or from Alice never gets her status', async () => {
    const alice = await mountWidget({ 'display-name': 'Alice' });
    const carol = await mountWidget({ 'display-name': 'Carol' });
    const dave = await mountWidget({ 'display-name': 'Dave' });
    await alice.el.updateProfile({ status: 'busy', statusText: 'Secret', about: 'Friends only' });
    await carol.el.addFriend(alice.el.profileId, 'hi');
    await waitUntil(() => alice.el.friends.some((f) => f.id === carol.el.profileId && f.state === 'incoming'), 'Alice has Carol’s request', 20000);
    await alice.el.addFriend(dave.el.profileId, 'hello');
    await waitUntil(() => dave.el.friends.some((f) => f.id === alice.el.profileId && f.state === 'incoming'), 'Dave has Alice’s request', 20000);
    await alice.el.updateProfile({ statusText: 'Changed while they wait' });
    await new Promise((r) => setTimeout(r, 1500));
    for (const stranger of [carol, dave]) {
      expect(friendOf(stranger, alice.el.profileId)).to.include({ status: 'available', statusText: '', about: '' });
      expect(stranger.el.shadowRoot!.innerHTML + rosterOf(stranger).innerHTML).to.not.contain('Secret');
    }
  });

  it('rejects bad input with bad-input; the settings set status, text and about (German too); axe finds nothing (light, dark)', async () => {
    for (const theme of ['light', 'dark']) {
      const m = await mountWidget({ 'display-name': 'Alice', theme, lang: 'de' });
      for (const bad of [{ status: 'sleeping' }, { statusText: 'x'.repeat(81) }, { about: 'y'.repeat(301) }, { about: 7 }, null]) {
        const error = await m.el.updateProfile(bad as never).then(
          () => null,
          (e: FriendsChatError) => e,
        );
        expect(error?.code, JSON.stringify(bad)).to.equal('bad-input');
      }
      expect(m.el.ownProfile).to.deep.equal({ status: 'available', statusText: '', about: '' });

      (m.el.shadowRoot!.querySelector('button.settings-toggle') as HTMLButtonElement).click();
      await m.el.updateComplete;
      const root = m.el.shadowRoot!.querySelector('friends-chat-settings')!.shadowRoot!;
      await waitUntil(() => !!root.querySelector('select[name=status]'), 'the settings render');
      const labels = [...root.querySelectorAll('label')].map((l) => l.textContent!.replace(/\s+/g, ' ').trim());
      expect(labels.some((l) => l.startsWith('Dein Status'))).to.equal(true);
      expect(labels.some((l) => l.startsWith('Statustext (bis zu 80 Zeichen)'))).to.equal(true);
      expect(labels.some((l) => l.startsWith('Über dich (bis zu 300 Zeichen)'))).to.equal(true);
      expect([...root.querySelectorAll('select[name=status] option')].map((o) => o.textContent)).to.deep.equal(['Verfügbar', 'Abwesend', 'Beschäftigt', 'Unsichtbar (Freunde sehen dich offline)']);
      const change = (selector: string, value: string): void => {
        const input = root.querySelector(selector) as HTMLInputElement;
        input.value = value;
        input.dispatchEvent(new Event('change'));
      };
      change('select[name=status]', 'busy');
      change('input[name=status-text]', '  Bis 15 Uhr  ');
      change('textarea[name=about]', 'Hallo!');
      await waitUntil(() => m.el.ownProfile.about === 'Hallo!', 'the settings apply');
      expect(m.el.ownProfile).to.deep.equal({ status: 'busy', statusText: 'Bis 15 Uhr', about: 'Hallo!' });
      await m.el.updateComplete;
      expect((root.querySelector('select[name=status]') as HTMLSelectElement).value).to.equal('busy');
      expect(await violations(m.el), `settings (${theme})`).to.deep.equal([]);
      expect(m.errors.filter((e) => e.code !== 'bad-input').map((e) => e.code)).to.deep.equal([]);
      m.el.remove();
    }
  });
});
