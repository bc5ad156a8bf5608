import { expect } from '@esm-bundle/chai';
import { x25519Keypair } from '../../src/crypto/index.js';
import { HandshakeState, type PatternName } from '../../src/session/handshake-state.js';
import type { CipherState } from '../../src/session/cipher-state.js';
import { toHex } from '../../src/util/bytes.js';
import { hex, loadNoiseVectors, type NoiseVector } from '../helpers/vectors.js';

function patternOf(v: NoiseVector): PatternName {
  if (v.protocol_name === 'Noise_XX_25519_ChaChaPoly_SHA256') return 'XX';
  if (v.protocol_name === 'Noise_XXpsk3_25519_ChaChaPoly_SHA256') return 'XXpsk3';
  throw new Error('unexpected vector ' + v.protocol_name);
}

/** The vectors fix every private key, ephemerals too: raw secrets, imported into WebCrypto. */
async function parties(v: NoiseVector, tweak: { initPsk?: Uint8Array; respPrologue?: Uint8Array } = {}) {
  const pattern = patternOf(v);
  const initPsk = tweak.initPsk ?? (v.init_psks ? hex(v.init_psks[0]!) : undefined);
  const respPsk = v.resp_psks ? hex(v.resp_psks[0]!) : undefined;
  const initiator = new HandshakeState({
    pattern,
    initiator: true,
    prologue: hex(v.init_prologue),
    staticKey: await x25519Keypair(hex(v.init_static)),
    ephemeralKey: await x25519Keypair(hex(v.init_ephemeral)),
    ...(initPsk ? { psk: initPsk } : {}),
  });
  const responder = new HandshakeState({
    pattern,
    initiator: false,
    prologue: tweak.respPrologue ?? hex(v.resp_prologue),
    staticKey: await x25519Keypair(hex(v.resp_static)),
    ephemeralKey: await x25519Keypair(hex(v.resp_ephemeral)),
    ...(respPsk ? { psk: respPsk } : {}),
  });
  return { initiator, responder };
}

/** The error message a handshake step rejects with, or '' when it succeeds. */
async function refusal(step: Promise<unknown>): Promise<string> {
  try {
    await step;
    return '';
  } catch (error) {
    return (error as Error).message || 'rejected';
  }
}

