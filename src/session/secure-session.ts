import { FriendsChatError } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import type { Channel } from '../transport/channel.js';
import { concat, equalBytes, utf8 } from '../util/bytes.js';
import { Listeners } from '../util/listeners.js';
import type { CipherState } from './cipher-state.js';
import { decodeFrame, encodeFrame, MAX_FRAME } from './frame.js';
import { decodeHello, encodeHello, type PeerHello } from './handshake-payload.js';
import { HandshakeState, MAX_NOISE_MESSAGE } from './handshake-state.js';

export const PROTOCOL_VERSION = 1;
/** Wire kinds: every channel message starts with one of these bytes. */
const WIRE_HANDSHAKE = 0x00;
const WIRE_TRANSPORT = 0x01;
/** Transport header: kind, 8-byte explicit nonce; then the fragment header inside the ciphertext. */
const NONCE_BYTES = 8;
const FRAGMENT_HEADER = 6;
/** Largest plaintext fragment: keeps every data-channel message ≤ 16 KiB. */
export const FRAGMENT_SIZE = 16 * 1024 - 1 - NONCE_BYTES - 16 - FRAGMENT_HEADER;
/** Largest transport message we accept on the wire; checked before decrypting. */
const MAX_WIRE = 16 * 1024;
/** Rekey every 2^20 transport messages in each direction (docs/protocol.md, "Session"). */
export const REKEY_INTERVAL = 2 ** 20;
const INVITE_ID_LENGTH = 16;
const AD = new Uint8Array(0);
/** Frames split into fragments may interleave; keep at most this many half-assembled. */
const MAX_PARTIAL_FRAMES = 4;
const MAX_EARLY_MESSAGES = 64;

export interface SessionOptions {
  identity: Identity;
  displayName: string;
  capabilities?: string[];
  /** Initiator only: a one-time invite (ID + 32-byte secret) selects Noise XXpsk3. */
  invite?: { id: Uint8Array; secret: Uint8Array };
  /**
   * Initiator only: who must answer. Checked right after message 2, before message 3 (which
   * carries our static key, profile key and name) is written: a responder that is not this
   * profile, or whose static key is none of `staticKeys` (the pinned key, when there is one),
   * fails the handshake and learns nothing about us.
   */
  expect?: { signKey: Uint8Array; staticKeys?: Uint8Array[] };
  /** Responder only: the secret for an invite ID the peer names, or null if unknown/used. */
  resolveInvite?: (inviteId: Uint8Array) => Uint8Array | null;
  handshakeTimeout?: number;
  /** Lowered in tests; both sides must use the same value. */
  rekeyInterval?: number;
}

/**
 * The prologue binds the handshake to this very WebRTC connection: protocol version,
 * the cleartext preamble, and both DTLS fingerprints, sorted so both sides agree. A broker
 * that swapped SDP (and so fingerprints) makes the two prologues differ and the
 * handshake fail.
 */
export function sessionPrologue(preamble: Uint8Array, fingerprints: { local: string; remote: string }): Uint8Array {
  const [a, b] = [fingerprints.local, fingerprints.remote].sort();
  return concat(utf8(`friends-chat/${PROTOCOL_VERSION}\n`), preamble, utf8(`\n${a}\n${b}`));
}

/** Throws unless the responder is the profile (and static key) the initiator dialled. */
function checkExpected(expected: NonNullable<SessionOptions['expect']>, hello: PeerHello, remoteStatic: Uint8Array): void {
  if (!equalBytes(hello.signKey, expected.signKey)) throw new Error('a different key answered at this address');
  const pins = expected.staticKeys ?? [];
  // Every pin is compared (no early exit), each in constant time.
  let pinned = pins.length === 0;
  for (const pin of pins) pinned = equalBytes(pin, remoteStatic) || pinned;
  if (!pinned) throw new Error('a different key answered at this address (not the pinned static key)');
}

/**
 * One authenticated, encrypted session over one Channel: Noise XX (or XXpsk3 for invites)
 * bound to the DTLS fingerprints, then every frame a Noise transport message. One session
 * per channel; any failure closes the channel, and nothing from it is accepted.
 */
