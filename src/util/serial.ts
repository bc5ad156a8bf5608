/** Runs async steps one after another, in call order; a step that fails does not stop the next. */
export class Serial {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(step: () => Promise<T>): Promise<T> {
    const next = this.#tail.catch(() => {}).then(step);
    this.#tail = next;
    return next;
  }

  /** Settles once every step queued so far has (never rejects). */
  settled(): Promise<void> {
    return this.#tail.then(
      () => {},
      () => {},
    );
  }
}
