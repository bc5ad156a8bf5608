import type { ReactiveController } from 'lit';

/** How long "typing…" shows after the last indicator (a sender repeats it while typing). */
export const TYPING_SHOWN = 5000;

/** Which friends are typing right now; each indicator fades by itself. */
export class TypingModel implements ReactiveController {
  readonly #until = new Map<string, number>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #host: { requestUpdate(): void };
  readonly #now: () => number;

  constructor(host: { requestUpdate(): void; addController?(controller: ReactiveController): void }, now: () => number = Date.now) {
    this.#host = host;
    this.#now = now;
    host.addController?.(this);
  }

  hostDisconnected(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  set(friendId: string, typing: boolean): void {
    this.#until.set(friendId, typing ? this.#now() + TYPING_SHOWN : 0);
    this.#host.requestUpdate();
    if (!typing) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#host.requestUpdate();
    }, TYPING_SHOWN + 50);
    this.#timers.add(timer);
  }

  isTyping(friendId: string): boolean {
    return (this.#until.get(friendId) ?? 0) > this.#now();
  }
}
