import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { createFriendsChat, type FriendsChat, type FriendsChatHooks } from '../../app/create-friends-chat.js';
import { ProfileStores } from '../../app/profile-stores.js';
import type { FriendsChatConfig } from '../../config/attributes.js';
import type { ChatEngine } from '../../core/chat-engine.js';
import { FriendsChatError, toFriendsChatError } from '../../errors.js';
import type { Signaling } from '../../transport/signaling.js';

export interface EngineControllerEvents {
  /** A new engine is up (after every restart). */
  onStarted(engine: ChatEngine): Promise<void> | void;
  /** Another tab holds the profile (`true`), or this tab got it (`false`). */
  onElsewhere(waiting: boolean): void;
  /** Opening failed (the store could not be read, say). */
  onFailed(error: FriendsChatError): void;
  /** The profile's store is locked: nothing runs until it is unlocked. */
  onLocked(): void;
}

/**
 * Runs the widget's core for the root element: (re)builds it through `createFriendsChat`
 * whenever a connection attribute changes, drops events of a core being replaced, and
 * stops it when the element leaves the page. `ready` resolves once a core is up.
 */
export class EngineController implements ReactiveController {
  readonly stores: ProfileStores;
  /** The last start found the store locked; calls fail fast instead of waiting for `ready`. */
  locked = false;
  readonly #hooks: FriendsChatHooks;
  readonly #events: EngineControllerEvents;
  #running: FriendsChat | null = null;
  #abort: AbortController | null = null;
  #ready!: Promise<void>;
  #resolveReady!: () => void;
  #readyNow = false;
  /** The browser cannot run friends-chat (`unsupported-browser`): every call fails with it. */
  #refused: FriendsChatError | null = null;
  #lockedNow: () => void = () => {};
  #whenLocked: Promise<void> = new Promise(() => {});

  constructor(host: ReactiveControllerHost, hooks: FriendsChatHooks, events: EngineControllerEvents) {
    this.#hooks = hooks;
    this.#events = events;
    this.stores = new ProfileStores((error) => hooks.onError(error));
    this.renewReady();
    host.addController(this);
  }

  get engine(): ChatEngine | null {
    return this.#running?.engine ?? null;
  }

  get signaling(): Signaling | null {
    return this.#running?.signaling ?? null;
  }

  get ready(): Promise<void> {
    return this.#ready;
  }

  /** The next `ready` waits for the next start. */
  renewReady(): void {
    this.#readyNow = false;
    this.#ready = new Promise((resolve) => (this.#resolveReady = resolve));
  }

  hostDisconnected(): void {
    this.stop();
  }

  restart(config: FriendsChatConfig): void {
    this.stop();
    // Calls made while the new engine starts (right after an unlock, say) wait for it.
    if (this.#readyNow) this.renewReady();
    this.locked = false;
    this.#refused = null;
    this.#whenLocked = new Promise((resolve) => (this.#lockedNow = resolve));
    const abort = new AbortController();
    this.#abort = abort;
    void (async () => {
      try {
        const running = await createFriendsChat(config, this.#hooks, {
          stores: this.stores,
          signal: abort.signal,
          onWaiting: () => this.#events.onElsewhere(true),
        });
        if (!running) return;
        this.#events.onElsewhere(false);
        this.#running = running;
        await this.#events.onStarted(running.engine);
        if (abort.signal.aborted) return;
        this.#readyNow = true;
        this.#resolveReady();
      } catch (error) {
        if (abort.signal.aborted) return;
        const failure = toFriendsChatError(error, 'storage-failed');
        if (failure.code === 'locked') return this.markLocked();
        if (failure.code === 'unsupported-browser') {
          this.#refused = failure;
          this.#lockedNow(); // wakes calls waiting for `ready`
        }
        this.#events.onFailed(failure);
      }
    })();
  }

  /** The store is (now) locked: calls waiting for `ready` fail with `locked`. */
  markLocked(): void {
    this.locked = true;
    this.#lockedNow();
    this.#events.onLocked();
  }

  stop(): void {
    this.#abort?.abort();
    this.#abort = null;
    this.#running?.stop();
    this.#running = null;
  }

  /** Runs `run` on the current engine once ready; every failure becomes a FriendsChatError. */
  async call<T>(connected: boolean, run: (engine: ChatEngine) => Promise<T>): Promise<T> {
    try {
      if (!connected) throw new FriendsChatError('not-ready', 'the widget is not in the page');
      if (this.locked) throw new FriendsChatError('locked', 'the chat is locked');
      if (this.#refused) throw this.#refused;
      await Promise.race([this.#ready, this.#whenLocked]);
      if (this.#refused) throw this.#refused;
      if (this.locked) throw new FriendsChatError('locked', 'the chat is locked');
      const engine = this.engine;
      if (!engine) throw new FriendsChatError('not-ready', 'the widget is restarting; try again');
      return await run(engine);
    } catch (error) {
      throw toFriendsChatError(error, 'internal');
    }
  }
}
