import { x25519Keypair, x25519Shared } from './x25519.js';

/** An X25519 secret: raw bytes (noble, stored keys, test vectors) or a WebCrypto key. */
export type DhSecret = Uint8Array | CryptoKey;

export interface DhKeypair {
  readonly secret: DhSecret;
  readonly publicKey: Uint8Array;
}

/**
 * The X25519 a handshake uses. Async so the browser's native X25519 (WebCrypto, in
 * Chromium and Firefox) can do the work; `nobleX25519` computes the same values in
 * JavaScript where the browser has none. Both reject a low-order public key (an all-zero
 * shared secret), which a peer could use to force a known secret.
 */
export interface X25519 {
  readonly native: boolean;
  generate(): Promise<DhKeypair>;
  shared(secret: DhSecret, publicKey: Uint8Array): Promise<Uint8Array>;
}

export const nobleX25519: X25519 = {
  native: false,
  generate: async () => {
    const { privateKey, publicKey } = x25519Keypair();
    return { secret: privateKey, publicKey };
  },
  shared: async (secret, publicKey) => {
    if (!(secret instanceof Uint8Array)) throw new TypeError('not a raw X25519 secret');
    return x25519Shared(secret, publicKey);
  },
};

const ALG = { name: 'X25519' } as const;
/** PKCS#8 wrapper of a raw 32-byte X25519 secret (RFC 8410, OID 1.3.101.110). */
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]);

/** WebCrypto X25519. Raw secrets are imported once each (non-extractable) and cached. */
function webX25519(subtle: SubtleCrypto): X25519 {
  const imported = new WeakMap<Uint8Array, Promise<CryptoKey>>();
  const toKey = (secret: DhSecret): Promise<CryptoKey> => {
    if (!(secret instanceof Uint8Array)) return Promise.resolve(secret);
    let key = imported.get(secret);
    if (!key) {
      if (secret.length !== 32) throw new RangeError('X25519 secret must be 32 bytes');
      const der = new Uint8Array(PKCS8_PREFIX.length + 32);
      der.set(PKCS8_PREFIX);
      der.set(secret, PKCS8_PREFIX.length);
      key = subtle.importKey('pkcs8', der, ALG, false, ['deriveBits']);
      void key.finally(() => der.fill(0)).catch(() => {});
      imported.set(secret, key);
    }
    return key;
  };
  return {
    native: true,
    async generate() {
      const pair = (await subtle.generateKey(ALG, false, ['deriveBits'])) as CryptoKeyPair;
      return { secret: pair.privateKey, publicKey: new Uint8Array(await subtle.exportKey('raw', pair.publicKey)) };
    },
    async shared(secret, publicKey) {
      if (publicKey.length !== 32) throw new RangeError('X25519 public key must be 32 bytes');
      const [key, peer] = await Promise.all([toKey(secret), subtle.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, ALG, false, [])]);
      const out = new Uint8Array(await subtle.deriveBits({ name: 'X25519', public: peer }, key, 256));
      let any = 0;
      for (const byte of out) any |= byte;
      if (any === 0) throw new RangeError('low-order X25519 public key');
      return out;
    },
  };
}

let best: Promise<X25519> | undefined;

/**
 * The fastest X25519 this browser has, decided once: WebCrypto when it can generate a key
 * and derive the RFC 7748 §5.2 test value, noble otherwise.
 */
export function fastX25519(): Promise<X25519> {
  best ??= (async () => {
    const subtle = globalThis.crypto?.subtle;
    if (!subtle) return nobleX25519;
    try {
      const web = webX25519(subtle);
      const scalar = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 9 : 0));
      const base = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 9 : 0));
      const [ours, theirs] = await Promise.all([web.shared(scalar, base), nobleX25519.shared(scalar, base)]);
      await web.generate();
      return ours.every((b, i) => b === theirs[i]) ? web : nobleX25519;
    } catch {
      return nobleX25519;
    }
  })();
  return best;
}
