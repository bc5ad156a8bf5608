import { expect } from '@esm-bundle/chai';
import { ChatEngine } from '../../src/core/chat-engine.js';
import { Contacts } from '../../src/core/contacts.js';
import { checkProfileChange, statusFrame } from '../../src/core/own-status.js';
import { FriendsChatError } from '../../src/errors.js';
import { decodeJsonBody, FrameType } from '../../src/session/frame.js';
import type { SecureSession } from '../../src/session/secure-session.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { fromUtf8, utf8 } from '../../src/util/bytes.js';
import { waitUntil } from '../helpers/env.js';
import { befriend, goRogue, startPeer } from '../helpers/engine.js';

/** Every frame a raw session receives, by type, with JSON bodies parsed. */
function record(session: SecureSession): { type: number; body: unknown }[] {
  const got: { type: number; body: unknown }[] = [];
  session.onFrame((type, body) => {
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(fromUtf8(body));
    } catch {
      // binary
    }
    got.push({ type, body: parsed });
  });
  return got;
}

const decode = (value: unknown) => decodeJsonBody(utf8(JSON.stringify(value)), statusFrame);

describe('own status and about text', function () {
  this.timeout(60000);

  it('the Status frame schema takes the four statuses and capped texts, nothing else', () => {
    expect(decode({ s: 'busy', t: 'in a meeting', a: 'hi' })).to.deep.equal({ s: 'busy', t: 'in a meeting', a: 'hi' });
    expect(decode({ s: 'invisible' })).to.deep.equal({ s: 'invisible' });
    expect(decode({ s: 'away', t: 'x'.repeat(80), a: 'y'.repeat(300) })).to.have.property('s', 'away');
    for (const bad of [{}, { s: 'sleeping' }, { s: 'busy', t: 'x'.repeat(81) }, { s: 'busy', a: 'y'.repeat(301) }, { s: 'busy', t: 5 }, { s: 'busy', name: 'Eve' }, ['busy'], 'busy']) {
      expect(() => decode(bad), JSON.stringify(bad)).to.throw(/expected/);
    }
  });

  it('checks the page’s input: bad-input for an unknown status, long or non-text texts, unknown fields', () => {
    expect(checkProfileChange({ status: 'away', statusText: 'lunch', about: '' })).to.deep.equal({ status: 'away', statusText: 'lunch', about: '' });
    for (const bad of [null, 'busy', { status: 'sleeping' }, { statusText: 'x'.repeat(81) }, { about: 'y'.repeat(301) }, { about: 3 }, { mood: 'happy' }]) {
      let error: unknown;
      try {
        checkProfileChange(bad);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(bad)).to.be.instanceOf(FriendsChatError);
      expect((error as FriendsChatError).code).to.equal('bad-input');
    }
  });

  it('goes to friends on every session and on change, is stored on both sides, and invisible reads as offline', async () => {
    const network = new LoopbackNetwork({ seed: 5 });
    const aliceStore = new MemoryStore();
    const alice = await startPeer(network, aliceStore);
    const bob = await startPeer(network);
    await befriend(alice, bob);
    expect(bob.engine.contacts.get(alice.id)?.status).to.deep.equal({ s: 'available' });

    await alice.engine.updateProfile({ status: 'busy', statusText: 'in a meeting', about: 'Alice, likes tea' });
    await waitUntil(() => bob.engine.contacts.get(alice.id)?.status?.s === 'busy', 'Bob hears busy');
    expect(bob.engine.contacts.get(alice.id)?.status).to.deep.equal({ s: 'busy', t: 'in a meeting', a: 'Alice, likes tea' });
    // Stored on Bob's side (his contact record) and on Alice's (her own profile record).
    const reopened = await startPeer(new LoopbackNetwork({ seed: 6 }), aliceStore);
    expect(reopened.engine.ownProfile).to.deep.equal({ status: 'busy', statusText: 'in a meeting', about: 'Alice, likes tea' });
    reopened.engine.stop();

    await alice.engine.updateProfile({ status: 'invisible' });
    await waitUntil(() => bob.engine.presence(alice.id) === 'offline', 'Bob sees Alice offline');
    // No status text while invisible; the session still carries messages both ways.
    expect(bob.engine.contacts.get(alice.id)?.status).to.deep.equal({ s: 'invisible', a: 'Alice, likes tea' });
    await alice.engine.sendMessage(bob.id, 'still here');
    await waitUntil(() => bob.messages.some((m) => m.text === 'still here'), 'Bob gets the message');
    await bob.engine.sendMessage(alice.id, 'me too');
    await waitUntil(() => alice.messages.some((m) => m.text === 'me too'), 'Alice gets the answer');
    expect(bob.engine.presence(alice.id)).to.equal('offline');
    expect(alice.engine.presence(bob.id)).to.equal('online');

    await alice.engine.updateProfile({ status: 'available' });
    await waitUntil(() => bob.engine.presence(alice.id) === 'online', 'Alice visible again');

    // Bob's backup holds Alice without her status (she sends it again), and it restores.
    const backup = await bob.engine.exportIdentity('correct horse battery');
    const restored = new MemoryStore();
    expect(await ChatEngine.importIdentity(restored, backup, 'correct horse battery')).to.equal(bob.id);
    const back = await Contacts.load(restored);
    expect(back.get(alice.id)).to.include({ state: 'friend' });
    expect(back.get(alice.id)?.status).to.equal(undefined);
    alice.engine.stop();
    bob.engine.stop();
  });

  it('never goes to a stranger with a request either way; a friend gets it; a malformed one is refused as bad-frame', async () => {
    const network = new LoopbackNetwork({ seed: 9 });
    const alice = await startPeer(network);
    const mallory = await startPeer(network);
    const carol = await startPeer(network);
    const dave = await startPeer(network);
    await alice.engine.updateProfile({ status: 'busy', statusText: 'secret plans', about: 'only for friends' });
    await befriend(alice, mallory);

    // Carol asks Alice (a request to Alice); Alice asks Dave (a request from Alice).
    await carol.engine.addFriend(alice.id, 'hi');
    await waitUntil(() => alice.engine.contacts.get(carol.id)?.state === 'incoming', 'Alice has Carol’s request');
    await alice.engine.addFriend(dave.id, 'hello');
    await waitUntil(() => dave.engine.contacts.get(alice.id)?.state === 'incoming', 'Dave has Alice’s request');
    await new Promise((r) => setTimeout(r, 300));
    expect(carol.engine.contacts.get(alice.id)?.status).to.equal(undefined);
    expect(dave.engine.contacts.get(alice.id)?.status).to.equal(undefined);

    // What a stranger's raw session receives from Alice: no Status frame, even after a change.
    const stranger = await goRogue(network, alice, carol);
    const session = await stranger.connect();
    const got = record(session);
    session.send(FrameType.FriendRequest, utf8('{}'));
    await alice.engine.updateProfile({ statusText: 'new plans' });
    await new Promise((r) => setTimeout(r, 400));
    expect(got.filter((f) => f.type === FrameType.Status)).to.deep.equal([]);
    session.close();
    stranger.signaling.close();

    // A friend's raw session gets it at once (the positive control of the check above).
    const rogue = await goRogue(network, alice, mallory);
    const friendly = await rogue.connect();
    const heard = record(friendly);
    await waitUntil(() => heard.some((f) => f.type === FrameType.Status), 'the friend gets the Status frame');
    expect(heard.find((f) => f.type === FrameType.Status)!.body).to.deep.equal({ s: 'busy', t: 'new plans', a: 'only for friends' });
    friendly.close();
    // A new session while Alice still holds the old one would be dropped as a duplicate.
    const gone = () => waitUntil(() => alice.engine.presence(mallory.id) === 'offline', 'Alice saw the session close');
    await gone();

    // Malformed and oversized Status frames from the friend: refused, reported, nothing stored.
    const bad = [{ s: 'sleeping' }, { s: 'busy', t: 'x'.repeat(81) }, { s: 'away', a: 'y'.repeat(301) }, { s: 'away', name: 'Eve' }];
    for (const body of bad) {
      const s = await rogue.connect();
      const warnings = alice.warnings.length;
      s.send(FrameType.Status, utf8(JSON.stringify(body)));
      await waitUntil(() => alice.warnings.length > warnings, `a warning for ${JSON.stringify(body).slice(0, 40)}`);
      expect(alice.warnings.at(-1)).to.include({ reason: 'bad-frame', peer: mallory.id });
      await waitUntil(() => s.closed, 'Alice closes the session');
      await gone();
    }
    expect(alice.engine.contacts.get(mallory.id)?.status).to.deep.equal({ s: 'available' });
    const good = await rogue.connect();
    good.send(FrameType.Status, utf8(JSON.stringify({ s: 'away', t: 'lunch' })));
    await waitUntil(() => alice.engine.contacts.get(mallory.id)?.status?.s === 'away', 'a good one is kept');
    good.close();
    rogue.signaling.close();
    for (const p of [alice, dave]) p.engine.stop();
    expect(alice.errors).to.deep.equal([]);
  });
});
