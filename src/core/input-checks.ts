import { FriendsChatError } from '../errors.js';
import { parseManifest } from '../files/manifest.js';
import { MAX_TEXT_BYTES, type Entry } from '../log/entry.js';
import { utf8 } from '../util/bytes.js';

/** A message text the page passed: not empty, at most 64 KiB of UTF-8. */
export function checkText(text: unknown): string {
  if (typeof text !== 'string' || text.trim() === '') throw new FriendsChatError('empty-message', 'the message is empty');
  if (utf8(text).length > MAX_TEXT_BYTES) throw new FriendsChatError('message-too-large', 'the message is longer than 64 KiB');
  return text;
}

/** A file entry's body must be a well-formed manifest; the reason if it is not. */
export function checkFileBody(entry: Entry): string | undefined {
  if (entry.kind !== 'file' || entry.body === undefined) return undefined;
  try {
    parseManifest(entry.body);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : 'bad manifest';
  }
}

/** A self-destruct delay: 1 second to 1 year, in ms. */
export function checkExpiresIn(expiresIn: unknown): number | undefined {
  if (expiresIn === undefined) return undefined;
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 1000 || expiresIn > 365 * 86400000) {
    throw new FriendsChatError('bad-input', 'expiresIn must be between 1 second and 1 year, in ms');
  }
  return expiresIn;
}

export function requireMessageId(id: unknown): void {
  if (typeof id !== 'string' || !/^[0-9a-f]{64}$/.test(id)) throw new FriendsChatError('bad-input', 'expected a 64-hex message ID');
}
