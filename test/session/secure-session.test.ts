import { expect } from '@esm-bundle/chai';
import { randomBytes } from '../../src/crypto/index.js';
import { Identity } from '../../src/identity/identity.js';
import { FrameType } from '../../src/session/frame.js';
import { FRAGMENT_SIZE, SecureSession, type SessionOptions } from '../../src/session/secure-session.js';
import type { LoopbackChannel } from '../../src/transport/loopback/loopback-network.js';
import { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { toHex, utf8 } from '../../src/util/bytes.js';
import { channelPair, noUncaughtErrors } from '../helpers/loopback.js';

const alice = (await Identity.generate());
const bob = (await Identity.generate());

async function connect(
  a: Partial<SessionOptions> = {},
  b: Partial<SessionOptions> = {},
  network?: LoopbackNetwork,
): Promise<{ results: PromiseSettledResult<SecureSession>[]; wires: [LoopbackChannel, LoopbackChannel] }> {
  const [ca, cb] = await channelPair(network);
  const results = await Promise.allSettled([
    SecureSession.establish(ca, { identity: alice, displayName: 'Alice', handshakeTimeout: 2000, ...a }),
    SecureSession.establish(cb, { identity: bob, displayName: 'Bob', handshakeTimeout: 2000, ...b }),
  ]);
  return { results, wires: [ca, cb] };
}

function sessions(results: PromiseSettledResult<SecureSession>[]): [SecureSession, SecureSession] {
  for (const r of results) if (r.status === 'rejected') throw r.reason;
  return results.map((r) => (r as PromiseFulfilledResult<SecureSession>).value) as [SecureSession, SecureSession];
}

function nextFrame(session: SecureSession): Promise<{ type: number; body: Uint8Array }> {
  return new Promise((resolve) => {
    const off = session.onFrame((type, body) => {
      off();
      resolve({ type, body });
    });
  });
}

function closed(session: SecureSession): Promise<string> {
  return new Promise((resolve) => session.onClose(resolve));
}

describe('SecureSession (Noise XX over a channel)', () => {
  it('authenticates both profiles and carries frames both ways', async () => {
    const [a, b] = sessions((await connect()).results);
    expect(a.peer.profileId).to.equal(bob.profileId);
    expect(b.peer.profileId).to.equal(alice.profileId);
    expect(b.peer.displayName).to.equal('Alice');
    const got = nextFrame(b);
    a.send(FrameType.Ping, new Uint8Array([1, 2, 3]));
    const frame = await got;
    expect(frame.type).to.equal(FrameType.Ping);
    expect([...frame.body]).to.deep.equal([1, 2, 3]);
    const back = nextFrame(a);
    b.send(FrameType.Pong, new Uint8Array(0));
    expect((await back).type).to.equal(FrameType.Pong);
  });

  it('splits a 200 KB frame into ≤ 16 KiB wire messages and reassembles it', async () => {
    const { results, wires } = await connect();
    const [a, b] = sessions(results);
    const sizes: number[] = [];
    wires[1].onMessage((bytes) => sizes.push(bytes.length));
    const big = randomBytes(50000);
    const body = new Uint8Array(200000);
    for (let i = 0; i < 4; i++) body.set(big, i * 50000);
    const got = nextFrame(b);
    a.send(FrameType.Entries, body);
    const frame = await got;
    expect(frame.body).to.deep.equal(body);
    expect(Math.max(...sizes)).to.be.at.most(16 * 1024);
    expect(sizes.length).to.equal(Math.ceil((body.length + 1) / FRAGMENT_SIZE));
  });

  it('uses Noise XXpsk3 with an invite secret, and refuses an unknown or wrong one', async () => {
    const id = randomBytes(16);
    const secret = randomBytes(32);
    const ok = await connect({ invite: { id, secret } }, { resolveInvite: (asked) => (asked.every((x, i) => x === id[i]) ? secret : null) });
    const [, b] = sessions(ok.results);
    expect(b.inviteId).to.deep.equal(id);

    const unknown = await connect({ invite: { id, secret } }, { resolveInvite: () => null });
    expect(unknown.results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);

    // psk3 mixes the secret into the last message: the responder rejects it, and the
    // initiator (done after writing it) sees its channel close before any frame arrives.
    const wrong = await connect({ invite: { id, secret } }, { resolveInvite: () => randomBytes(32) });
    expect(wrong.results[1]!.status).to.equal('rejected');
    expect((wrong.results[1] as PromiseRejectedResult).reason.code).to.equal('handshake-failed');
    const initiatorSide = wrong.results[0]!;
    if (initiatorSide.status === 'fulfilled') {
      await new Promise((r) => setTimeout(r, 10));
      expect(initiatorSide.value.closed).to.equal(true);
    }
    expect(wrong.wires[0].closed).to.equal(true);
  });

  describe('a dialler facing an impostor', () => {
    /** Records every wire message the responder (the impostor) receives. */
    async function dialImpostor(expectation: SessionOptions['expect'], responder: Identity) {
      const [ca, cb] = await channelPair();
      const received: Uint8Array[] = [];
      cb.onMessage((bytes) => received.push(bytes.slice()));
      const results = await Promise.allSettled([
        SecureSession.establish(ca, { identity: alice, displayName: 'Alice Secret', handshakeTimeout: 1000, ...(expectation ? { expect: expectation } : {}) }),
        SecureSession.establish(cb, { identity: responder, displayName: 'Mallory', handshakeTimeout: 1000 }),
      ]);
      return { results, received };
    }

    /** Nothing the dialler sent contains its static key, its profile key or its name. */
    function learnedNothing(received: Uint8Array[]): void {
      const haystack = received.map((bytes) => toHex(bytes)).join('|');
      for (const secret of [alice.dh.publicKey, alice.signing.publicKey, utf8('Alice Secret')]) {
        expect(haystack.includes(toHex(secret))).to.equal(false);
      }
    }

    it('aborts before message 3 when another profile answers: the impostor gets only message 1', async () => {
      const mallory = (await Identity.generate());
      const { results, received } = await dialImpostor({ signKey: bob.signing.publicKey }, mallory);
      expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
      expect(String((results[0] as PromiseRejectedResult).reason.message)).to.match(/different key/);
      // Message 1 only: kind byte, preamble (version, mode) and the ephemeral key.
      expect(received.map((m) => [m[0], m.length])).to.deep.equal([[0, 1 + 2 + 32]]);
      learnedNothing(received);
    });

    it('aborts before message 3 when the profile is right but the static key is not the pinned one', async () => {
      // Same profile key, different X25519 key, with a valid binding: only Bob's key could sign it.
      const rebound = await Identity.fromRecord({ v: 1, signSecret: bob.toRecord().signSecret, dhSecret: randomBytes(32) });
      const { results, received } = await dialImpostor({ signKey: bob.signing.publicKey, staticKeys: [bob.dh.publicKey] }, rebound);
      expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
      expect(String((results[0] as PromiseRejectedResult).reason.message)).to.match(/pinned/);
      expect(received).to.have.length(1);
      learnedNothing(received);
    });

    it('completes with the expected profile and pin, and (the control) leaks to an impostor without them', async () => {
      const good = await dialImpostor({ signKey: bob.signing.publicKey, staticKeys: [randomBytes(32), bob.dh.publicKey] }, bob);
      expect(good.results.map((r) => r.status)).to.deep.equal(['fulfilled', 'fulfilled']);
      // Without an expectation (manual signaling: who answers is not known), message 3 goes out.
      const blind = await dialImpostor(undefined, (await Identity.generate()));
      expect(blind.received).to.have.length(2);
    });
  });

  it('fails the handshake when the broker swapped the DTLS fingerprints (man in the middle)', async () => {
    const network = new LoopbackNetwork();
    network.tamperFingerprints = true;
    const { results, wires } = await connect({}, {}, network);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
    for (const r of results) expect((r as PromiseRejectedResult).reason.code).to.equal('handshake-failed');
    expect(wires[0].closed && wires[1].closed).to.equal(true);
  });

  it('fails the handshake when the binding signature does not match the static key', async () => {
    const forged = Object.create(alice, { binding: { value: randomBytes(64) } }) as Identity;
    const { results } = await connect({ identity: forged });
    expect(results[1]!.status).to.equal('rejected');
    expect(String((results[1] as PromiseRejectedResult).reason.message)).to.match(/binding/);
  });

  it('rekeys after the configured number of frames, in step on both sides', async () => {
    const [a, b] = sessions((await connect({ rekeyInterval: 3 }, { rekeyInterval: 3 })).results);
    const received: number[] = [];
    b.onFrame((_t, body) => received.push(body[0]!));
    for (let i = 0; i < 20; i++) a.send(FrameType.Ping, Uint8Array.of(i));
    await new Promise((r) => setTimeout(r, 20));
    expect(received).to.deep.equal([...Array(20).keys()]);

    // A receiver that does not rekey at the same point can no longer read: rekeying is real.
    const [c, d] = sessions((await connect({ rekeyInterval: 3 }, { rekeyInterval: 1000 })).results);
    const got: number[] = [];
    d.onFrame((_t, body) => got.push(body[0]!));
    const gone = closed(d);
    for (let i = 0; i < 5; i++) c.send(FrameType.Ping, Uint8Array.of(i));
    expect(await gone).to.equal('bad transport message');
    expect(got).to.deep.equal([0, 1, 2]);
  });

  /** Captures what Alice sends instead of delivering it. */
  async function captured(count: number) {
    const { results, wires } = await connect();
    const [a, b] = sessions(results);
    const out: Uint8Array[] = [];
    const original = wires[0].send.bind(wires[0]);
    wires[0].send = (bytes: Uint8Array) => void out.push(bytes.slice());
    for (let i = 1; i <= count; i++) a.send(FrameType.Ping, Uint8Array.of(i));
    wires[0].send = original;
    const got: number[] = [];
    b.onFrame((_t, body) => got.push(body[0]!));
    return { b, wire: wires[1], out, got };
  }

  it('rejects replayed and late (reordered) transport messages without delivering them twice', async () => {
    const { b, wire, out, got } = await captured(3);
    wire.receive(out[0]!);
    wire.receive(out[0]!); // replay
    wire.receive(out[2]!);
    wire.receive(out[1]!); // late: overtaken by a newer one
    wire.receive(out[2]!); // replay
    await new Promise((r) => setTimeout(r, 10));
    expect(got).to.deep.equal([1, 3]);
    expect(b.droppedReplays).to.equal(3);
    // A lossy link is not an attack: the session stays up.
    expect(b.closed).to.equal(false);
  });

  for (const [name, tamper] of [
    ['truncated', (cur: Uint8Array) => cur.subarray(0, cur.length - 1)],
    ['bit-flipped', (cur: Uint8Array) => cur.map((x, i) => (i === cur.length - 3 ? x ^ 4 : x))],
    ['oversized', () => new Uint8Array(70000).fill(1)],
    ['mislabelled', (cur: Uint8Array) => cur.map((x, i) => (i === 0 ? 0 : x))],
  ] as const) {
    it(`rejects a ${name} transport message and closes the session`, async () => {
      const { b, wire, out, got } = await captured(1);
      const gone = closed(b);
      wire.receive(tamper(out[0]!));
      expect(await gone).to.match(/bad transport message/);
      expect(got).to.deep.equal([]);
      expect(b.closed).to.equal(true);
    });
  }

  it('survives 10,000 random and mutated handshake and transport inputs without an uncaught error', async function () {
    this.timeout(120000);
    const rng = (n: number): number => Math.floor(Math.random() * n);
    // Real first messages (recorded from the initiators below) are mutated as inputs.
    const valid: Uint8Array[] = [];
    const errors = await noUncaughtErrors(async () => {
      let establishedByFuzz = 0;
      for (let i = 0; i < 10000; i++) {
        const [ca, cb] = await channelPair();
        // Responder facing garbage as message 1, or initiator facing garbage as message 2.
        const target = i % 2 === 0 ? cb : ca;
        const victim = SecureSession.establish(target, { identity: bob, displayName: 'Bob', handshakeTimeout: 1000 }).then(
          () => establishedByFuzz++,
          (error: { code?: string }) => {
            if (error.code !== 'handshake-failed') throw error;
          },
        );
        const other = i % 2 === 0 ? ca : cb;
        let input: Uint8Array;
        const mode = i % 4;
        if (mode < 2 || valid.length === 0) input = randomBytes(rng(200));
        else {
          input = valid[rng(valid.length)]!.slice();
          for (let k = 0; k <= rng(4); k++) if (input.length) input[rng(input.length)]! ^= 1 << rng(8);
        }
        if (i % 2 === 1) {
          // The initiator speaks first: let it, then answer with garbage.
          other.onMessage((bytes) => {
            if (valid.length < 64) valid.push(bytes.slice());
            other.send(input);
          });
        } else {
          // Message 1 is unauthenticated, so a mutated one may be accepted: then the
          // responder must reject the garbage that follows as message 3.
          other.send(input);
          other.send(randomBytes(rng(120)));
        }
        await victim;
        expect(target.closed, `input ${i} left the channel open`).to.equal(true);
      }
      expect(establishedByFuzz).to.equal(0);
    });
    expect(errors).to.deep.equal([]);
    // The code still works afterwards.
    sessions((await connect()).results);
  });

  it('survives 10,000 random and mutated transport messages on an established session', async function () {
    this.timeout(60000);
    const errors = await noUncaughtErrors(async () => {
      let i = 0;
      while (i < 10000) {
        const { results, wires } = await connect();
        const [a, b] = sessions(results);
        const captured: Uint8Array[] = [];
        const original = wires[0].send.bind(wires[0]);
        wires[0].send = (bytes: Uint8Array) => void captured.push(bytes.slice());
        a.send(FrameType.Ping, randomBytes(32));
        wires[0].send = original;
        let frames = 0;
        b.onFrame(() => frames++);
        // One session per batch: the first bad message closes it; the rest must be ignored.
        for (let k = 0; k < 100; k++, i++) {
          const input = k % 2 ? randomBytes(Math.floor(Math.random() * 300)) : captured[0]!.slice();
          if (k % 2 === 0) input[Math.floor(Math.random() * input.length)]! ^= 1 + Math.floor(Math.random() * 255);
          wires[1].receive(input);
        }
        expect(b.closed).to.equal(true);
        expect(frames).to.equal(0);
      }
    });
    expect(errors).to.deep.equal([]);
  });
});
