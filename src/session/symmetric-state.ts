import { hkdf2, sha256 } from '../crypto/index.js';
import { concat, utf8 } from '../util/bytes.js';
import { CipherState } from './cipher-state.js';

const EMPTY = new Uint8Array(0);

/** Noise SymmetricState (spec §5.2) for SHA-256 and ChaChaPoly. */
export class SymmetricState {
  readonly cipher = new CipherState();
  #ck: Uint8Array;
  #h: Uint8Array;

  constructor(protocolName: string) {
    const name = utf8(protocolName);
    if (name.length <= 32) {
      this.#h = new Uint8Array(32);
      this.#h.set(name);
    } else {
      this.#h = sha256(name);
    }
    this.#ck = this.#h;
  }

  get handshakeHash(): Uint8Array {
    return this.#h;
  }

  mixKey(ikm: Uint8Array): void {
    const [ck, k] = hkdf2(this.#ck, ikm);
    this.#ck = ck!;
    this.cipher.initializeKey(k!);
  }

  mixHash(data: Uint8Array): void {
    this.#h = sha256(concat(this.#h, data));
  }

  mixKeyAndHash(ikm: Uint8Array): void {
    const [ck, h, k] = hkdf2(this.#ck, ikm, true);
    this.#ck = ck!;
    this.mixHash(h!);
    this.cipher.initializeKey(k!);
  }

  encryptAndHash(plaintext: Uint8Array): Uint8Array {
    const ciphertext = this.cipher.encryptWithAd(this.#h, plaintext);
    this.mixHash(ciphertext);
    return ciphertext;
  }

  decryptAndHash(ciphertext: Uint8Array): Uint8Array {
    const plaintext = this.cipher.decryptWithAd(this.#h, ciphertext);
    this.mixHash(ciphertext);
    return plaintext;
  }

  split(): [CipherState, CipherState] {
    const [k1, k2] = hkdf2(this.#ck, EMPTY);
    const c1 = new CipherState();
    const c2 = new CipherState();
    c1.initializeKey(k1!);
    c2.initializeKey(k2!);
    return [c1, c2];
  }
}
