/**
 * MQTT topic names friends-chat uses. Only lower-case hex segments: NATS refuses `.` and
 * spaces in a segment and disconnects the publisher, and no segment is ever a profile ID.
 */
const RENDEZVOUS = /^[0-9a-f]{16,64}$/;

export function isRendezvousId(value: unknown): value is string {
  return typeof value === 'string' && RENDEZVOUS.test(value);
}

/** Where offers, answers and candidates for one rendezvous ID arrive. */
export function signalingTopic(rendezvousId: string): string {
  return `fc1/s/${rendezvousId}`;
}

const TOPIC = /^fc1\/[a-z]\/[0-9a-f]{16,64}$/;

/** A topic friends-chat publishes to: `fc1/<kind letter>/<hex>`. */
export function isFriendsChatTopic(topic: unknown): topic is string {
  return typeof topic === 'string' && TOPIC.test(topic);
}
