import { ed25519PublicKey, ed25519Sign, ed25519Verify, randomBytes, sha256, x25519PublicKey, type Keypair } from '../crypto/index.js';
import { FriendsChatError } from '../errors.js';
import { Keyspace } from '../storage/keyspace.js';
import type { Store } from '../storage/store.js';
import { concat, toHex, utf8 } from '../util/bytes.js';

const BIND_CONTEXT = utf8('friends-chat/bind/1');
const RDV_CONTEXT = utf8('friends-chat/rdv/1');

/** What is stored: the two raw 32-byte secret keys. Public keys and the binding are derived. */
export interface IdentityRecord {
  v: 1;
  signSecret: Uint8Array;
  dhSecret: Uint8Array;
}

/** What the Ed25519 key signs to bind the X25519 static key to the profile. */
export function bindingMessage(dhPublic: Uint8Array): Uint8Array {
  return concat(BIND_CONTEXT, dhPublic);
}

export async function verifyBinding(signPublic: Uint8Array, dhPublic: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return dhPublic.length === 32 && (await ed25519Verify(signature, bindingMessage(dhPublic), signPublic));
}

/**
 * The public request address: first 32 hex of SHA-256("friends-chat/rdv/1" ‖ key). Anyone
 * with the profile ID can compute it, so only strangers' requests go here; friends meet at
 * pairwise IDs (docs/rendezvous.md).
 */
export function rendezvousId(signPublic: Uint8Array): string {
  return toHex(sha256(concat(RDV_CONTEXT, signPublic))).slice(0, 32);
}

/** Profile IDs are the hex Ed25519 public key. */
export const PROFILE_ID_PATTERN = /^[0-9a-f]{64}$/;

/**
 * A user's identity: an Ed25519 signing key (the profile) and an X25519 static key for
 * Noise, bound together by a signature. Secret keys never leave this object except for
 * an encrypted backup.
 */
export class Identity {
  readonly signing: Keypair;
  readonly dh: Keypair;
  readonly binding: Uint8Array;
  readonly profileId: string;
  readonly rendezvousId: string;

  private constructor(signing: Keypair, dh: Keypair, binding: Uint8Array) {
    this.signing = signing;
    this.dh = dh;
    this.binding = binding;
    this.profileId = toHex(this.signing.publicKey);
    this.rendezvousId = rendezvousId(this.signing.publicKey);
  }

  /** Derives the public keys and the binding (WebCrypto, so async) from the two secrets. */
  static async #of(record: IdentityRecord): Promise<Identity> {
    const [signPublic, dhPublic] = await Promise.all([ed25519PublicKey(record.signSecret), x25519PublicKey(record.dhSecret)]);
    const binding = await ed25519Sign(bindingMessage(dhPublic), record.signSecret);
    return new Identity({ privateKey: record.signSecret, publicKey: signPublic }, { privateKey: record.dhSecret, publicKey: dhPublic }, binding);
  }

  /** Checks a stored or imported record and builds the identity; `bad-backup` if malformed. */
  static async fromRecord(record: unknown): Promise<Identity> {
    const r = record as Partial<IdentityRecord> | null;
    if (
      !r ||
      r.v !== 1 ||
      !(r.signSecret instanceof Uint8Array) ||
      r.signSecret.length !== 32 ||
      !(r.dhSecret instanceof Uint8Array) ||
      r.dhSecret.length !== 32
    ) {
      throw new FriendsChatError('bad-backup', 'identity record is malformed');
    }
    try {
      return await Identity.#of({ v: 1, signSecret: r.signSecret.slice(), dhSecret: r.dhSecret.slice() });
    } catch (error) {
      throw new FriendsChatError('bad-backup', 'identity keys are not usable', { cause: error });
    }
  }

  static generate(): Promise<Identity> {
    return Identity.#of({ v: 1, signSecret: randomBytes(32), dhSecret: randomBytes(32) });
  }

  /** Loads the profile's identity, creating and persisting one on first start. */
  static async load(store: Store): Promise<Identity> {
    const stored = await store.get<IdentityRecord>(Keyspace.identity);
    if (stored !== undefined) return Identity.fromRecord(stored);
    const identity = await Identity.generate();
    await store.set(Keyspace.identity, identity.toRecord());
    return identity;
  }

  toRecord(): IdentityRecord {
    return { v: 1, signSecret: this.signing.privateKey.slice(), dhSecret: this.dh.privateKey.slice() };
  }

  /** Ed25519 through WebCrypto; the signing key is imported once (non-extractable) and reused. */
  sign(message: Uint8Array): Promise<Uint8Array> {
    return ed25519Sign(message, this.signing.privateKey);
  }
}
