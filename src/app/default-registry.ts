import { manualStrategy } from '../transport/manual/manual-signaling.js';
import { mqttSignaling } from '../transport/mqtt/index.js';
import { peerjsStrategy } from '../transport/peerjs/peerjs-strategy.js';
import { SignalingRegistry } from '../transport/registry.js';

/**
 * The signaling backends a widget knows: `peerjs://`, `peerjss://`, `manual:` and
 * `mqtt://` / `mqtts://` (one URL, or several separated by spaces for failover). A new
 * backend is one more `.register(strategy)` here. A fresh registry per widget, never a
 * shared one, so a test or embedder that adds a backend affects only its own widget.
 */
export function defaultRegistry(): SignalingRegistry {
  return new SignalingRegistry().register(peerjsStrategy).register(manualStrategy).register(mqttSignaling);
}
