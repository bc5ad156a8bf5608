import { FriendsChatError } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import type { Channel } from '../transport/channel.js';
import { concat, utf8 } from '../util/bytes.js';
import type { CipherState } from './cipher-state.js';
import { decodeFrame, encodeFrame, FrameError, MAX_FRAME } from './frame.js';
import { decodeHello, encodeHello, type PeerHello } from './handshake-payload.js';
import { HandshakeState, MAX_NOISE_MESSAGE } from './handshake-state.js';

export const PROTOCOL_VERSION = 1;
/** Largest plaintext in one Noise transport message: keeps data-channel sends ≤ 16 KiB. */
export const FRAGMENT_SIZE = 16 * 1024 - 1 - 16;
/** Largest Noise message we accept on the wire; checked before decrypting. */
const MAX_WIRE = FRAGMENT_SIZE + 1 + 16;
/** Rekey every 2^20 transport messages in each direction (DESIGN.md §5). */
export const REKEY_INTERVAL = 2 ** 20;
const INVITE_ID_LENGTH = 16;
const AD = new Uint8Array(0);

export interface SessionOptions {
  identity: Identity;
  displayName: string;
  capabilities?: string[];
  /** Initiator only: a one-time invite (ID + 32-byte secret) selects Noise XXpsk3. */
  invite?: { id: Uint8Array; secret: Uint8Array };
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
  readonly #closeListeners = new Set<(reason: string) => void>();
  #sent = 0;
  #received = 0;
  /** `performance.now()` of the last authenticated message: the heartbeat reads it. */
  lastHeardAt = performance.now();
  #fragments: Uint8Array[] = [];
  #fragmentBytes = 0;
  #closed = false;

  private constructor(channel: Channel, peer: PeerHello, peerStaticKey: Uint8Array, send: CipherState, receive: CipherState, rekeyInterval: number, inviteId: Uint8Array | null) {
    this.channel = channel;
    this.peer = peer;
    this.peerStaticKey = peerStaticKey;
    this.#send = send;
    this.#receive = receive;
    this.#rekeyInterval = rekeyInterval;
    this.inviteId = inviteId;
    channel.onMessage((bytes) => this.#onWire(bytes));
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
      const start = (preamble: Uint8Array, psk: Uint8Array | null): HandshakeState =>
        new HandshakeState({
          pattern: psk ? 'XXpsk3' : 'XX',
          initiator,
          prologue: sessionPrologue(preamble, channel.fingerprints()),
          staticKey: options.identity.dh,
          ...(psk ? { psk } : {}),
        });
      const complete = (hello: PeerHello): void => {
        const ciphers = handshake!.split();
        finish(null, new SecureSession(channel, hello, ciphers.remoteStatic, ciphers.send, ciphers.receive, rekeyInterval, inviteId));
      };
      unsubscribe.push(channel.onClose(() => finish(new Error('channel closed during the handshake'))));
      unsubscribe.push(
        channel.onMessage((bytes) => {
          if (done) return;
          try {
            if (bytes.length > MAX_NOISE_MESSAGE) throw new Error('handshake message too large');
            if (initiator) {
              if (step !== 1) throw new Error('unexpected handshake message');
              const hello = decodeHello(handshake!.readMessage(bytes), handshake!.remoteStatic!);
              channel.send(handshake!.writeMessage(payload));
              step = 2;
              complete(hello);
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
              handshake = start(preamble, psk);
              const first = handshake.readMessage(bytes.subarray(preambleLength));
              if (first.length !== 0) throw new Error('message 1 must have an empty payload');
              channel.send(handshake.writeMessage(payload));
              step = 1;
            } else if (step === 1) {
              const hello = decodeHello(handshake!.readMessage(bytes), handshake!.remoteStatic!);
              step = 2;
              complete(hello);
            } else {
              throw new Error('unexpected handshake message');
            }
          } catch (error) {
            finish(error);
          }
        }),
      );
      if (initiator) {
        try {
          const invite = options.invite;
          if (invite && (invite.id.length !== INVITE_ID_LENGTH || invite.secret.length !== 32)) throw new Error('bad invite');
          const preamble = invite ? concat(Uint8Array.of(PROTOCOL_VERSION, 1), invite.id) : Uint8Array.of(PROTOCOL_VERSION, 0);
          handshake = start(preamble, invite ? invite.secret : null);
          channel.send(concat(preamble, handshake.writeMessage(new Uint8Array(0))));
          step = 1;
        } catch (error) {
          finish(error);
        }
      }
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get bufferedAmount(): number {
    return this.channel.bufferedAmount;
  }

  /** Encrypts and sends one frame, split into ≤ 16 KiB Noise messages. */
  send(type: number, body: Uint8Array): void {
    if (this.#closed) throw new FriendsChatError('connection-failed', 'session is closed');
    const frame = encodeFrame(type, body);
    for (let offset = 0; offset < frame.length || offset === 0; offset += FRAGMENT_SIZE) {
      const end = Math.min(frame.length, offset + FRAGMENT_SIZE);
      const more = end < frame.length ? 1 : 0;
      const plaintext = new Uint8Array(end - offset + 1);
      plaintext[0] = more;
      plaintext.set(frame.subarray(offset, end), 1);
      this.channel.send(this.#encrypt(plaintext));
      if (!more) break;
    }
  }

  close(reason = 'closed'): void {
    if (this.#closed) return;
    this.#finish(reason);
    this.channel.close();
  }

  onFrame(listener: (type: number, body: Uint8Array) => void): () => void {
    this.#frameListeners.add(listener);
    return () => this.#frameListeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    if (this.#closed) {
      queueMicrotask(() => listener('closed'));
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  #encrypt(plaintext: Uint8Array): Uint8Array {
    const out = this.#send.encryptWithAd(AD, plaintext);
    if (++this.#sent % this.#rekeyInterval === 0) this.#send.rekey();
    return out;
  }

  #onWire(bytes: Uint8Array): void {
    if (this.#closed) return;
    let plaintext: Uint8Array;
    try {
      // Size first: never spend a decryption on something that cannot be valid.
      if (bytes.length < 17 || bytes.length > MAX_WIRE) throw new FrameError('bad transport message size');
      plaintext = this.#receive.decryptWithAd(AD, bytes);
      this.lastHeardAt = performance.now();
      if (++this.#received % this.#rekeyInterval === 0) this.#receive.rekey();
    } catch {
      this.close('bad transport message');
      return;
    }
    const more = plaintext[0];
    if (plaintext.length < 1 || (more !== 0 && more !== 1)) {
      this.close('bad fragment');
      return;
    }
    const piece = plaintext.subarray(1);
    this.#fragmentBytes += piece.length;
    if (this.#fragmentBytes > MAX_FRAME) {
      this.close('frame too large');
      return;
    }
    this.#fragments.push(piece);
    if (more) return;
    const whole = this.#fragments.length === 1 ? piece : concat(...this.#fragments);
    this.#fragments = [];
    this.#fragmentBytes = 0;
    let frame: { type: number; body: Uint8Array };
    try {
      frame = decodeFrame(whole);
    } catch {
      this.close('bad frame');
      return;
    }
    for (const listener of this.#frameListeners) {
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
    this.#fragments = [];
    const listeners = [...this.#closeListeners];
    this.#closeListeners.clear();
    this.#frameListeners.clear();
    for (const listener of listeners) {
      try {
        listener(reason);
      } catch {
        // nothing to do: the session is gone
      }
    }
  }
}
