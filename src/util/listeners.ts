/**
 * A set of listeners for one kind of event. `emit` calls a snapshot (a listener added while
 * emitting does not see the current event) and hands any throw to `report`, so a bad
 * listener never breaks the emitter or the others.
 */
export class Listeners<T extends unknown[]> {
  readonly #set = new Set<(...args: T) => void>();

  add(listener: (...args: T) => void): () => void {
    this.#set.add(listener);
    return () => this.#set.delete(listener);
  }

  emit(report: (error: unknown) => void, ...args: T): void {
    for (const listener of [...this.#set]) {
      try {
        listener(...args);
      } catch (error) {
        report(error);
      }
    }
  }

  clear(): void {
    this.#set.clear();
  }
}
