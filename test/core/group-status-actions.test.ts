import { expect } from '@esm-bundle/chai';
import { sendJson } from '../../src/core/frames.js';
import { Group } from '../../src/core/group.js';
import { ConversationLog } from '../../src/log/conversation-log.js';
import type { GroupEventType, GroupInfo } from '../../src/model/index.js';
import { FrameType } from '../../src/session/frame.js';
import { Keyspace } from '../../src/storage/keyspace.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { befriend, goRogue, startPeer, type TestPeer } from '../helpers/engine.js';
import { waitUntil } from '../helpers/env.js';

type GroupPeer = TestPeer & { groupEvents: { type: GroupEventType; group: GroupInfo; listed: boolean }[] };

describe('group message status, actions and joining', () => {
  const running: GroupPeer[] = [];
  async function peer(network: LoopbackNetwork, store = new MemoryStore()): Promise<GroupPeer> {
    const events: GroupPeer['groupEvents'] = [];
    const p = (await startPeer(network, store, {
      onGroup: (type, group) => events.push({ type, group, listed: p.engine.groups.has(group.id) }),
    })) as GroupPeer;
    p.groupEvents = events;
    running.push(p);
    return p;
  }
  afterEach(() => {
    for (const p of running.splice(0)) p.engine.stop();
  });

  async function trio(seed: number) {
    const network = new LoopbackNetwork({ seed });
    const alice = await peer(network);
    const bob = await peer(network);
    const carol = await peer(network);
    await befriend(alice, bob);
    await befriend(alice, carol);
    await befriend(bob, carol);
    return { network, alice, bob, carol };
  }

  it('counts a message delivered once every member it was sent to who is still a member holds it', async () => {
    const { network, alice, bob, carol } = await trio(11);
    const group = await alice.engine.groups.create('Status', [bob.id, carol.id]);
    await waitUntil(() => bob.engine.groups.has(group.id) && carol.engine.groups.has(group.id), 'joined');
    carol.engine.stop();
    await waitUntil(() => alice.engine.presence(carol.id) === 'offline', 'Carol is away');
    const sent = await alice.engine.sendMessage(group.id, 'while Carol is away');
    const mine = async () => (await alice.engine.history(group.id)).find((m) => m.id === sent.id)!;
    await waitUntil(async () => (await mine()).status === 'sent', 'Bob has it');
    expect((await mine()).reach).to.deep.equal({ count: 1, of: 2 });
    expect(alice.statuses.filter((s) => s.id === sent.id).map((s) => s.status)).to.deep.equal(['sent']);
    // Carol is removed: she no longer counts, so the message is now with everyone it is for.
    await alice.engine.groups.removeMember(group.id, carol.id);
    await waitUntil(() => alice.statuses.some((s) => s.id === sent.id && s.status === 'delivered'), 'delivered is reported');
    expect((await mine()).reach).to.deep.equal({ count: 1, of: 1 });
    // A member added later does not count for a message sent before they joined.
    const dave = await peer(network);
    await befriend(alice, dave);
    await alice.engine.groups.addMember(group.id, dave.id);
    await waitUntil(() => dave.engine.groups.has(group.id), 'Dave joined');
    expect((await mine()).status).to.equal('delivered');
  });

  it('replies, reacts, edits and deletes in a group; every member sees the same, reactions by member', async () => {
    const { alice, bob, carol } = await trio(12);
    const group = await alice.engine.groups.create('Actions', [bob.id, carol.id]);
    await waitUntil(() => bob.engine.groups.has(group.id) && carol.engine.groups.has(group.id), 'joined');
    const plan = await alice.engine.sendMessage(group.id, 'Saturday?');
    const oops = await alice.engine.sendMessage(group.id, 'typo');
    const has = (p: TestPeer, id: string) => async () => (await p.engine.history(group.id)).some((m) => m.id === id);
    await waitUntil(async () => (await has(bob, oops.id)()) && (await has(carol, oops.id)()), 'both hold the messages');

    const reply = await bob.engine.sendMessage(group.id, 'Yes', { replyTo: plan.id });
    expect(reply.kind).to.equal('reply');
    expect(reply.quote).to.deep.equal({ from: alice.id, text: 'Saturday?' });
    const like = await carol.engine.actions.react(group.id, plan.id, '👍');
    const edit = await alice.engine.actions.edit(group.id, plan.id, 'Saturday at ten?');
    const gone = await alice.engine.actions.delete(group.id, oops.id);

    const codeOf = (run: () => Promise<unknown>) => run().then(() => 'none', (e: { code: string }) => e.code);
    expect(await codeOf(() => carol.engine.actions.edit(group.id, plan.id, 'mine now'))).to.equal('bad-input');
    expect(await codeOf(() => bob.engine.actions.delete(group.id, plan.id))).to.equal('bad-input');
    expect(await codeOf(() => bob.engine.actions.react(group.id, plan.id, 'x'))).to.equal('bad-input');
    expect(await codeOf(() => bob.engine.actions.react(group.id, 'ab'.repeat(32), '👍'))).to.equal('bad-input');

    const view = async (p: TestPeer) =>
      (await p.engine.history(group.id, { limit: 100 })).filter((m) => !m.system).map((m) => `${m.from.slice(0, 6)} ${m.kind} ${m.ref?.slice(0, 6) ?? '-'} ${m.text}`);
    const last = [reply, like, edit, gone].map((m) => m.id);
    await waitUntil(async () => {
      for (const p of [alice, bob, carol]) for (const id of last) if (!(await has(p, id)())) return false;
      return true;
    }, 'every member holds every action');
    const seen = await view(alice);
    expect(seen).to.deep.equal([
      `${alice.id.slice(0, 6)} text - Saturday?`,
      `${alice.id.slice(0, 6)} text - typo`,
      `${bob.id.slice(0, 6)} reply ${plan.id.slice(0, 6)} Yes`,
      `${carol.id.slice(0, 6)} react ${plan.id.slice(0, 6)} 👍`,
      `${alice.id.slice(0, 6)} edit ${plan.id.slice(0, 6)} Saturday at ten?`,
      `${alice.id.slice(0, 6)} delete ${oops.id.slice(0, 6)} `,
    ]);
    expect(await view(bob)).to.deep.equal(seen);
    expect(await view(carol)).to.deep.equal(seen);
    // The reaction reached the others as an event with its member as author, and counts as nothing unread.
    expect(alice.messages.find((m) => m.kind === 'react')?.from).to.equal(carol.id);
    expect(bob.engine.groups.info(group.id).unread).to.equal(2);
  });

  it('shows a member\u2019s forged action (deleting or editing another\u2019s message) nowhere', async () => {
    const { network, alice, bob, carol } = await trio(14);
    const group = await alice.engine.groups.create('Forged', [bob.id, carol.id]);
    await waitUntil(() => bob.engine.groups.has(group.id) && carol.engine.groups.has(group.id), 'joined');
    const plan = await alice.engine.sendMessage(group.id, 'mine');
    await waitUntil(async () => (await bob.engine.history(group.id)).some((m) => m.id === plan.id), 'Bob has it');
    // Bob skips the API's checks: his own copy of the group seals the actions, his raw session sends them.
    const rogue = await goRogue(network, alice, bob);
    const own = await Group.open({ store: bob.store, identity: rogue.identity, now: () => Date.now() }, group.id);
    const forged = [
      ...(await own.send({ t: 'delete', b: JSON.stringify({ r: plan.id }) })),
      ...(await own.send({ t: 'edit', b: JSON.stringify({ r: plan.id, t: 'Bob wrote this' }) })),
      ...(await own.send({ t: 'react', b: JSON.stringify({ r: plan.id, e: 'x' }) })),
      ...(await own.send({ t: 'text', b: 'and a real one' })),
    ];
    const session = await rogue.connect();
    sendJson(session, FrameType.GroupEntries, { g: group.id, entries: forged });
    const view = async (p: TestPeer) => (await p.engine.history(group.id)).filter((m) => !m.system).map((m) => `${m.kind} ${m.text}`);
    await waitUntil(async () => (await view(carol)).includes('text and a real one'), 'Carol has Bob\u2019s entries (relayed by Alice)');
    expect(await view(alice)).to.deep.equal(['text mine', 'text and a real one']);
    expect(await view(carol)).to.deep.equal(['text mine', 'text and a real one']);
    expect(alice.messages.map((m) => m.kind)).to.not.include('delete');
    session.close();
  });

  it('sends a file to a group: every member fetches it from the author; a friend outside the group cannot', async () => {
    const { network, alice, bob, carol } = await trio(15);
    const dave = await peer(network);
    await befriend(alice, dave);
    const group = await alice.engine.groups.create('Files', [bob.id, carol.id]);
    await waitUntil(() => bob.engine.groups.has(group.id) && carol.engine.groups.has(group.id), 'joined');
    // Carol is away when the file is sent, and fetches it once she is back (after Bob has it all).
    carol.engine.stop();
    const bytes = new Uint8Array(200_000).map((_, i) => (i * 31) & 255);
    const sent = await alice.engine.sendFile(group.id, new Blob([bytes]), 'climb.bin');
    expect(sent.kind).to.equal('file');
    expect(sent.file?.name).to.equal('climb.bin');
    await waitUntil(() => bob.progress.some((x) => x.messageId === sent.id && x.state === 'done'), 'Bob has the file', 20000);
    const carol2 = await peer(network, carol.store as MemoryStore);
    for (const p of [bob, carol2]) {
      await waitUntil(() => p.progress.some((x) => x.messageId === sent.id && x.state === 'done'), 'the member has the file', 20000);
      expect(p.progress.filter((x) => x.messageId === sent.id).every((x) => x.friendId === group.id && x.conversationId === group.id)).to.equal(true);
      const file = await p.engine.file(group.id, sent.id);
      expect(new Uint8Array(await file!.blob.arrayBuffer())).to.deep.equal(bytes);
      const shown = (await p.engine.history(group.id)).find((m) => m.id === sent.id)!;
      expect([shown.kind, shown.file?.name, shown.file?.state, shown.from]).to.deep.equal(['file', 'climb.bin', 'done', alice.id]);
    }
    // Dave is Alice's friend but not in the group: asking for its chunks gets a refusal, not bytes.
    const rogue = await goRogue(network, alice, dave);
    const session = await rogue.connect();
    const answers: number[] = [];
    session.onFrame((type) => void answers.push(type));
    sendJson(session, FrameType.FileWant, { file: sent.id, want: [[0, 4]], reset: true, have: 0 });
    await waitUntil(() => answers.includes(FrameType.FileCancel), 'Dave is refused');
    expect(answers).to.not.include(FrameType.FileChunk);
    session.close();
  });

  it('lists a group it joins only with its one joined event, however many batches bring it at once', async () => {
    const { network, alice, bob, carol } = await trio(13);
    carol.engine.stop();
    const group = await alice.engine.groups.create('Twice', [bob.id, carol.id]);
    await alice.engine.sendMessage(group.id, 'first');
    const entries = await (await ConversationLog.open(alice.store, group.id)).history({ limit: 100 });
    expect(entries.length).to.equal(3);
    alice.engine.stop();

    // Carol comes back; whenever her list of groups is written, is the group listed without its event?
    const store = carol.store as MemoryStore;
    const write = store.set.bind(store);
    let early = 0;
    let carol2: GroupPeer | undefined;
    store.set = (key, value) => {
      if (key === Keyspace.groups && carol2?.engine.groups.has(group.id) && !carol2.groupEvents.length) early++;
      return write(key, value);
    };
    carol2 = await peer(network, store);
    // Only Bob brings the group, in two batches at once (as when two members relay it together).
    const rogue = await goRogue(network, carol2, bob);
    const session = await rogue.connect();
    sendJson(session, FrameType.GroupEntries, { g: group.id, entries });
    sendJson(session, FrameType.GroupEntries, { g: group.id, entries });
    await waitUntil(() => carol2!.groupEvents.length > 0, 'Carol joined');
    await new Promise((r) => setTimeout(r, 300));
    expect(carol2.groupEvents.map((e) => [e.type, e.listed])).to.deep.equal([['joined', true]]);
    expect(early).to.equal(0);
    expect(carol2.messages.map((m) => m.text || `[${m.system?.op}]`)).to.deep.equal(['[create]', 'first']);
    expect(carol2.engine.groups.list().map((g) => g.id)).to.deep.equal([group.id]);
    session.close();
  });
});
