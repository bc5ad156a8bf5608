import { scryptAsync } from '@noble/hashes/scrypt.js';

/** Strong parameters for identity backups (the issue fixes N = 2^17, r = 8, p = 1). */
export const BACKUP_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;

/**
 * scrypt → 32-byte key. Async so a 128 MiB derivation yields to the page between blocks.
 * `params` exists so tests can check that the stored parameters are honoured.
 */
export function deriveBackupKey(
  passphrase: string,
  salt: Uint8Array,
  params: { N: number; r: number; p: number } = BACKUP_SCRYPT,
): Promise<Uint8Array> {
  return scryptAsync(new TextEncoder().encode(passphrase.normalize('NFKC')), salt, {
    ...params,
    dkLen: 32,
    maxmem: 256 * 1024 * 1024,
  });
}
