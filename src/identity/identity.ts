import { ed25519Keypair, ed25519PublicKey, ed25519Sign, ed25519SignBulk, ed25519Verify, sha256, x25519Keypair, x25519PublicKey } from '../crypto/index.js';
import type { Keypair } from '../crypto/x25519.js';
import { FriendsChatError } from '../errors.js';
import { Keyspace } from '../storage/keyspace.js';
import type { Store } from '../storage/store.js';
import { concat, toHex, utf8 } from '../util/bytes.js';

const BIND_CONTEXT = utf8('friends-chat/bind/1');
const RDV_CONTEXT = utf8('friends-chat/rdv/1');

/** What is stored: the two secret keys. Public keys and the binding are derived. */
export interface IdentityRecord {
  v: 1;
  signSecret: Uint8Array;
  dhSecret: Uint8Array;
}

/** What the Ed25519 key signs to bind the X25519 static key to the profile. */
export function bindingMessage(dhPublic: Uint8Array): Uint8Array {
  return concat(BIND_CONTEXT, dhPublic);
}

export function verifyBinding(signPublic: Uint8Array, dhPublic: Uint8Array, signature: Uint8Array): boolean {
  return signPublic.length === 32 && dhPublic.length === 32 && signature.length === 64 && ed25519Verify(signature, bindingMessage(dhPublic), signPublic);
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

  private constructor(record: IdentityRecord) {
    this.signing = { privateKey: record.signSecret, publicKey: ed25519PublicKey(record.signSecret) };
    this.dh = { privateKey: record.dhSecret, publicKey: x25519PublicKey(record.dhSecret) };
    this.binding = ed25519Sign(bindingMessage(this.dh.publicKey), this.signing.privateKey);
    this.profileId = toHex(this.signing.publicKey);
    this.rendezvousId = rendezvousId(this.signing.publicKey);
  }

  /** Checks a stored or imported record and builds the identity; `bad-backup` if malformed. */
  static fromRecord(record: unknown): Identity {
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
    return new Identity({ v: 1, signSecret: r.signSecret.slice(), dhSecret: r.dhSecret.slice() });
  }

  static generate(): Identity {
    return new Identity({ v: 1, signSecret: ed25519Keypair().privateKey, dhSecret: x25519Keypair().privateKey });
  }

  /** Loads the profile's identity, creating and persisting one on first start. */
  static async load(store: Store): Promise<Identity> {
    const stored = await store.get<IdentityRecord>(Keyspace.identity);
    if (stored !== undefined) return Identity.fromRecord(stored);
    const identity = Identity.generate();
    await store.set(Keyspace.identity, identity.toRecord());
    return identity;
  }

  toRecord(): IdentityRecord {
    return { v: 1, signSecret: this.signing.privateKey.slice(), dhSecret: this.dh.privateKey.slice() };
  }

  sign(message: Uint8Array): Uint8Array {
    return ed25519Sign(message, this.signing.privateKey);
  }

  /** The same signature as `sign`, through native WebCrypto where available (log entries). */
  signFast(message: Uint8Array): Promise<Uint8Array> {
    return ed25519SignBulk(message, this.signing.privateKey);
  }
}
