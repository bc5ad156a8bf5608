import { sha256 } from '../crypto/index.js';
import { fromHex, toHex, utf8 } from '../util/bytes.js';

const DIRECT_LABEL = utf8('friends-chat/conversation/direct/1');

/**
 * The ID of the one-to-one conversation between two profiles: SHA-256 of a label and both
 * profile keys in sorted order, so both sides derive the same value and no third profile
 * can produce it (docs/protocol.md, "Conversations").
 */
export function directConversationId(a: string, b: string): string {
  const [first, second] = a < b ? [a, b] : [b, a];
  const bytes = new Uint8Array(DIRECT_LABEL.length + 64);
  bytes.set(DIRECT_LABEL);
  bytes.set(fromHex(first), DIRECT_LABEL.length);
  bytes.set(fromHex(second), DIRECT_LABEL.length + 32);
  return toHex(sha256(bytes));
}