export class SecureSession {
  readonly peer: PeerHello;
  /** The peer's X25519 static key as authenticated by the handshake (for pinning). */
  readonly peerStaticKey: Uint8Array;
  readonly channel: Channel;
  /** Set when the handshake used an invite secret (responder side: which invite). */
  readonly inviteId: Uint8Array | null;
  readonly #send: CipherState;
  readonly #receive: CipherState;
  readonly #rekeyInterval: number;
  readonly #frameListeners = new Set<(type: number, body: Uint8Array) => void>();
  readonly #closeListeners = new Listeners<[string]>();
  /** Transport messages that overtook the last handshake message, for the first subscriber. */
  #early: Uint8Array[] = [];
  #subscribed = false;
  #receiveEpoch = 0;
  #lastNonce = -1;
  #nextFrame = 0;
  readonly #partial = new Map<number, { parts: (Uint8Array | undefined)[]; have: number; bytes: number }>();
  /** Counts of messages dropped as replayed or late (a lossy or hostile link). */
  droppedReplays = 0;
  /** `performance.now()` of the last authenticated message: the heartbeat reads it. */
  lastHeardAt = performance.now();
  #closed = false;

  private constructor(channel: Channel, peer: PeerHello, peerStaticKey: Uint8Array, send: CipherState, receive: CipherState, rekeyInterval: number, inviteId: Uint8Array | null) {
    this.channel = channel;
    this.peer = peer;
    this.peerStaticKey = peerStaticKey;
    this.#send = send;
    this.#receive = receive;
    this.#rekeyInterval = rekeyInterval;
    this.inviteId = inviteId;
    channel.onMessage((bytes) => {
      if (this.#subscribed || this.#closed) this.#onWire(bytes);
      else if (this.#early.length < MAX_EARLY_MESSAGES) this.#early.push(bytes.slice());
      else this.close('too many messages before anyone listened');
    });
    channel.onClose(() => this.#finish('channel closed'));
  }

  /**
   * Runs the handshake on a freshly opened channel. Rejects with `handshake-failed` (and
   * closes the channel) on any failure: bad message, wrong prologue, bad binding, timeout.
   */
  static establish(channel: Channel, options: SessionOptions): Promise<SecureSession> {
    return new Promise((resolve, reject) => {
      const initiator = channel.initiator;
      const rekeyInterval = options.rekeyInterval ?? REKEY_INTERVAL;
      const payload = encodeHello(options.identity.signing.publicKey, options.identity.binding, options.displayName, options.capabilities ?? []);
      let handshake: HandshakeState | null = null;
      let inviteId: Uint8Array | null = null;
      let step = 0;
      let done = false;
      const unsubscribe: (() => void)[] = [];
      const finish = (error: unknown, session?: SecureSession): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        for (const off of unsubscribe) off();
        if (session) {
          resolve(session);
          return;
        }
        channel.close();
        const detail = error instanceof Error ? error.message : String(error);
        reject(new FriendsChatError('handshake-failed', `handshake failed: ${detail}`, { cause: error }));
      };
      const timer = setTimeout(() => finish(new Error('timed out')), options.handshakeTimeout ?? 10000);
      const start = async (preamble: Uint8Array, psk: Uint8Array | null): Promise<HandshakeState> =>
        new HandshakeState({
          pattern: psk ? 'XXpsk3' : 'XX',
          initiator,
          prologue: sessionPrologue(preamble, channel.fingerprints()),
          staticKey: options.identity.dh,
          ...(psk ? { psk } : {}),
        });
      const complete = (hello: PeerHello, pending: Uint8Array[]): void => {
        const ciphers = handshake!.split();
        const session = new SecureSession(channel, hello, ciphers.remoteStatic, ciphers.send, ciphers.receive, rekeyInterval, inviteId);
        finish(null, session);
        // Frames that overtook message 3 are handled once the caller has subscribed.
        session.#early = pending;
      };
      const send = (message: Uint8Array): void => {
        if (!done) channel.send(concat(Uint8Array.of(WIRE_HANDSHAKE), message));
      };
      let lastReceived: Uint8Array | null = null;
      const early: Uint8Array[] = [];
      /** Handshake messages are handled one after another (the crypto is async). */
      let queue: Promise<void> = Promise.resolve();
      const handle = async (bytes: Uint8Array): Promise<void> => {
        if (done) return;
        if (initiator) {
          if (step !== 1) throw new Error('unexpected handshake message');
          step = 1.5;
          const hello = await decodeHello(await handshake!.readMessage(bytes), handshake!.remoteStatic!);
          if (options.expect) checkExpected(options.expect, hello, handshake!.remoteStatic!);
          const third = await handshake!.writeMessage(payload);
          if (done) return;
          send(third);
          step = 2;
          complete(hello, []);
        } else if (step === 0) {
          // Preamble ‖ Noise message 1. The preamble is in the prologue, so a changed
          // preamble fails the handshake too.
          const mode = bytes[1];
          const preambleLength = mode === 1 ? 2 + INVITE_ID_LENGTH : 2;
          if (bytes.length < preambleLength || bytes[0] !== PROTOCOL_VERSION || (mode !== 0 && mode !== 1)) {
            throw new Error('bad preamble');
          }
          const preamble = bytes.slice(0, preambleLength);
          let psk: Uint8Array | null = null;
          if (mode === 1) {
            inviteId = preamble.slice(2);
            psk = options.resolveInvite?.(inviteId) ?? null;
            if (!psk) throw new Error('unknown or used invite');
          }
          step = 0.5;
          handshake = await start(preamble, psk);
          const first = await handshake.readMessage(bytes.subarray(preambleLength));
          if (first.length !== 0) throw new Error('message 1 must have an empty payload');
          send(await handshake.writeMessage(payload));
          step = 1;
        } else if (step === 1) {
          step = 1.5;
          const hello = await decodeHello(await handshake!.readMessage(bytes), handshake!.remoteStatic!);
          if (done) return;
          step = 2;
          complete(hello, early);
        } else {
          throw new Error('unexpected handshake message');
        }
      };
      unsubscribe.push(channel.onClose(() => finish(new Error('channel closed during the handshake'))));
      unsubscribe.push(
        channel.onMessage((wire) => {
          if (done) return;
          try {
            if (wire.length < 1 || wire.length > MAX_NOISE_MESSAGE + 1) throw new Error('bad handshake message size');
            if (wire[0] === WIRE_TRANSPORT && !initiator && step >= 1) {
              // The initiator's first frames may overtake its last handshake message.
              if (early.length >= MAX_EARLY_MESSAGES) throw new Error('too many early messages');
              early.push(wire.slice());
              return;
            }
            if (wire[0] !== WIRE_HANDSHAKE) throw new Error('expected a handshake message');
            const bytes = wire.subarray(1);
            // A duplicated copy of the message just handled changes nothing.
            if (lastReceived && equalBytes(lastReceived, bytes)) return;
            lastReceived = bytes.slice();
            const copy = lastReceived;
            queue = queue.then(() => handle(copy)).catch(finish);
          } catch (error) {
            finish(error);
          }
        }),
      );
      if (initiator) {
        queue = (async () => {
          const invite = options.invite;
          if (invite && (invite.id.length !== INVITE_ID_LENGTH || invite.secret.length !== 32)) throw new Error('bad invite');
          const preamble = invite ? concat(Uint8Array.of(PROTOCOL_VERSION, 1), invite.id) : Uint8Array.of(PROTOCOL_VERSION, 0);
          handshake = await start(preamble, invite ? invite.secret : null);
          send(concat(preamble, await handshake.writeMessage(new Uint8Array(0))));
          step = 1;
        })().catch(finish);
      }
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get bufferedAmount(): number {
    return this.channel.bufferedAmount;
  }

  /**
   * Encrypts and sends one frame as one or more Noise transport messages of ≤ 16 KiB, each
   * carrying its nonce explicitly so a lost message costs only itself (spec §11.4).
   */
  send(type: number, body: Uint8Array): void {
    if (this.#closed) throw new FriendsChatError('connection-failed', 'session is closed');
    const frame = encodeFrame(type, body);
    const count = Math.max(1, Math.ceil(frame.length / FRAGMENT_SIZE));
    const frameNo = this.#nextFrame++ >>> 0;
    for (let index = 0; index < count; index++) {
      const piece = frame.subarray(index * FRAGMENT_SIZE, (index + 1) * FRAGMENT_SIZE);
      const plaintext = new Uint8Array(FRAGMENT_HEADER + piece.length);
      const view = new DataView(plaintext.buffer);
      view.setUint8(0, count);
      view.setUint8(1, index);
      view.setUint32(2, frameNo);
      plaintext.set(piece, FRAGMENT_HEADER);
      this.channel.send(this.#encrypt(plaintext));
    }
  }

  close(reason = 'closed'): void {
    if (this.#closed) return;
    this.#finish(reason);
    this.channel.close();
  }

  onFrame(listener: (type: number, body: Uint8Array) => void): () => void {
    this.#frameListeners.add(listener);
    this.#subscribed = true;
    const early = this.#early;
    this.#early = [];
    if (early.length) queueMicrotask(() => early.forEach((m) => this.#onWire(m)));
    return () => this.#frameListeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    if (this.#closed) {
      queueMicrotask(() => listener('closed'));
      return () => {};
    }
    return this.#closeListeners.add(listener);
  }

  #encrypt(plaintext: Uint8Array): Uint8Array {
    const n = this.#send.nonce;
    if (n > 0 && n % this.#rekeyInterval === 0) this.#send.rekey();
    const out = new Uint8Array(1 + NONCE_BYTES + plaintext.length + 16);
    out[0] = WIRE_TRANSPORT;
    new DataView(out.buffer).setBigUint64(1, BigInt(n));
    out.set(this.#send.encryptWithAd(AD, plaintext), 1 + NONCE_BYTES);
    return out;
  }

  #onWire(bytes: Uint8Array): void {
    if (this.#closed) return;
    // Size and kind first: never spend a decryption on something that cannot be valid.
    if (bytes.length < 1 + NONCE_BYTES + 16 + FRAGMENT_HEADER || bytes.length > MAX_WIRE || bytes[0] !== WIRE_TRANSPORT) {
      this.close('bad transport message');
      return;
    }
    const nonce = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(1));
    const epoch = Math.floor(nonce / this.#rekeyInterval);
    if (nonce <= this.#lastNonce || epoch < this.#receiveEpoch) {
      // Replayed or late: rejected, not delivered. Not fatal: a link may duplicate or reorder.
      this.droppedReplays++;
      return;
    }
    if (!Number.isSafeInteger(nonce) || epoch > this.#receiveEpoch + 2) {
      this.close('bad transport message');
      return;
    }
    let plaintext: Uint8Array;
    try {
      while (this.#receiveEpoch < epoch) {
        this.#receive.rekey();
        this.#receiveEpoch++;
      }
      this.#receive.setNonce(nonce);
      plaintext = this.#receive.decryptWithAd(AD, bytes.subarray(1 + NONCE_BYTES));
    } catch {
      this.close('bad transport message');
      return;
    }
    this.#lastNonce = nonce;
    this.lastHeardAt = performance.now();
    const view = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
    const count = view.getUint8(0);
    const index = view.getUint8(1);
    const frameNo = view.getUint32(2);
    const piece = plaintext.subarray(FRAGMENT_HEADER);
    if (count < 1 || index >= count || count * FRAGMENT_SIZE > MAX_FRAME + FRAGMENT_SIZE) {
      this.close('bad fragment');
      return;
    }
    let whole: Uint8Array;
    if (count === 1) {
      whole = piece;
    } else {
      let partial = this.#partial.get(frameNo);
      if (!partial) {
        if (this.#partial.size >= MAX_PARTIAL_FRAMES) this.#partial.delete(this.#partial.keys().next().value!);
        partial = { parts: new Array(count), have: 0, bytes: 0 };
        this.#partial.set(frameNo, partial);
      }
      if (partial.parts.length !== count) {
        this.close('bad fragment');
        return;
      }
      if (partial.parts[index]) return;
      partial.parts[index] = piece.slice();
      partial.have++;
      partial.bytes += piece.length;
      if (partial.bytes > MAX_FRAME) {
        this.close('frame too large');
        return;
      }
      if (partial.have < count) return;
      this.#partial.delete(frameNo);
      whole = concat(...(partial.parts as Uint8Array[]));
    }
    let frame: { type: number; body: Uint8Array };
    try {
      frame = decodeFrame(whole);
    } catch {
      this.close('bad frame');
      return;
    }
    for (const listener of [...this.#frameListeners]) {
      try {
        listener(frame.type, frame.body);
      } catch (error) {
        // A frame a listener cannot handle is the peer's fault: drop the session, keep the widget.
        this.close(error instanceof Error ? `bad frame: ${error.message}` : 'bad frame');
        return;
      }
    }
  }

  #finish(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#partial.clear();
    this.#frameListeners.clear();
    // A close listener that throws has nothing left to break: the session is gone.
    this.#closeListeners.emit(() => {}, reason);
    this.#closeListeners.clear();
  }
}