/** X25519 is the browser's (WebCrypto), in Chromium and Firefox alike. */
describe('Noise handshake against the published vectors', () => {
  let vectors: NoiseVector[];
  before(async () => {
    vectors = await loadNoiseVectors();
  });

  it('has both the XX and the XXpsk3 vector', () => {
    expect(vectors.map((v) => v.protocol_name).sort()).to.deep.equal([
      'Noise_XX_25519_ChaChaPoly_SHA256',
      'Noise_XXpsk3_25519_ChaChaPoly_SHA256',
    ]);
  });

  it('reproduces every handshake message, the handshake hash and every transport message', async () => {
    for (const v of vectors) {
      const { initiator, responder } = await parties(v);
      const sides = [initiator, responder];
      let ciphers: { send: CipherState; receive: CipherState }[] = [];
      for (const [i, m] of v.messages.entries()) {
        const writer = i % 2;
        if (i < 3) {
          const ct = await sides[writer]!.writeMessage(hex(m.payload));
          expect(toHex(ct), `${v.protocol_name} message ${i}`).to.equal(m.ciphertext);
          const pt = await sides[1 - writer]!.readMessage(ct);
          expect(toHex(pt)).to.equal(m.payload);
          if (i === 2) {
            expect(toHex(initiator.handshakeHash)).to.equal(v.handshake_hash);
            expect(toHex(responder.handshakeHash)).to.equal(v.handshake_hash);
            ciphers = [initiator.split(), responder.split()];
          }
        } else {
          const ct = ciphers[writer]!.send.encryptWithAd(new Uint8Array(0), hex(m.payload));
          expect(toHex(ct), `${v.protocol_name} transport ${i}`).to.equal(m.ciphertext);
          const pt = ciphers[1 - writer]!.receive.decryptWithAd(new Uint8Array(0), ct);
          expect(toHex(pt)).to.equal(m.payload);
        }
      }
      expect(v.messages.length).to.be.greaterThan(3);
    }
  });

  it('rejects every flipped bit of every handshake message', async function () {
    // Some 10,000 fresh handshakes: allow for a loaded machine.
    this.timeout(240000);
    let flipped = 0;
    for (const v of vectors) {
      for (let message = 0; message < 3; message++) {
        const ctLength = hex(v.messages[message]!.ciphertext).length;
        for (let bit = 0; bit < 8 * ctLength; bit++) {
          flipped++;
          const { initiator, responder } = await parties(v);
          const sides = [initiator, responder];
          for (let i = 0; i < message; i++) await sides[1 - (i % 2)]!.readMessage(await sides[i % 2]!.writeMessage(hex(v.messages[i]!.payload)));
          const ct = (await sides[message % 2]!.writeMessage(hex(v.messages[message]!.payload))).slice();
          ct[bit >> 3]! ^= 1 << (bit & 7);
          const reader = sides[1 - (message % 2)]!;
          if (message === 0 && patternOf(v) === 'XX') {
            // XX message 1 is `e` plus a plaintext payload: the tampering changes the
            // handshake hash, so the initiator rejects the responder's reply.
            await reader.readMessage(ct);
            const reply = await responder.writeMessage(new Uint8Array(0));
            expect(await refusal(initiator.readMessage(reply)), `XX msg 0 bit ${bit}`).to.not.equal('');
          } else {
            expect(await refusal(reader.readMessage(ct)), `${v.protocol_name} msg ${message} bit ${bit}`).to.not.equal('');
            expect(await refusal(reader.readMessage(ct)), 'a failed handshake stays failed').to.match(/failed/);
          }
        }
      }
    }
    // Every bit of all three messages of both vectors was tried.
    const total = vectors.reduce((sum, v) => sum + v.messages.slice(0, 3).reduce((n, m) => n + 8 * hex(m.ciphertext).length, 0), 0);
    expect(flipped).to.equal(total);
    expect(total).to.be.greaterThan(3000);
  });

  /** Runs the three handshake messages; returns the index of the one that was rejected. */
  async function rejectedAt(initiator: HandshakeState, responder: HandshakeState): Promise<number> {
    const sides = [initiator, responder];
    for (let i = 0; i < 3; i++) {
      const ct = await sides[i % 2]!.writeMessage(new Uint8Array(0));
      try {
        await sides[1 - (i % 2)]!.readMessage(ct);
      } catch {
        return i;
      }
    }
    return -1;
  }

  it('fails the psk handshake with a wrong psk', async () => {
    const v = vectors.find((x) => patternOf(x) === 'XXpsk3')!;
    const { initiator, responder } = await parties(v, { initPsk: new Uint8Array(32).fill(7) });
    expect(await rejectedAt(initiator, responder)).to.equal(2);
  });

  it('fails the handshake when the prologues differ', async () => {
    for (const v of vectors) {
      const { initiator, responder } = await parties(v, { respPrologue: new Uint8Array([1, 2, 3]) });
      // XX: the initiator cannot decrypt the responder's `s`; XXpsk3: the payload of message 1 is
      // already encrypted under a key mixed with the prologue hash.
      expect(await rejectedAt(initiator, responder), v.protocol_name).to.equal(patternOf(v) === 'XX' ? 1 : 0);
    }
  });

  it('refuses to write out of turn, twice at once, or to continue after completion', async () => {
    const v = vectors[0]!;
    const { initiator, responder } = await parties(v);
    expect(await refusal(responder.writeMessage(new Uint8Array(0)))).to.match(/turn/);
    const first = initiator.writeMessage(new Uint8Array(0));
    expect(await refusal(initiator.writeMessage(new Uint8Array(0)))).to.match(/in progress/);
    await responder.readMessage(await first);
    await initiator.readMessage(await responder.writeMessage(new Uint8Array(0)));
    await responder.readMessage(await initiator.writeMessage(new Uint8Array(0)));
    expect(initiator.isComplete && responder.isComplete).to.equal(true);
    expect(await refusal(initiator.writeMessage(new Uint8Array(0)))).to.match(/complete/);
  });

  it('rekeys both directions the same way and never repeats a nonce', async () => {
    const v = vectors[0]!;
    const { initiator, responder } = await parties(v);
    await responder.readMessage(await initiator.writeMessage(new Uint8Array(0)));
    await initiator.readMessage(await responder.writeMessage(new Uint8Array(0)));
    await responder.readMessage(await initiator.writeMessage(new Uint8Array(0)));
    const a = initiator.split();
    const b = responder.split();
    const msg = new Uint8Array([1, 2, 3]);
    const before = a.send.encryptWithAd(new Uint8Array(0), msg);
    b.receive.decryptWithAd(new Uint8Array(0), before);
    a.send.rekey();
    const after = a.send.encryptWithAd(new Uint8Array(0), msg);
    expect(() => b.receive.decryptWithAd(new Uint8Array(0), after), 'receiver has not rekeyed').to.throw();
    b.receive.rekey();
    // the failed attempt did not advance the receiver, so the next nonce still matches
    expect(toHex(b.receive.decryptWithAd(new Uint8Array(0), after))).to.equal('010203');
    expect(a.send.nonce).to.equal(2);
  });
});
