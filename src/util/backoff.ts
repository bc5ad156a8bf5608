/**
 * Jittered exponential back-off: 1 s, 2 s, 4 s … capped at 30 s, each delay drawn
 * uniformly from [delay/2, delay] so that many widgets don't retry in lockstep.
 */
export class Backoff {
  #attempt = 0;
  readonly #min: number;
  readonly #max: number;
  readonly #random: () => number;

  constructor(options: { min?: number; max?: number; random?: () => number } = {}) {
    this.#min = options.min ?? 1000;
    this.#max = options.max ?? 30000;
    this.#random = options.random ?? Math.random;
  }

  /** The next delay in ms; each call doubles the ceiling up to `max`. */
  next(): number {
    const ceiling = Math.min(this.#max, this.#min * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
  }

  reset(): void {
    this.#attempt = 0;
  }
}
