import type { SealedStore } from './sealed-store.js';
import { isSealedName } from './sealed-store.js';
import type { Store } from './store.js';

const BATCH = 32;

/**
 * Turns the lock on in place: every plaintext record is sealed, then its plaintext deleted,
 * a batch at a time. A crash between the two leaves both; the next run seals it again, so
 * the store always opens with the passphrase. `limit` stops after that many records (the
 * tests' crash). Resolves true when nothing plaintext is left.
 */
export async function sealInPlace(raw: Store, sealed: SealedStore, limit = Infinity): Promise<boolean> {
  const plain = (await raw.keys()).filter((k) => !k.startsWith('~'));
  let done = 0;
  for (let i = 0; i < plain.length; i += BATCH) {
    const batch = plain.slice(i, i + Math.min(BATCH, limit - done));
    if (batch.length === 0) return false;
    const values = await raw.getMany<unknown>(batch);
    await sealed.setMany(batch.flatMap((k, j): [string, unknown][] => (values[j] === undefined ? [] : [[k, values[j]]])));
    await raw.delMany(batch);
    done += batch.length;
  }
  return done === plain.length;
}

/** Turns the lock off in place, the same way round: plaintext written, then the sealed record deleted. */
export async function openInPlace(raw: Store, sealed: SealedStore): Promise<void> {
  const names = (await raw.keys()).filter(isSealedName);
  for (let i = 0; i < names.length; i += BATCH) {
    const batch = names.slice(i, i + BATCH);
    const stored = await raw.getMany<unknown>(batch);
    const plain: [string, unknown][] = [];
    for (let j = 0; j < batch.length; j++) {
      const record = stored[j] === undefined ? null : await sealed.unseal(batch[j]!, stored[j]);
      if (record) plain.push([record.n, record.v]);
    }
    await raw.setMany(plain);
    await raw.delMany(batch);
  }
}
