import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StorageLock } from '../../app/storage-lock.js';
import { FriendsChatError, toFriendsChatError } from '../../errors.js';
import { FriendsChatLockedEvent } from '../../events/locked-event.js';
import { FriendsChatUnlockedEvent } from '../../events/unlocked-event.js';
import type { ChatController } from './chat-controller.js';

/** What the lock controller reads from the root element. */
export interface LockHost extends ReactiveControllerHost, HTMLElement {
  /** Minutes without a key press or pointer in the widget before it locks itself; 0: never. */
  readonly autoLock: number;
}

const ACTIVITY = ['pointerdown', 'keydown'] as const;

/**
 * The element's side of the storage lock (docs/storage-lock.md): the unlock form's state,
 * `unlock`/`lock`/`enableLock`/`disableLock`/`changePassphrase`, the locked and unlocked
 * events and `auto-lock`. Locking stops the engine and forgets what the views held, so
 * nothing is sent, received or decrypted until the next unlock; one step runs at a time.
 */
export class LockController implements ReactiveController {
  locked = false;
  /** The form asks for a new passphrase (`lock="passphrase"`, no lock yet). */
  setup = false;
  /** A passkey opens this lock too: the form offers it. */
  passkey = false;
  busy = false;
  message = '';
  readonly #host: LockHost;
  readonly #chat: ChatController;
  #queue: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #activity = (): void => this.#arm();

  constructor(host: LockHost, chat: ChatController) {
    this.#host = host;
    this.#chat = chat;
    chat.onLocked = () => void this.#showLocked();
    host.addController(this);
  }

  hostConnected(): void {
    for (const type of ACTIVITY) this.#host.addEventListener(type, this.#activity, { passive: true });
    this.#arm();
  }

  hostDisconnected(): void {
    for (const type of ACTIVITY) this.#host.removeEventListener(type, this.#activity);
    clearTimeout(this.#timer);
  }

  /** `auto-lock` changed, or the user did something: the idle clock starts again. */
  rearm(): void {
    this.#arm();
  }

  unlock(passphrase: string, remember = false): Promise<void> {
    return this.#step(async (lock) => {
      const state = await lock.state();
      if (state === 'none' && this.setup) {
        await this.enable(lock, passphrase);
        if (remember) await lock.remember();
        return;
      }
      if (state !== 'locked') return;
      await lock.unlock(passphrase);
      if (remember) await lock.remember();
      this.#restart();
      this.#chat.dispatch(new FriendsChatUnlockedEvent());
    });
  }

  unlockWithPasskey(): Promise<void> {
    return this.#step(async (lock) => {
      if ((await lock.state()) !== 'locked') return;
      await lock.unlockWithPasskey();
      this.#restart();
      this.#chat.dispatch(new FriendsChatUnlockedEvent());
    });
  }

  /** Adds a passkey after the passphrase is confirmed (someone at an open chat cannot add theirs). */
  addPasskey(passphrase: string, name: string): Promise<void> {
    return this.#step(async (lock) => {
      if ((await lock.state()) !== 'unlocked') throw new FriendsChatError('bad-input', 'no lock, or locked');
      await lock.verify(passphrase);
      await lock.addPasskey(name);
    });
  }

  removePasskey(): Promise<void> {
    return this.#step((lock) => lock.removePasskey());
  }

  lock(): Promise<void> {
    return this.#step(async (lock) => {
      if ((await lock.state()) === 'none') throw new FriendsChatError('bad-input', 'no lock');
      await this.#chat.closeDrafts();
      this.#chat.core.stop();
      await lock.forget(); // locking means the next start asks again, remembered or not
      lock.lock();
      this.#chat.core.markLocked();
    });
  }

  enableLock(passphrase: string): Promise<void> {
    return this.#step((lock) => this.enable(lock, passphrase));
  }

  disableLock(passphrase: string): Promise<void> {
    return this.#step(async (lock) => {
      if (!this.locked) await lock.verify(passphrase); // a wrong one leaves the chat running
      await this.#chat.closeDrafts();
      this.#chat.core.stop();
      try {
        await lock.disable(passphrase);
      } finally {
        await this.#resume(lock);
      }
    });
  }

  changePassphrase(old: string, passphrase: string): Promise<void> {
    return this.#step((lock) => lock.change(old, passphrase));
  }

  /** Seals the store in place with the engine stopped, then starts it on the sealed store. */
  async enable(lock: StorageLock, passphrase: string): Promise<void> {
    await this.#chat.closeDrafts();
    this.#chat.core.stop();
    try {
      await lock.enable(passphrase);
      // Ask the browser not to evict the profile under storage pressure (docs/storage-lock.md).
      void navigator.storage?.persist?.().catch(() => {});
    } finally {
      await this.#resume(lock);
    }
  }

  /** After a step that stopped the engine: start it again, or show the form if still locked. */
  async #resume(lock: StorageLock): Promise<void> {
    if ((await lock.state()) !== 'locked') this.#restart();
    else if (!this.locked) this.#chat.core.markLocked();
  }

  #restart(): void {
    this.locked = false;
    this.message = '';
    this.#chat.restart();
    this.#arm();
  }

  /** Runs one lock step after the others; a failure is shown, reported and rejected. */
  #step(run: (lock: StorageLock) => Promise<void>): Promise<void> {
    const done = this.#queue.then(async () => {
      const lock = this.#chat.core.stores.lock(this.#chat.connection().config);
      if (!lock) throw new FriendsChatError('bad-input', 'no lock with storage="memory"');
      this.#set(() => ((this.busy = true), (this.message = '')));
      try {
        await run(lock);
      } catch (error) {
        const failure = toFriendsChatError(error, 'internal');
        if (this.locked) this.#set(() => (this.message = failure.message));
        throw failure;
      } finally {
        this.#set(() => (this.busy = false));
      }
    });
    this.#queue = done.catch(() => {});
    return done.catch((error: unknown) => {
      const failure = toFriendsChatError(error, 'internal');
      this.#chat.report(failure);
      throw failure;
    });
  }

  async #showLocked(): Promise<void> {
    const lock = this.#chat.core.stores.lock(this.#chat.connection().config);
    this.#chat.thread.select('');
    this.#chat.roster.entries = [];
    const setup = (await lock?.state()) === 'none';
    const passkey = !setup && !!(await lock?.hasPasskey());
    this.#set(() => ((this.locked = true), (this.setup = setup), (this.passkey = passkey)));
    clearTimeout(this.#timer);
    this.#chat.dispatch(new FriendsChatLockedEvent());
  }

  #arm(): void {
    clearTimeout(this.#timer);
    const minutes = this.#host.autoLock;
    if (this.locked || !Number.isFinite(minutes) || minutes <= 0) return;
    this.#timer = setTimeout(() => {
      const lock = this.#chat.core.stores.lock(this.#chat.connection().config);
      void lock?.state().then((state) => void (state === 'unlocked' && this.lock().catch(() => {})));
    }, Math.min(minutes, 35_000) * 60_000);
  }

  #set(change: () => void): void {
    change();
    this.#host.requestUpdate();
  }
}
