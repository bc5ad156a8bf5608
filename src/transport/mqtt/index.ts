import type { SignalingContext } from '../registry.js';
import type { Signaling } from '../signaling.js';
import { MqttSignaling } from './mqtt-signaling.js';
import { parseMqttUrls, type MqttConfig } from './mqtt-url.js';

export type { MqttConfig } from './mqtt-url.js';
export type { SignalingKeys } from './mqtt-signaling.js';
export { MqttSignaling } from './mqtt-signaling.js';
export { MailboxClient, type MailboxClientOptions } from './mailbox-client.js';

/**
 * The `mqtt:` / `mqtts:` signaling backend, for the registry: `parse` checks the attribute
 * (a space-separated list of broker URLs), `create` builds the backend. Pass `keys` (the
 * identity's X25519 key pair and a lookup of friends' static keys) so offers to friends are
 * sealed; without them every offer is "open" (see docs/self-hosting.md).
 */
export const mqttSignaling = {
  schemes: ['mqtt', 'mqtts'] as const,
  parse: (value: string): MqttConfig => parseMqttUrls(value),
  create: (config: MqttConfig, context: SignalingContext): Signaling =>
    new MqttSignaling({ urls: config.urls, iceServers: context.iceServers, relayOnly: context.relayOnly, ...(context.keys ? { keys: context.keys } : {}) }),
};
