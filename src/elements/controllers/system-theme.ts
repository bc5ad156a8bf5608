import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Follows `prefers-color-scheme` while the host is in the page (for `theme="auto"`). */
export class SystemTheme implements ReactiveController {
  dark = false;
  readonly #host: ReactiveControllerHost;
  #media: MediaQueryList | null = null;
  readonly #onChange = (event: MediaQueryListEvent): void => {
    this.dark = event.matches;
    this.#host.requestUpdate();
  };

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#media = window.matchMedia?.('(prefers-color-scheme: dark)') ?? null;
    this.dark = this.#media?.matches ?? false;
    this.#media?.addEventListener('change', this.#onChange);
  }

  hostDisconnected(): void {
    this.#media?.removeEventListener('change', this.#onChange);
  }
}
