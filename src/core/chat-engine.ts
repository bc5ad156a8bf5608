import { toFriendsChatError, type FriendsChatError } from '../errors.js';
import { Identity } from '../identity/identity.js';
import type { Signaling, SignalingState } from '../transport/signaling.js';
import type { Store } from '../storage/store.js';

export interface ChatEngineOptions {
  store: Store;
  signaling: Signaling;
  /** Every error the engine meets ends up here; the element turns it into an event. */
  onError: (error: FriendsChatError) => void;
  onSignalingState: (state: SignalingState) => void;
}

/**
 * The chat engine of one widget: identity, signaling and (as they land) contacts,
 * conversations and sync. No DOM; all I/O goes through the ports it is given.
 */
export class ChatEngine {
  readonly identity: Identity;
  readonly #options: ChatEngineOptions;
  readonly #unsubscribe: (() => void)[] = [];
  #stopped = false;

  private constructor(identity: Identity, options: ChatEngineOptions) {
    this.identity = identity;
    this.#options = options;
  }

  /** Loads (or creates) the identity, then registers with the signaling backend. */
  static async open(options: ChatEngineOptions): Promise<ChatEngine> {
    const identity = await Identity.load(options.store);
    const engine = new ChatEngine(identity, options);
    engine.#start();
    return engine;
  }

  get signalingState(): SignalingState {
    return this.#options.signaling.state;
  }

  /** The page came back online or became visible: retry now instead of waiting. */
  nudge(): void {
    this.#options.signaling.nudge();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#options.signaling.close();
  }

  #start(): void {
    const { signaling, onError, onSignalingState } = this.#options;
    this.#unsubscribe.push(
      signaling.onError((error) => onError(error)),
      signaling.onState((state) => onSignalingState(state)),
    );
    try {
      signaling.start(this.identity.rendezvousId);
    } catch (error) {
      onError(toFriendsChatError(error, 'signaling-failed'));
    }
  }
}
