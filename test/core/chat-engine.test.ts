import { expect } from '@esm-bundle/chai';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { Keyspace } from '../../src/storage/keyspace.js';
import { FrameType } from '../../src/session/frame.js';
import { SecureSession } from '../../src/session/secure-session.js';
import { Identity, rendezvousId } from '../../src/identity/identity.js';
import { LoopbackSignaling } from '../../src/transport/loopback/loopback-signaling.js';
import { fromHex, utf8 } from '../../src/util/bytes.js';
import { directConversationId } from '../../src/log/conversation-id.js';
import { createEntry } from '../../src/log/entry.js';
import { befriend, startPeer, texts, type TestPeer } from '../helpers/engine.js';
import { waitUntil } from '../helpers/env.js';

describe('ChatEngine over the loopback network', () => {
  const running: TestPeer[] = [];
  async function peer(network: LoopbackNetwork, store = new MemoryStore()): Promise<TestPeer> {
    const p = await startPeer(network, store);
    running.push(p);
    return p;
  }
  afterEach(() => {
    for (const p of running.splice(0)) p.engine.stop();
  });

  it('makes friends through an invite and chats both ways with statuses up to read', async () => {
    const network = new LoopbackNetwork({ seed: 1 });
    const alice = await peer(network);
    const bob = await peer(network);
    await befriend(alice, bob);
    expect(alice.requests.map((r) => [r.id, r.note, r.viaInvite])).to.deep.equal([[bob.id, 'hi, it is Bob', true]]);
    const sent = await alice.engine.sendMessage(bob.id, 'Hallo Bob 👋🏽');
    expect(sent.status).to.equal('sent');
    await waitUntil(() => bob.messages.length === 1, 'Bob receives');
    expect(bob.messages[0]!.text).to.equal('Hallo Bob 👋🏽');
    await waitUntil(() => alice.statuses.some((s) => s.id === sent.id && s.status === 'delivered'), 'delivered');
    await bob.engine.markRead(alice.id);
    await waitUntil(() => alice.statuses.some((s) => s.id === sent.id && s.status === 'read'), 'read');
    expect(alice.statuses.filter((s) => s.id === sent.id).map((s) => s.status)).to.deep.equal(['sending', 'sent', 'delivered', 'read']);
    await bob.engine.sendMessage(alice.id, 'Hi Alice');
    await waitUntil(() => alice.messages.length === 1, 'Alice receives');
    expect(await texts(alice, bob.id)).to.deep.equal(await texts(bob, alice.id));
    expect(await texts(alice, bob.id)).to.deep.equal(['Hallo Bob 👋🏽', 'Hi Alice']);
  });

  it('uses an invite secret once only: a second redeemer is refused the invite and asks plainly', async () => {
    const network = new LoopbackNetwork({ seed: 2 });
    const alice = await peer(network);
    const bob = await peer(network);
    const carol = await peer(network);
    const invite = await alice.engine.createInvite();
    await bob.engine.addFriend(invite);
    await waitUntil(() => alice.requests.length === 1, 'Bob’s request arrives');
    await carol.engine.addFriend(invite);
    await waitUntil(() => alice.requests.length === 2, 'Carol’s plain request arrives');
    expect(alice.requests.map((r) => [r.id, !!r.viaInvite])).to.deep.equal([[bob.id, true], [carol.id, false]]);
    expect(alice.warnings.some((w) => w.reason === 'handshake-failed' && /invite/.test(w.detail))).to.equal(true);
  });

  it('delivers 20 messages sent while the friend was offline, once each, in order', async () => {
    const network = new LoopbackNetwork({ seed: 3 });
    const alice = await peer(network);
    const bobStore = new MemoryStore();
    let bob = await peer(network, bobStore);
    await befriend(alice, bob);
    bob.engine.stop();
    await waitUntil(() => alice.engine.presence(bob.id) === 'offline', 'Bob is offline');
    const sent: { id: string; text: string; status?: string }[] = [];
    for (let i = 0; i < 20; i++) sent.push(await alice.engine.sendMessage(bob.id, `message ${i}`));
    expect(sent.every((m) => m.status === 'sending')).to.equal(true);
    bob = await peer(network, bobStore);
    await waitUntil(() => bob.messages.length === 20, 'all 20 arrive');
    await new Promise((r) => setTimeout(r, 200));
    expect(bob.messages.map((m) => m.text)).to.deep.equal(sent.map((m) => m.text));
    await waitUntil(() => sent.every((m) => alice.statuses.some((s) => s.id === m.id && s.status === 'delivered')), 'all delivered');
    expect(await texts(bob, alice.id)).to.deep.equal(sent.map((m) => m.text));
  });

  it('merges messages written on both sides of a partition into the same order', async () => {
    const network = new LoopbackNetwork({ seed: 4 });
    const alice = await peer(network);
    const bob = await peer(network);
    await befriend(alice, bob);
    const [ra, rb] = [alice.engine.identity.rendezvousId, bob.engine.identity.rendezvousId];
    network.partition(ra, rb);
    for (let i = 0; i < 5; i++) {
      await alice.engine.sendMessage(bob.id, `a${i}`);
      await bob.engine.sendMessage(alice.id, `b${i}`);
    }
    network.heal();
    await waitUntil(async () => (await texts(alice, bob.id)).length === 10 && (await texts(bob, alice.id)).length === 10, 'both have all 10', 10000);
    expect(await texts(alice, bob.id)).to.deep.equal(await texts(bob, alice.id));
  });

  it('lets a stranger send a friend request and nothing else', async () => {
    const network = new LoopbackNetwork({ seed: 5 });
    const alice = await peer(network);
    const mallory = (await Identity.generate());
    const signaling = new LoopbackSignaling(network);
    signaling.start(mallory.rendezvousId);
    const channel = await signaling.dial(rendezvousId(fromHex(alice.id)));
    const session = await SecureSession.establish(channel, { identity: mallory, displayName: 'Mallory' });
    const c = directConversationId(mallory.profileId, alice.id);
    const entry = await createEntry(mallory, c, { seq: 1, prev: '', deps: [], clock: 1, ts: Date.now(), kind: 'text', body: 'buy now' });
    session.send(FrameType.Entries, utf8(JSON.stringify({ c, entries: [entry] })));
    session.send(FrameType.Heads, utf8(JSON.stringify({ c, vv: {} })));
    session.send(FrameType.FriendRequest, utf8(JSON.stringify({ note: 'hello' })));
    await waitUntil(() => alice.requests.length === 1, 'the request arrives');
    expect(alice.messages).to.deep.equal([]);
    const keys = await alice.store.keys();
    // Only the request itself (its contact record): no log, no entry of the stranger's.
    expect(keys.filter((k) => k.includes(mallory.profileId) && k !== Keyspace.contact(mallory.profileId))).to.deep.equal([]);
    await alice.engine.sendMessage(mallory.profileId, 'x').then(
      () => expect.fail('must not send to a stranger'),
      (e) => expect(e.code).to.equal('unknown-friend'),
    );
    signaling.close();
  });

  it('refuses messages with clear errors: empty, over 64 KiB, unknown friend', async () => {
    const network = new LoopbackNetwork({ seed: 6 });
    const alice = await peer(network);
    const bob = await peer(network);
    await befriend(alice, bob);
    const codes = await Promise.all([
      alice.engine.sendMessage(bob.id, '   ').catch((e) => e.code),
      alice.engine.sendMessage(bob.id, 'x'.repeat(64 * 1024 + 1)).catch((e) => e.code),
      alice.engine.sendMessage('0'.repeat(64), 'hi').catch((e) => e.code),
      alice.engine.sendMessage('nope', 'hi').catch((e) => e.code),
    ]);
    expect(codes).to.deep.equal(['empty-message', 'message-too-large', 'unknown-friend', 'bad-input']);
    expect((await alice.engine.sendMessage(bob.id, 'x'.repeat(64 * 1024))).text.length).to.equal(64 * 1024);
  });

  it('makes self-destructing messages disappear on both sides and not come back by sync', async () => {
    const network = new LoopbackNetwork({ seed: 7 });
    const alice = await peer(network);
    const bobStore = new MemoryStore();
    let bob = await peer(network, bobStore);
    await befriend(alice, bob);
    await alice.engine.sendMessage(bob.id, 'burn after reading', { expiresIn: 1000 });
    await waitUntil(() => bob.messages.length === 1, 'arrives');
    await waitUntil(async () => (await bob.engine.history(alice.id))[0]!.expired, 'expired at Bob', 3000);
    await waitUntil(async () => (await alice.engine.history(bob.id))[0]!.expired, 'expired at Alice', 3000);
    // Bob restarts and syncs again: the text stays gone.
    bob.engine.stop();
    bob = await peer(network, bobStore);
    await waitUntil(() => bob.engine.presence(alice.id) === 'online', 'reconnected');
    await new Promise((r) => setTimeout(r, 200));
    const history = await bob.engine.history(alice.id);
    expect(history.map((m) => [m.text, m.expired])).to.deep.equal([['', true]]);
  });

  it('sends typing indicators only when allowed', async () => {
    const network = new LoopbackNetwork({ seed: 8 });
    const alice = await peer(network);
    const bob = await peer(network);
    await befriend(alice, bob);
    alice.engine.setTyping(bob.id, true);
    await waitUntil(() => bob.typing.length === 1, 'typing shown');
    expect(bob.typing[0]).to.deep.equal({ friendId: alice.id, on: true });
  });

  it('blocks sending after a friend’s key changes until they are verified', async () => {
    const network = new LoopbackNetwork({ seed: 9 });
    const alice = await peer(network);
    const bob = await peer(network);
    await befriend(alice, bob);
    // Pretend the pinned key was another one: the next session shows a change.
    await alice.engine.contacts.update(bob.id, { pinnedKey: 'ff'.repeat(32) });
    bob.engine.stop();
    const bob2 = await peer(network, bob.store as MemoryStore);
    await waitUntil(() => alice.warnings.some((w) => w.reason === 'key-changed'), 'key-changed raised');
    const code = await alice.engine.sendMessage(bob.id, 'hi').catch((e) => e.code);
    expect(code).to.equal('key-changed');
    await alice.engine.verifyFriend(bob2.id);
    expect((await alice.engine.sendMessage(bob.id, 'hi')).text).to.equal('hi');
  });

  it('fails unconfirmed messages with the reason when the friend is removed', async () => {
    const network = new LoopbackNetwork({ seed: 10 });
    const alice = await peer(network);
    const bob = await peer(network);
    await befriend(alice, bob);
    bob.engine.stop();
    await waitUntil(() => alice.engine.presence(bob.id) === 'offline', 'Bob is offline');
    const pending = [await alice.engine.sendMessage(bob.id, 'one'), await alice.engine.sendMessage(bob.id, 'two')];
    await alice.engine.removeFriend(bob.id);
    const failed = alice.statuses.filter((s) => s.status === 'failed');
    expect(failed.map((s) => [s.id, s.reason])).to.deep.equal(pending.map((m) => [m.id, 'removed']));
  });
});
