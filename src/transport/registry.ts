import type { SignalingConfig } from '../config/signaling-url.js';
import { FriendsChatError } from '../errors.js';
import type { Signaling } from './signaling.js';

export interface SignalingContext {
  iceServers: RTCIceServer[];
  relayOnly: boolean;
}

type Factory = (config: SignalingConfig, context: SignalingContext) => Signaling;

/**
 * Maps `signaling` schemes to backends. Held per element (no module singleton), so tests
 * and embedders can plug a backend into one widget without touching another.
 */
export class SignalingRegistry {
  readonly #factories = new Map<string, Factory>();

  register(scheme: SignalingConfig['scheme'], factory: Factory): this {
    this.#factories.set(scheme, factory);
    return this;
  }

  create(config: SignalingConfig, context: SignalingContext): Signaling {
    const factory = this.#factories.get(config.scheme);
    if (!factory) throw new FriendsChatError('bad-signaling', `no signaling backend for "${config.scheme}:"`);
    return factory(config, context);
  }
}
