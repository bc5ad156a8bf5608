import { hmacSha256, randomBytes } from '../crypto/index.js';
import { aesKey, aesOpen, aesSeal } from '../crypto/subtle.js';
import { FriendsChatError } from '../errors.js';
import { concat, utf8 } from '../util/bytes.js';

/**
 * The data key wrapped by a passkey (docs/storage-lock.md): the WebAuthn PRF extension gives
 * 32 bytes that only this credential on its authenticator can compute for our salt; they key
 * an AES-GCM seal of the data key. Always beside the passphrase, never instead of it.
 */
export interface PasskeyRecord {
  v: 1;
  /** The credential ID, to ask the authenticator for exactly this passkey. */
  id: Uint8Array;
  salt: Uint8Array;
  nonce: Uint8Array;
  wrapped: Uint8Array;
}

type Bytes = Uint8Array<ArrayBuffer>;
const AD = utf8('friends-chat/passkey/1');

const unavailable = (why: string) => new FriendsChatError('passkey-unavailable', why);

interface PrfResults {
  prf?: { enabled?: boolean; results?: { first?: ArrayBuffer } };
}

function prfOutput(credential: Credential | null): Uint8Array | undefined {
  const results = (credential as PublicKeyCredential | null)?.getClientExtensionResults() as PrfResults | undefined;
  const first = results?.prf?.results?.first;
  return first ? new Uint8Array(first) : undefined;
}

/** One WebAuthn ceremony; every refusal (no support, cancelled, IP origin) is `passkey-unavailable`. */
async function ceremony(run: (c: CredentialsContainer) => Promise<Credential | null>): Promise<PublicKeyCredential> {
  if (typeof PublicKeyCredential === 'undefined' || !navigator.credentials) throw unavailable('this browser has no passkeys');
  try {
    const credential = await run(navigator.credentials);
    if (!credential) throw new Error('none');
    return credential as PublicKeyCredential;
  } catch (error) {
    if (error instanceof FriendsChatError) throw error;
    throw unavailable(`no passkey was used (${(error as Error)?.name ?? 'error'})`);
  }
}

/** The PRF output of credential `id` for `salt` (a second ceremony when creation gave none). */
async function evaluate(id: Uint8Array, salt: Uint8Array): Promise<Uint8Array> {
  const credential = await ceremony((c) =>
    c.get({
      publicKey: {
        challenge: randomBytes(32) as Bytes,
        allowCredentials: [{ type: 'public-key', id: id as Bytes }],
        userVerification: 'required',
        extensions: { prf: { eval: { first: salt as Bytes } } } as AuthenticationExtensionsClientInputs,
      },
    }),
  );
  const output = prfOutput(credential);
  if (!output) throw unavailable('this passkey cannot derive keys (no PRF)');
  return output;
}

async function sealKey(output: Uint8Array, id: Uint8Array): Promise<CryptoKey> {
  const raw = hmacSha256(output, concat(utf8('friends-chat/passkey/1/key'), id));
  output.fill(0);
  const key = await aesKey(raw);
  raw.fill(0);
  return key;
}

/** Registers a new passkey for this profile and wraps `dataKey` with its PRF output. */
export async function wrapWithPasskey(dataKey: Uint8Array, name: string): Promise<PasskeyRecord> {
  const salt = randomBytes(32);
  const credential = await ceremony((c) =>
    c.create({
      publicKey: {
        rp: { name: 'friends-chat' },
        user: { id: randomBytes(16) as Bytes, name: name || 'friends-chat', displayName: name || 'friends-chat' },
        challenge: randomBytes(32) as Bytes,
        pubKeyCredParams: [
          { type: 'public-key', alg: -8 },
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -257 },
        ],
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
        extensions: { prf: { eval: { first: salt as Bytes } } } as AuthenticationExtensionsClientInputs,
      },
    }),
  );
  const results = credential.getClientExtensionResults() as PrfResults;
  if (results.prf?.enabled === false) throw unavailable('this passkey cannot derive keys (no PRF)');
  const id = new Uint8Array(credential.rawId);
  const output = prfOutput(credential) ?? (await evaluate(id, salt));
  const nonce = randomBytes(12);
  return { v: 1, id, salt, nonce, wrapped: await aesSeal(await sealKey(output, id), nonce, dataKey, AD) };
}

/** The data key, after the user used the passkey; `bad-passphrase` if the record does not open. */
export async function unwrapWithPasskey(record: PasskeyRecord): Promise<Uint8Array> {
  const output = await evaluate(record.id, record.salt);
  try {
    return await aesOpen(await sealKey(output, record.id), record.nonce, record.wrapped, AD);
  } catch {
    throw new FriendsChatError('bad-passphrase', 'the passkey did not open this chat');
  }
}

/** A passkey record as read from disk, or undefined if there is none or it is not one. */
export function checkPasskeyRecord(value: unknown): PasskeyRecord | undefined {
  const r = value as Partial<PasskeyRecord> | null | undefined;
  const bytes = (b: unknown, min: number, max = min): boolean => b instanceof Uint8Array && b.length >= min && b.length <= max;
  return r && r.v === 1 && bytes(r.id, 16, 1023) && bytes(r.salt, 32) && bytes(r.nonce, 12) && bytes(r.wrapped, 48) ? (r as PasskeyRecord) : undefined;
}
