import { sha256 } from '../crypto/index.js';
import { concat, fromHex, utf8 } from '../util/bytes.js';
import { FriendsChatError } from '../errors.js';
import { PROFILE_ID_PATTERN } from './identity.js';

const CONTEXT = utf8('friends-chat/safety/1');
const ITERATIONS = 1024;

/** 30 digits (six groups of five) for one key: iterated SHA-256, five bytes per group. */
function half(publicKey: Uint8Array): string {
  let digest = sha256(concat(CONTEXT, publicKey));
  for (let i = 1; i < ITERATIONS; i++) digest = sha256(concat(digest, publicKey));
  let out = '';
  for (let g = 0; g < 6; g++) {
    let value = 0;
    for (let b = 0; b < 5; b++) value = value * 256 + digest[g * 5 + b]!;
    out += String(value % 100000).padStart(5, '0');
  }
  return out;
}

/**
 * The 60-digit safety number of two profiles: the same on both sides (the halves are
 * sorted), and different if either key changes. Returned as 12 groups of 5 digits.
 */
export function safetyNumber(profileA: string, profileB: string): string {
  if (!PROFILE_ID_PATTERN.test(profileA) || !PROFILE_ID_PATTERN.test(profileB)) {
    throw new FriendsChatError('bad-input', 'safety numbers need two 64-hex profile IDs');
  }
  const halves = [half(fromHex(profileA)), half(fromHex(profileB))].sort();
  return (halves[0]! + halves[1]!).match(/\d{5}/g)!.join(' ');
}
