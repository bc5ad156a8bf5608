import { expect } from '@esm-bundle/chai';
import type { FriendsChatElement } from '../../src/elements/friends-chat.js';
import type { FriendsChatGroupEvent } from '../../src/events/group-event.js';
import { uniqueProfile, waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget, type Mounted } from '../helpers/widgets.js';

/** What a widget's open thread shows: its system lines and message texts, in order. */
function shown(el: FriendsChatElement): string[] {
  const thread = el.shadowRoot!.querySelector('friends-chat-thread')?.shadowRoot;
  return thread ? [...thread.querySelectorAll('.system, .message .text')].map((n) => n.textContent!.trim()) : [];
}

const texts = async (m: Mounted, groupId: string): Promise<string[]> => (await m.el.history(groupId, { limit: 200 })).map((x) => (x.system ? `[${x.system.op}]` : x.text));

function groupEvents(m: Mounted): FriendsChatGroupEvent[] {
  return (m as Mounted & { group?: FriendsChatGroupEvent[] }).group!;
}

async function mount(name: string, profile = uniqueProfile(name)): Promise<Mounted> {
  const m = await mountWidget({ 'display-name': name, profile });
  const events: FriendsChatGroupEvent[] = [];
  m.el.addEventListener('friends-chat-group', (e) => events.push(e));
  (m as Mounted & { group?: FriendsChatGroupEvent[] }).group = events;
  return m;
}

describe('group chats between real widgets through a local PeerJS server', function () {
  this.timeout(180000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('creates a group from the form, gives three members one history, and shows Carol her removal but nothing after it', async () => {
    const alice = await mount('Alice');
    const bob = await mount('Bob');
    const carol = await mount('Carol');
    await makeFriends(alice, bob);
    await makeFriends(alice, carol);
    await makeFriends(bob, carol);

    // Alice creates the group with the keyboard-usable form in her roster.
    const list = alice.el.shadowRoot!.querySelector('friends-chat-group-list')!.shadowRoot!;
    (list.querySelector('#group-name') as HTMLInputElement).value = 'Climbing';
    for (const box of list.querySelectorAll<HTMLInputElement>('input[name=member]')) box.checked = true;
    (list.querySelector('.new-group button[type=submit]') as HTMLButtonElement).click();
    await waitUntil(() => alice.el.groups.length === 1, 'the group exists');
    const id = alice.el.groups[0]!.id;
    expect(groupEvents(alice).map((e) => e.change)).to.deep.equal(['created']);
    await waitUntil(() => bob.el.groups.length === 1 && carol.el.groups.length === 1, 'Bob and Carol joined', 30000);
    // `groups` lists a group as soon as its first entries are being checked; the event follows their write.
    await waitUntil(() => groupEvents(carol).length > 0, 'Carol is told she joined', 10000);
    expect(groupEvents(carol)[0]!.change).to.equal('joined');
    expect(carol.el.groups[0]!.members).to.have.length(3);

    await alice.el.sendMessage(id, 'Saturday at the wall?');
    await bob.el.sendMessage(id, 'Yes!');
    await carol.el.sendMessage(id, 'Count me in');
    await waitUntil(async () => (await texts(alice, id)).length === 4 && (await texts(bob, id)).length === 4 && (await texts(carol, id)).length === 4, 'all hold 4', 30000);
    expect(await texts(bob, id)).to.deep.equal(await texts(alice, id));
    expect(await texts(carol, id)).to.deep.equal(await texts(alice, id));

    await carol.el.open(id);
    await waitUntil(() => shown(carol.el).includes('Count me in'), 'Carol sees the thread');
    expect(shown(carol.el)[0]).to.equal('Alice created “Climbing”');

    await alice.el.removeMember(id, carol.el.profileId);
    await waitUntil(() => groupEvents(carol).some((e) => e.change === 'removed'), 'Carol is told', 30000);
    await alice.el.sendMessage(id, 'after Carol left');
    await bob.el.sendMessage(id, 'Bob after');
    await waitUntil(async () => (await texts(bob, id)).includes('after Carol left'), 'Bob has it', 30000);
    await new Promise((r) => setTimeout(r, 1500));
    await waitUntil(() => shown(carol.el).at(-1) === 'Alice removed you', 'Carol’s thread shows her removal');
    expect(shown(carol.el).join('\n')).to.not.include('after');
    const panel = carol.el.shadowRoot!.querySelector('friends-chat-group-panel')!.shadowRoot!;
    expect(panel.textContent).to.include('You are no longer in this group.');
    expect(carol.el.shadowRoot!.querySelector('friends-chat-thread')!.shadowRoot!.querySelector('textarea')!.disabled).to.equal(true);
  });

  it('relays to a member never online with the author, and loses nothing over a reload', async () => {
    const carolProfile = uniqueProfile('carol');
    const bobProfile = uniqueProfile('bob');
    const alice = await mount('Alice');
    let bob = await mount('Bob', bobProfile);
    let carol = await mount('Carol', carolProfile);
    await makeFriends(alice, bob);
    await makeFriends(alice, carol);
    await makeFriends(bob, carol);
    const group = await alice.el.createGroup('Relay', [bob.el.profileId, carol.el.profileId]);
    await waitUntil(() => bob.el.groups.length === 1 && carol.el.groups.length === 1, 'joined', 30000);

    carol.el.remove();
    await alice.el.sendMessage(group.id, 'while Carol is away');
    await waitUntil(async () => (await texts(bob, group.id)).includes('while Carol is away'), 'Bob has it', 30000);
    alice.el.remove();
    carol = await mount('Carol', carolProfile);
    await waitUntil(async () => (await texts(carol, group.id)).includes('while Carol is away'), 'Carol gets it from Bob', 40000);

    await carol.el.sendMessage(group.id, 'one');
    bob.el.remove(); // Bob reloads mid-conversation
    await carol.el.sendMessage(group.id, 'two');
    bob = await mount('Bob', bobProfile);
    await bob.el.sendMessage(group.id, 'three');
    await waitUntil(async () => (await texts(bob, group.id)).length === 5 && (await texts(carol, group.id)).length === 5, 'both hold five', 40000);
    // Once each (nothing lost, nothing doubled), in the same order on both.
    expect([...(await texts(bob, group.id))].sort()).to.deep.equal(['[create]', 'one', 'three', 'two', 'while Carol is away']);
    expect(await texts(carol, group.id)).to.deep.equal(await texts(bob, group.id));
  });
});
