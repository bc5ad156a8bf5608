/**
 * One tab per profile holds the broker registration and the sessions (Web Locks): a second
 * tab with the same profile waits, says so, and takes over when the first one closes.
 * Without Web Locks (old browsers) the lock is granted at once.
 */
export interface ProfileLock {
  /** Resolves once this tab holds the lock. */
  readonly acquired: Promise<void>;
  release(): void;
}

export function lockProfile(name: string, onWaiting: () => void): ProfileLock {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return { acquired: Promise.resolve(), release };
  let released = false;
  const acquired = new Promise<void>((resolve, reject) => {
    const hold = (lock: Lock | null): Promise<void> | undefined => {
      if (!lock) return undefined;
      resolve();
      return held;
    };
    locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (lock) return hold(lock);
        if (released) return undefined;
        onWaiting();
        void locks.request(name, (waited) => (released ? undefined : hold(waited))).catch(reject);
        return undefined;
      })
      .catch(reject);
  });
  return {
    acquired,
    release: () => {
      released = true;
      release();
    },
  };
}
