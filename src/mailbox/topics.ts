import { hmacSha256, sha256 } from '../crypto/index.js';
import { FriendsChatError } from '../errors.js';
import { concat, toHex, utf8 } from '../util/bytes.js';

const TOPIC_CONTEXT = utf8('friends-chat/mailbox-topic/1');
const CLIENT_CONTEXT = utf8('friends-chat/mailbox-client/1');
const MAILBOX_TOPIC = /^fc1\/m\/[0-9a-f]{32}$/;

/**
 * A profile's mailbox topic, from its static X25519 public key: friends learn that key in
 * the Noise handshake, the broker never does, and the profile ID (the Ed25519 key) does not
 * lead to it. Hex only, so NATS accepts it.
 */
export function mailboxTopic(dhPublic: Uint8Array): string {
  if (dhPublic.length !== 32) throw new FriendsChatError('bad-input', 'a mailbox key is 32 bytes');
  return `fc1/m/${toHex(sha256(concat(TOPIC_CONTEXT, dhPublic))).slice(0, 32)}`;
}

export function isMailboxTopic(topic: unknown): topic is string {
  return typeof topic === 'string' && MAILBOX_TOPIC.test(topic);
}

/**
 * The fixed client ID of a profile's persistent mailbox session, keyed by a secret key of
 * the identity: nothing public leads to it, so no one else can take over the session and
 * drain the queue. 32 hex digits (brokers here accept more than MQTT's minimum of 23).
 */
export function mailboxClientId(identitySecret: Uint8Array): string {
  if (identitySecret.length !== 32) throw new FriendsChatError('bad-input', 'an identity secret is 32 bytes');
  return toHex(hmacSha256(identitySecret, CLIENT_CONTEXT)).slice(0, 32);
}
