import { chachaPolyDecrypt, chachaPolyEncrypt } from '../crypto/index.js';

const EMPTY = new Uint8Array(0);
/** Noise reserves 2^64-1; JS numbers stay exact to 2^53, far beyond any real session. */
const MAX_NONCE = Number.MAX_SAFE_INTEGER;

/** ChaChaPoly nonce: 32 zero bits, then the 64-bit counter little-endian (Noise §12.3). */
function nonceBytes(n: number | bigint): Uint8Array {
  const out = new Uint8Array(12);
  new DataView(out.buffer).setBigUint64(4, BigInt(n), true);
  return out;
}

/**
 * Noise CipherState (spec §5.1): a key and a nonce counter that only moves forward.
 * A failed decryption does not advance the counter; the session closes on it anyway.
 */
export class CipherState {
  #k: Uint8Array | null = null;
  #n = 0;

  initializeKey(key: Uint8Array | null): void {
    if (key !== null && key.length !== 32) throw new RangeError('cipher key must be 32 bytes');
    this.#k = key;
    this.#n = 0;
  }

  hasKey(): boolean {
    return this.#k !== null;
  }

  /** The next nonce this cipher will use. */
  get nonce(): number {
    return this.#n;
  }

  /** Noise SetNonce(): for transports that carry the nonce explicitly (spec §5.1, §11.4). */
  setNonce(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('bad nonce');
    this.#n = n;
  }

  encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (this.#k === null) return plaintext;
    if (this.#n >= MAX_NONCE) throw new RangeError('nonce exhausted');
    const out = chachaPolyEncrypt(this.#k, nonceBytes(this.#n), ad, plaintext);
    this.#n++;
    return out;
  }

  decryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    if (this.#k === null) return ciphertext;
    if (this.#n >= MAX_NONCE) throw new RangeError('nonce exhausted');
    const out = chachaPolyDecrypt(this.#k, nonceBytes(this.#n), ad, ciphertext);
    this.#n++;
    return out;
  }

  /** Noise §4.2 REKEY: the new key is ENCRYPT(k, 2^64-1, "", zeros) truncated to 32 bytes. */
  rekey(): void {
    if (this.#k === null) return;
    const maxNonce = nonceBytes(0xffffffffffffffffn);
    this.#k = chachaPolyEncrypt(this.#k, maxNonce, EMPTY, new Uint8Array(32)).subarray(0, 32);
  }
}
