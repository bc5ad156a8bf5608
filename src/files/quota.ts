/**
 * How much a friend's files may take on this device. A file is refused, before any of its
 * bytes is asked for, when it would take its friend over `perFriend`, all received files
 * over `total`, or the origin's storage (as `navigator.storage.estimate()` reports it)
 * over STORAGE_SHARE of its quota.
 */
export interface FileQuota {
  perFriend: number;
  total: number;
}

export const DEFAULT_FILE_QUOTA: FileQuota = { perFriend: 2 * 1024 ** 3, total: 8 * 1024 ** 3 };
/** Files must leave room for the history and everything else the page keeps. */
const STORAGE_SHARE = 0.8;
/**
 * The estimate is advice: one that does not answer within this long counts as unknown (ms).
 * Accepts run one after another, so a browser that never answered held back every later file.
 */
const ESTIMATE_WAIT = 3000;

export type StorageEstimator = () => Promise<{ usage?: number; quota?: number } | undefined>;

/** The browser's own estimate; undefined where the API is missing (the quotas still hold). */
export const browserEstimate: StorageEstimator = async () => navigator.storage?.estimate?.();

/** Why a file of `size` bytes cannot be kept, or undefined when it can. */
export async function quotaRefusal(size: number, used: { friend: number; total: number }, quota: FileQuota, estimate: StorageEstimator): Promise<string | undefined> {
  if (used.friend + size > quota.perFriend) return 'over the storage quota for this friend';
  if (used.total + size > quota.total) return 'over the storage quota for received files';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const unanswered = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ESTIMATE_WAIT)));
  const storage = await Promise.race([estimate().catch(() => undefined), unanswered]);
  clearTimeout(timer);
  if (storage?.quota !== undefined && (storage.usage ?? 0) + size > storage.quota * STORAGE_SHARE) return 'not enough storage space on this device';
  return undefined;
}
