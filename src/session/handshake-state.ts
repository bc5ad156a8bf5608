import { x25519Ephemeral, x25519Shared, type DhKeypair, type DhSecret, type Keypair } from '../crypto/index.js';
import { concat } from '../util/bytes.js';
import type { CipherState } from './cipher-state.js';
import { SymmetricState } from './symmetric-state.js';

/** The two handshake patterns friends-chat speaks (Noise spec §7.5 and §9.4). */
export const PATTERNS = {
  XX: {
    name: 'Noise_XX_25519_ChaChaPoly_SHA256',
    messages: [['e'], ['e', 'ee', 's', 'es'], ['s', 'se']],
    psk: false,
  },
  XXpsk3: {
    name: 'Noise_XXpsk3_25519_ChaChaPoly_SHA256',
    messages: [['e'], ['e', 'ee', 's', 'es'], ['s', 'se', 'psk']],
    psk: true,
  },
} as const;

export type PatternName = keyof typeof PATTERNS;
type Token = 'e' | 's' | 'ee' | 'es' | 'se' | 'psk';
type DhToken = 'ee' | 'es' | 'se';
const isDh = (t: Token): t is DhToken => t === 'ee' || t === 'es' || t === 'se';

const DH_LEN = 32;
const TAG_LEN = 16;
/** Noise messages are at most 65535 bytes (spec §3). */
export const MAX_NOISE_MESSAGE = 65535;

export interface HandshakeOptions {
  pattern: PatternName;
  initiator: boolean;
  prologue: Uint8Array;
  staticKey: Keypair;
  /** Fixed ephemeral key, for test vectors only. */
  ephemeralKey?: Keypair;
  /** 32-byte pre-shared key, required for XXpsk3. */
  psk?: Uint8Array;
}

export interface TransportCiphers {
  send: CipherState;
  receive: CipherState;
  handshakeHash: Uint8Array;
  remoteStatic: Uint8Array;
}

/**
 * Noise HandshakeState (spec §5.3) for XX and XXpsk3. Each instance runs one handshake;
 * any failure leaves it unusable (`failed`), so a caller can never continue a broken one.
 * Writing and reading are async (X25519 is the browser's, WebCrypto); one call at a time.
 */
export class HandshakeState {
  readonly #ss: SymmetricState;
  readonly #initiator: boolean;
  readonly #messages: readonly (readonly Token[])[];
  readonly #s: Keypair;
  readonly #psk: Uint8Array | null;
  readonly #usesPsk: boolean;
  #e: DhKeypair | null = null;
  /** The ephemeral key, generated as soon as the handshake starts so it is ready when needed. */
  #nextE: Promise<DhKeypair>;
  #busy = false;
  #re: Uint8Array | null = null;
  #rs: Uint8Array | null = null;
  #index = 0;
  #failed = false;

  constructor(options: HandshakeOptions) {
    const pattern = PATTERNS[options.pattern];
    if (!pattern) throw new TypeError('unknown handshake pattern');
    if (pattern.psk) {
      if (!options.psk || options.psk.length !== 32) throw new RangeError('XXpsk3 needs a 32-byte psk');
    }
    this.#ss = new SymmetricState(pattern.name);
    this.#initiator = options.initiator;
    this.#messages = pattern.messages;
    this.#s = options.staticKey;
    const fixed = options.ephemeralKey;
    this.#nextE = fixed ? Promise.resolve({ secret: fixed.privateKey, publicKey: fixed.publicKey }) : x25519Ephemeral();
    this.#nextE.catch(() => {}); // a failure surfaces when the key is used
    this.#usesPsk = pattern.psk;
    this.#psk = pattern.psk ? options.psk! : null;
    this.#ss.mixHash(options.prologue);
  }

  /** True when it is this side's turn to write. */
  get isMyTurn(): boolean {
    return this.#index % 2 === (this.#initiator ? 0 : 1);
  }

  get isComplete(): boolean {
    return this.#index === this.#messages.length;
  }

  get handshakeHash(): Uint8Array {
    return this.#ss.handshakeHash;
  }

  get remoteStatic(): Uint8Array | null {
    return this.#rs;
  }

