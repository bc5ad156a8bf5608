import { expect } from '@esm-bundle/chai';
import { randomBytes } from '../../src/crypto/index.js';
import { createEntry } from '../../src/log/entry.js';
import { FrameType } from '../../src/session/frame.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { utf8 } from '../../src/util/bytes.js';
import { waitUntil } from '../helpers/env.js';
import { befriend, goRogue, startPeer } from '../helpers/engine.js';
import { noUncaughtErrors } from '../helpers/loopback.js';

describe('a malicious friend', function () {
  this.timeout(240000);

  it('sends 100,000 random and mutated frames and invalid entries: nothing invalid is stored, chat goes on', async () => {
    const network = new LoopbackNetwork({ seed: 77 });
    const alice = await startPeer(network);
    const bob = await startPeer(network);
    const mallory = await startPeer(network);
    await befriend(alice, bob);
    await befriend(alice, mallory);
    // Mallory goes rogue: her own client is gone, a raw session with her valid keys remains.
    const { identity, c, signaling, connect } = await goRogue(network, alice, mallory);

    const types = Object.values(FrameType);
    let sent = 0;
    let sessions = 0;
    const errors = await noUncaughtErrors(async () => {
      // Garbage: random types and bodies, and valid-looking JSON with wrong shapes. The first bad
      // frame closes the session; the rest of each burst is never read.
      while (sent < 100_000) {
        const session = await connect();
        sessions++;
        for (let k = 0; k < 1000; k++, sent++) {
          if (session.closed) continue;
          const type = k % 3 === 0 ? Math.floor(Math.random() * 256) : types[k % types.length]!;
          const body =
            k % 2
              ? randomBytes(Math.floor(Math.random() * 200))
              : utf8(JSON.stringify({ entries: [{ id: 'x'.repeat(k % 70), seq: -k }], vv: { a: 'b' }, delivered: 'lots', on: 'yes' }));
          try {
            session.send(type, body);
          } catch {
            break;
          }
        }
        await new Promise((r) => setTimeout(r, 5));
        session.close();
      }
      // Well-formed entries that must still be refused.
      const session = await connect();
      const good = async (seq: number, prev: string, extra: Record<string, unknown> = {}) => ({
        ...(await createEntry(identity, c, { seq, prev, deps: [], clock: 10 ** 6 + seq, ts: Date.now(), kind: 'text', body: `evil ${seq}` })),
        ...extra,
      });
      const bad = [
        await good(1, '', { sig: '00'.repeat(64) }), // bad signature
        await good(1, '', { body: 'changed after signing' }), // body does not match its hash
        { ...(await createEntry(identity, c, { seq: 1, prev: '', deps: [], clock: 1, ts: Date.now() + 10 * 86400000, kind: 'text', body: 'from the future' })) }, // absurd timestamp
        await createEntry(identity, c, { seq: 2, prev: 'ab'.repeat(32), deps: [], clock: 5, ts: Date.now(), kind: 'text', body: 'fork' }), // fork/gap
        await createEntry(identity, c, { seq: 1, prev: '', deps: ['cd'.repeat(32)], clock: 5, ts: Date.now(), kind: 'text', body: 'missing dep' }), // deps on missing entries
        await createEntry(bob.engine.identity, c, { seq: 1, prev: '', deps: [], clock: 5, ts: Date.now(), kind: 'text', body: 'third party' }), // someone else's entry
      ];
      session.send(FrameType.Entries, utf8(JSON.stringify({ c, entries: bad })));
      await new Promise((r) => setTimeout(r, 200));
      session.close();
    });
    expect(errors).to.deep.equal([]);
    expect(sent).to.be.at.least(100_000);
    expect(sessions).to.be.at.least(100);
    // Nothing Mallory sent was stored or shown.
    expect(await alice.engine.count(mallory.id)).to.equal(0);
    expect(alice.messages.filter((m) => m.from === mallory.id)).to.deep.equal([]);
    const reasons = alice.warnings.filter((w) => w.peer === mallory.id).map((w) => w.detail);
    for (const expected of ['bad signature', 'body does not match', 'future', 'third party', 'missing-dep']) {
      expect(reasons.some((r) => r.includes(expected)), expected).to.equal(true);
    }
    // Alice still chats with Bob.
    await alice.engine.sendMessage(bob.id, 'still here');
    await waitUntil(() => bob.messages.some((m) => m.text === 'still here'), 'Bob receives');
    signaling.close();
    for (const p of [alice, bob]) p.engine.stop();
  });
});
