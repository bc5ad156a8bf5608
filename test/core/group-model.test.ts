import { expect } from '@esm-bundle/chai';
import { Group } from '../../src/core/group.js';
import { openMessage, parseSealedBody, SenderChain, openSeed, parseKeyBody } from '../../src/core/group-keys.js';
import { applyMemberOp, emptyMembership, groupIdFor, MAX_MEMBERS, type MemberOp } from '../../src/core/group-membership.js';
import { Identity } from '../../src/identity/identity.js';
import { createEntry, type Entry, type EntryKind } from '../../src/log/entry.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { toHex } from '../../src/util/bytes.js';

/** One member's copy of a group: its own identity and store. */
interface Copy {
  identity: Identity;
  group: Group;
  store: MemoryStore;
}

const nonce = 'ab'.repeat(16);

async function copyOf(identity: Identity, groupId: string): Promise<Copy> {
  const store = new MemoryStore();
  return { identity, store, group: await Group.open({ store, identity, now: () => Date.now() }, groupId) };
}

/** An entry signed by `identity` that skips the sender's own checks: what a rogue member could send. */
async function forge(copy: Copy, kind: EntryKind, body: string, extra: Partial<Entry> = {}): Promise<Entry> {
  const log = copy.group.log;
  const me = copy.identity.profileId;
  const head = log.head(me);
  const deps = Object.keys(log.versionVector())
    .filter((a) => a !== me)
    .map((a) => log.head(a)!.id);
  return createEntry(copy.identity, copy.group.id, {
    seq: (head?.seq ?? 0) + 1,
    prev: head?.id ?? '',
    deps,
    clock: log.maxClock + 1,
    ts: Date.now(),
    kind,
    body,
    ...extra,
  });
}

async function all(copy: Copy): Promise<Entry[]> {
  return copy.group.entries();
}

/** Hands every entry `from` holds to `to`. */
async function sync(from: Copy, to: Copy): Promise<void> {
  await to.group.accept(await all(from));
}

function roster(copy: Copy): string[] {
  return [...copy.group.membership.members.values()].map((m) => `${m.id.slice(0, 6)}${m.admin ? '*' : ''}`).sort();
}