  async writeMessage(payload: Uint8Array): Promise<Uint8Array> {
    this.#guard(true);
    this.#busy = true;
    try {
      const parts: Uint8Array[] = [];
      const tokens = this.#messages[this.#index]!;
      const e = tokens.includes('e') ? (this.#e = await this.#nextE) : this.#e;
      // Every DH of a message we write has its inputs already: compute them side by side.
      const shared = new Map(await Promise.all(tokens.filter(isDh).map(async (t) => [t, await this.#dh(t)] as const)));
      for (const token of tokens) {
        switch (token) {
          case 'e': {
            parts.push(e!.publicKey);
            this.#ss.mixHash(e!.publicKey);
            if (this.#usesPsk) this.#ss.mixKey(e!.publicKey);
            break;
          }
          case 's':
            parts.push(this.#ss.encryptAndHash(this.#s.publicKey));
            break;
          case 'psk':
            this.#ss.mixKeyAndHash(this.#psk!);
            break;
          default:
            this.#ss.mixKey(shared.get(token)!);
        }
      }
      parts.push(this.#ss.encryptAndHash(payload));
      this.#index++;
      const out = concat(...parts);
      if (out.length > MAX_NOISE_MESSAGE) throw new RangeError('handshake message too large');
      return out;
    } catch (error) {
      this.#failed = true;
      throw error;
    } finally {
      this.#busy = false;
    }
  }

  async readMessage(message: Uint8Array): Promise<Uint8Array> {
    this.#guard(false);
    this.#busy = true;
    try {
      if (!(message instanceof Uint8Array) || message.length > MAX_NOISE_MESSAGE) {
        throw new RangeError('bad handshake message');
      }
      let offset = 0;
      const take = (length: number): Uint8Array => {
        if (offset + length > message.length) throw new RangeError('handshake message truncated');
        const part = message.subarray(offset, offset + length);
        offset += length;
        return part;
      };
      for (const token of this.#messages[this.#index]!) {
        switch (token) {
          case 'e': {
            this.#re = take(DH_LEN).slice();
            this.#ss.mixHash(this.#re);
            if (this.#usesPsk) this.#ss.mixKey(this.#re);
            break;
          }
          case 's': {
            const length = this.#ss.cipher.hasKey() ? DH_LEN + TAG_LEN : DH_LEN;
            this.#rs = this.#ss.decryptAndHash(take(length)).slice();
            break;
          }
          case 'psk':
            this.#ss.mixKeyAndHash(this.#psk!);
            break;
          default:
            this.#ss.mixKey(await this.#dh(token));
        }
      }
      const payload = this.#ss.decryptAndHash(message.subarray(offset));
      this.#index++;
      return payload;
    } catch (error) {
      this.#failed = true;
      throw error;
    } finally {
      this.#busy = false;
    }
  }

  /** The two transport ciphers, available once the last message is written or read. */
  split(): TransportCiphers {
    if (!this.isComplete || this.#failed) throw new Error('handshake not complete');
    const [c1, c2] = this.#ss.split();
    return {
      send: this.#initiator ? c1 : c2,
      receive: this.#initiator ? c2 : c1,
      handshakeHash: this.#ss.handshakeHash,
      remoteStatic: this.#rs!,
    };
  }

  #guard(writing: boolean): void {
    if (this.#failed) throw new Error('handshake already failed');
    if (this.#busy) throw new Error('handshake message still in progress');
    if (this.isComplete) throw new Error('handshake already complete');
    if (this.isMyTurn !== writing) throw new Error(writing ? 'not our turn to write' : 'not our turn to read');
  }

  async #dh(token: DhToken): Promise<Uint8Array> {
    const e = this.#e;
    if (!e) throw new Error('no local ephemeral');
    let local: DhSecret;
    let remote: Uint8Array | null;
    if (token === 'ee') {
      local = e.secret;
      remote = this.#re;
    } else if ((token === 'es') === this.#initiator) {
      // initiator: es = DH(e, rs); responder: se = DH(e, rs)
      local = e.secret;
      remote = this.#rs;
    } else {
      local = this.#s.privateKey;
      remote = this.#re;
    }
    if (!remote) throw new Error('missing remote key for ' + token);
    return x25519Shared(local, remote);
  }
}
