import { FriendsChatError } from '../errors.js';
import type { Signaling } from './signaling.js';

/** What every backend gets besides its own parsed URL. */
export interface SignalingContext {
  iceServers: RTCIceServer[];
  relayOnly: boolean;
  /**
   * For backends that seal their signaling to the recipient (MQTT): the identity's X25519
   * key pair, and a friend's static X25519 key by the rendezvous ID it listens at.
   */
  keys?: {
    own?: { publicKey: Uint8Array; privateKey: Uint8Array };
    peerKey?(rendezvousId: string): Uint8Array | undefined;
  };
}

/**
 * One signaling backend: the URL schemes it answers, a parser that checks the `signaling`
 * attribute (throwing `bad-signaling` with what was wrong, before anything connects) and a
 * factory. Adding a backend is one `registry.register(strategy)` call.
 */
export interface SignalingStrategy<C> {
  /** Schemes without the colon, e.g. `['peerjs', 'peerjss']`. */
  readonly schemes: readonly string[];
  parse(value: string): C;
  create(config: C, context: SignalingContext): Signaling;
}

/** A checked `signaling` value: which scheme, and how to build its backend. */
export interface SignalingPlan {
  readonly scheme: string;
  create(context: SignalingContext): Signaling;
}

type Planner = (value: string, scheme: string) => SignalingPlan;

/**
 * Maps `signaling` schemes to strategies. Each widget gets its own registry (see
 * `src/app/default-registry.ts`), so tests and embedders can plug a backend into one
 * widget without touching another.
 */
export class SignalingRegistry {
  readonly #planners = new Map<string, Planner>();

  register<C>(strategy: SignalingStrategy<C>): this {
    const planner: Planner = (value, scheme) => {
      const config = strategy.parse(value);
      return { scheme, create: (context) => strategy.create(config, context) };
    };
    for (const scheme of strategy.schemes) this.#planners.set(scheme.toLowerCase(), planner);
    return this;
  }

  get schemes(): string[] {
    return [...this.#planners.keys()];
  }

  /** Checks a `signaling` value; throws `bad-signaling` for an unknown scheme or a bad URL. */
  parse(value: string): SignalingPlan {
    const text = value.trim();
    const scheme = (/^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1] ?? text).toLowerCase();
    const planner = this.#planners.get(scheme);
    if (!planner) {
      const known = this.schemes.map((s) => `${s}:`).join(', ');
      throw new FriendsChatError('bad-signaling', `signaling "${text.slice(0, 80)}" must start with one of ${known}`);
    }
    return planner(text, scheme);
  }
}