describe('group model', () => {
  let alice: Copy, bob: Copy, carol: Copy, dave: Copy;
  let groupId: string;

  beforeEach(async () => {
    const ids = [(await Identity.generate()), (await Identity.generate()), (await Identity.generate()), (await Identity.generate())];
    groupId = groupIdFor(ids[0]!.profileId, nonce);
    [alice, bob, carol, dave] = (await Promise.all(ids.map((id) => copyOf(id, groupId)))) as [Copy, Copy, Copy, Copy];
    const members = [alice, bob, carol, dave].map((c) => ({ id: c.identity.profileId, dh: toHex(c.identity.dh.publicKey) }));
    await alice.group.change({ op: 'create', name: 'Climbing', nonce, members });
    await alice.group.change({ op: 'admin', id: bob.identity.profileId, on: true });
    for (const c of [bob, carol, dave]) await sync(alice, c);
  });

  it('makes the creator the first admin and everyone computes the same members', () => {
    for (const c of [alice, bob, carol, dave]) {
      expect(c.group.membership.name).to.equal('Climbing');
      expect(roster(c)).to.deep.equal(roster(alice));
      expect(c.group.membership.members.get(alice.identity.profileId)?.admin).to.equal(true);
      expect(c.group.membership.members.get(carol.identity.profileId)?.admin).to.equal(false);
    }
  });

  it('resolves two admins removing each other the same way in both orders of arrival', async () => {
    const byAlice = await alice.group.change({ op: 'remove', id: bob.identity.profileId });
    const byBob = await bob.group.change({ op: 'remove', id: alice.identity.profileId });
    expect(byAlice.clock).to.equal(byBob.clock); // concurrent: neither saw the other
    await carol.group.accept([byAlice]);
    await carol.group.accept([byBob]);
    await dave.group.accept([byBob]);
    await dave.group.accept([byAlice]);
    expect(roster(carol)).to.deep.equal(roster(dave));
    // The entry whose author sorts first wins; the other admin is gone and their removal did nothing.
    const first = alice.identity.profileId < bob.identity.profileId ? alice : bob;
    const second = first === alice ? bob : alice;
    expect(carol.group.isMember(first.identity.profileId)).to.equal(true);
    expect(carol.group.isMember(second.identity.profileId)).to.equal(false);
    expect(dave.group.membership.gone.get(second.identity.profileId)).to.equal('removed');
    expect(roster(carol)).to.have.length(3);
  });

  it('refuses a membership change by a member who is not an admin, and stores nothing', async () => {
    const forged = await forge(carol, 'member', JSON.stringify({ op: 'remove', id: bob.identity.profileId } satisfies MemberOp));
    const before = alice.group.log.count;
    const result = await alice.group.accept([forged]);
    expect(result.stored).to.have.length(0);
    expect(result.refused[0]?.reason).to.equal('the author is not an admin');
    expect(alice.group.log.count).to.equal(before);
    expect(alice.group.isMember(bob.identity.profileId)).to.equal(true);
    // Carol's own engine refuses to make it in the first place.
    try {
      await carol.group.change({ op: 'remove', id: bob.identity.profileId });
      expect.fail('a non-admin changed the membership');
    } catch (error) {
      expect((error as { code: string }).code).to.equal('not-admin');
    }
  });

  it('refuses an entry a removed member signs after the removal', async () => {
    await alice.group.change({ op: 'remove', id: carol.identity.profileId });
    await sync(alice, carol);
    await sync(alice, bob);
    expect(carol.group.isMember(carol.identity.profileId)).to.equal(false);
    const late = await forge(carol, 'member', JSON.stringify({ op: 'rename', name: 'Mine now' } satisfies MemberOp));
    const result = await bob.group.accept([late]);
    expect(result.refused[0]?.reason).to.equal('the author is not a member');
    expect(bob.group.membership.name).to.equal('Climbing');
    const chatter = await forge(carol, 'key', JSON.stringify({ e: 1, k: '00'.repeat(32), to: {} }));
    expect((await bob.group.accept([chatter])).refused[0]?.reason).to.equal('the author is not a member at this point');
  });

  it('refuses a fork: a second entry signed for the same place', async () => {
    const one = await forge(carol, 'member', JSON.stringify({ op: 'leave' } satisfies MemberOp));
    const two = await forge(carol, 'member', JSON.stringify({ op: 'leave' } satisfies MemberOp), { ts: one.ts + 1 });
    expect((await alice.group.accept([one])).stored).to.have.length(1);
    const result = await alice.group.accept([two]);
    expect(result.stored).to.have.length(0);
    expect(result.refused[0]?.reason).to.equal('fork');
    expect((await alice.group.log.forks()).map((e) => e.id)).to.deep.equal([two.id]);
  });

  it('refuses a membership change of a group by someone who did not create it', async () => {
    const mallory = await copyOf((await Identity.generate()), groupId);
    const fake = await forge(mallory, 'member', JSON.stringify({ op: 'create', name: 'x', nonce, members: [{ id: mallory.identity.profileId, dh: '11'.repeat(32) }] }));
    const fresh = await copyOf((await Identity.generate()), groupId);
    expect((await fresh.group.accept([fake])).refused[0]?.reason).to.equal('the creator does not match the group ID');
  });

  it('encrypts messages so that the removed member cannot read what is sent after the removal', async () => {
    await alice.group.send({ t: 'text', b: 'before' });
    for (const c of [bob, carol, dave]) await sync(alice, c);
    const before = (await all(carol)).filter((e) => e.kind === 'sealed');
    expect(carol.group.decrypt(before[0]!)?.b).to.equal('before');

    await alice.group.change({ op: 'remove', id: carol.identity.profileId });
    const [key, message] = await alice.group.send({ t: 'text', b: 'after' });
    expect(key!.kind).to.equal('key'); // a new sender key, because the members changed
    for (const c of [bob, carol, dave]) await sync(alice, c);
    expect(bob.group.decrypt(message!)?.b).to.equal('after');
    expect(dave.group.decrypt(message!)?.b).to.equal('after');
    expect(carol.group.decrypt(message!)).to.equal(undefined);
    // Nor with any key Carol ever held: her copy of the old epoch's chain opens nothing new.
    const oldKey = (await all(carol)).find((e) => e.kind === 'key' && e.author === alice.identity.profileId)!;
    const seed = (await openSeed(groupId, alice.identity.profileId, parseKeyBody(oldKey.body), carol.identity.profileId, carol.identity.dh))!;
    const body = parseSealedBody(message!.body);
    for (let n = 0; n < 8; n++) expect(openMessage(groupId, alice.identity.profileId, { ...body, n }, new SenderChain(seed))).to.equal(undefined);
    expect(parseKeyBody(key!.body).to[carol.identity.profileId]).to.equal(undefined);
  });

  it('refuses a replayed old sender key and a message under an old key', async () => {
    await alice.group.send({ t: 'text', b: 'one' });
    const firstKey = (await all(alice)).find((e) => e.kind === 'key')!;
    await alice.group.change({ op: 'remove', id: dave.identity.profileId });
    await alice.group.send({ t: 'text', b: 'two' });
    for (const c of [bob]) await sync(alice, c);
    const count = bob.group.log.count;
    const replay = await forge(alice, 'key', firstKey.body!);
    const result = await bob.group.accept([replay]);
    expect(result.refused[0]?.reason).to.equal('a replayed or old sender key');
    expect(bob.group.log.count).to.equal(count);
    const old = await forge(alice, 'sealed', JSON.stringify({ e: 1, n: 5, c: 'AAAA' }));
    expect((await bob.group.accept([old])).refused[0]?.reason).to.equal('the message does not use its author\u2019s current sender key');
  });

  it('holds a new member\u2019s message that arrives before the entry adding them, and stores it once that is here', async () => {
    const erin = await copyOf((await Identity.generate()), groupId);
    const add = await alice.group.change({ op: 'add', id: erin.identity.profileId, dh: toHex(erin.identity.dh.publicKey) });
    await sync(alice, erin);
    const made = await erin.group.send({ t: 'text', b: 'hi, I am new' });
    const early = await bob.group.accept(made);
    expect(early.refused).to.deep.equal([]);
    expect(early.stored).to.have.length(0);
    expect(early.gap).to.equal(true);
    const later = await bob.group.accept([add]);
    expect(later.stored.map((e) => e.id)).to.deep.equal([add.id, ...made.map((e) => e.id)]);
    expect(bob.group.decrypt(made.at(-1)!)?.b).to.equal('hi, I am new');
  });

  it('refuses the 51st member', () => {
    const state = emptyMembership();
    const creator = 'aa'.repeat(32);
    const members = Array.from({ length: MAX_MEMBERS }, (_, i) => ({ id: i === 0 ? creator : i.toString(16).padStart(64, '0'), dh: '11'.repeat(32) }));
    const gid = groupIdFor(creator, nonce);
    expect(applyMemberOp(state, gid, { author: creator }, { op: 'create', name: 'big', nonce, members })).to.equal(undefined);
    expect(applyMemberOp(state, gid, { author: creator }, { op: 'add', id: 'ff'.repeat(32), dh: '11'.repeat(32) })).to.equal('a group has at most 50 members');
  });

  it('keeps membership and keys across a reopen of the store', async () => {
    await alice.group.send({ t: 'text', b: 'kept' });
    await sync(alice, bob);
    const reopened = await Group.open({ store: bob.store, identity: bob.identity, now: () => Date.now() }, groupId);
    expect(roster({ ...bob, group: reopened })).to.deep.equal(roster(bob));
    const sealed = (await reopened.entries()).find((e) => e.kind === 'sealed')!;
    expect(reopened.decrypt(sealed)?.b).to.equal('kept');
  });
});

