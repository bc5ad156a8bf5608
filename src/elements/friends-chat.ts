import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { DEFAULT_ICE_SERVERS, DEFAULT_SIGNALING, parseIceServers, parseSignalingUrl } from '../config/signaling-url.js';
import { ChatEngine } from '../core/chat-engine.js';
import { FriendsChatError, toFriendsChatError } from '../errors.js';
import { FriendsChatErrorEvent } from '../events/error-event.js';
import { FriendsChatReadyEvent } from '../events/ready-event.js';
import { resolveLang, translation, type Lang } from '../i18n/index.js';
import { IdbStore, PROFILE_PATTERN } from '../storage/idb-store.js';
import { MemoryStore } from '../storage/memory-store.js';
import type { Store } from '../storage/store.js';
import { PeerjsSignaling } from '../transport/peerjs/peerjs-signaling.js';
import { SignalingRegistry } from '../transport/registry.js';
import type { SignalingState } from '../transport/signaling.js';
import { styles } from './friends-chat.styles.js';

type Theme = 'light' | 'dark' | 'auto';
const THEMES: readonly Theme[] = ['light', 'dark', 'auto'];

/** Attributes whose change means a new engine (new store, identity or broker). */
const ENGINE_ATTRIBUTES = ['profile', 'signaling', 'iceServers', 'relayOnly', 'storage'] as const;

/**
 * A private, peer-to-peer, end-to-end encrypted messenger.
 *
 * @summary One tag, a whole chat: friends, presence, messages and files, with no server
 * that ever sees a message.
 *
 * @csspart base - The outer box of the widget.
 *
 * @cssprop --friends-chat-background - Background colour.
 * @cssprop --friends-chat-foreground - Text colour.
 * @cssprop --friends-chat-muted - Secondary text colour.
 * @cssprop --friends-chat-accent - Buttons, links and own messages.
 * @cssprop --friends-chat-on-accent - Text on the accent colour.
 * @cssprop --friends-chat-border - Borders and separators.
 * @cssprop --friends-chat-danger - Errors and warnings.
 * @cssprop --friends-chat-ok - The online dot.
 * @cssprop --friends-chat-radius - Corner radius.
 * @cssprop --friends-chat-spacing - Base spacing unit.
 * @cssprop --friends-chat-font - Font family.
 * @cssprop --friends-chat-font-size - Base font size.
 *
 * @event friends-chat-ready - The identity is loaded; `profileId` is set.
 * @event friends-chat-error - Something went wrong; `code` and `message` say what.
 */
export class FriendsChatElement extends LitElement {
  static override styles = styles;

  static override properties = {
    profile: { reflect: true },
    signaling: { reflect: true },
    iceServers: { attribute: 'ice-servers', reflect: true },
    relayOnly: { attribute: 'relay-only', type: Boolean, reflect: true },
    displayName: { attribute: 'display-name', reflect: true },
    storage: { reflect: true },
    theme: { reflect: true },
    lang: { reflect: true },
    noTypingIndicators: { attribute: 'no-typing-indicators', type: Boolean, reflect: true },
    noReadReceipts: { attribute: 'no-read-receipts', type: Boolean, reflect: true },
    _signalingState: { state: true },
    _profileId: { state: true },
    _lastError: { state: true },
    _systemDark: { state: true },
  };

  /** Storage namespace: two widgets with different profiles are two independent users. */
  declare profile: string;
  /** `peerjs://host:port/path?key=…`, `peerjss://…` (TLS) or `manual:`. Empty: PeerJS cloud. */
  declare signaling: string;
  /** JSON array of RTCIceServer (STUN/TURN). Empty: one public STUN server. */
  declare iceServers: string;
  /** Relay through TURN only, so friends never learn this device's IP address. */
  declare relayOnly: boolean;
  /** Name offered to friends (they may rename you locally). */
  declare displayName: string;
  /** `indexeddb` (default) or `memory` (nothing written to disk). */
  declare storage: string;
  /** `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  declare theme: string;
  /** `en` or `de`; defaults to the page's `lang`, else `en`. Switching is live. */
  declare lang: string;
  /** Neither send nor show typing indicators. */
  declare noTypingIndicators: boolean;
  /** Neither send nor show read receipts. */
  declare noReadReceipts: boolean;

  declare private _signalingState: SignalingState | 'starting';
  declare private _profileId: string;
  declare private _lastError: FriendsChatError | null;
  declare private _systemDark: boolean;

  readonly #registry = new SignalingRegistry().register('peerjs', (config, context) => {
    if (config.scheme !== 'peerjs') throw new FriendsChatError('bad-signaling', 'not a PeerJS URL');
    return new PeerjsSignaling({ ...config, ...context });
  });
  #engine: ChatEngine | null = null;
  #generation = 0;
  #resolveReady!: () => void;
  #ready: Promise<void>;
  #reported = new Set<string>();
  #media: MediaQueryList | null = null;
  readonly #onSystemTheme = (event: MediaQueryListEvent): void => {
    this._systemDark = event.matches;
  };
  readonly #onOnline = (): void => this.#engine?.nudge();
  readonly #onVisible = (): void => {
    if (document.visibilityState === 'visible') this.#engine?.nudge();
  };

  constructor() {
    super();
    this.profile = 'default';
    this.signaling = '';
    this.iceServers = '';
    this.relayOnly = false;
    this.displayName = '';
    this.storage = 'indexeddb';
    this.theme = 'auto';
    this.lang = '';
    this.noTypingIndicators = false;
    this.noReadReceipts = false;
    this._signalingState = 'starting';
    this._profileId = '';
    this._lastError = null;
    this._systemDark = false;
    this.#ready = new Promise((resolve) => (this.#resolveReady = resolve));
  }

  /** This user's profile ID (64 hex chars, the Ed25519 public key); '' until ready. */
  get profileId(): string {
    return this._profileId;
  }

  /** Resolves once the identity is loaded and the widget can be used. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /** The broker registration: `starting`, `connecting`, `online` or `offline`. */
  get signalingState(): SignalingState | 'starting' {
    return this._signalingState;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#media = window.matchMedia?.('(prefers-color-scheme: dark)') ?? null;
    this._systemDark = this.#media?.matches ?? false;
    this.#media?.addEventListener('change', this.#onSystemTheme);
    window.addEventListener('online', this.#onOnline);
    document.addEventListener('visibilitychange', this.#onVisible);
    this.#restart();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#media?.removeEventListener('change', this.#onSystemTheme);
    window.removeEventListener('online', this.#onOnline);
    document.removeEventListener('visibilitychange', this.#onVisible);
    this.#stopEngine();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('theme') && !THEMES.includes(this.theme as Theme)) {
      this.#reportOnce('theme', new FriendsChatError('bad-attribute', `theme "${this.theme}" is not light, dark or auto; using auto`));
    }
    if (changed.has('lang') && this.lang && !resolveLang(this.lang)) {
      this.#reportOnce('lang', new FriendsChatError('bad-attribute', `lang "${this.lang}" is not supported (en, de); using en`));
    }
    if (changed.has('storage') && !['indexeddb', 'memory'].includes(this.storage)) {
      this.#reportOnce('storage', new FriendsChatError('bad-attribute', `storage "${this.storage}" is not indexeddb or memory; using indexeddb`));
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.isConnected || !this.hasUpdated) return;
    // The first engine starts in connectedCallback; later changes of these restart it.
    const restart = ENGINE_ATTRIBUTES.some((name) => changed.has(name) && changed.get(name) !== undefined);
    if (restart) this.#restart();
  }

  protected override render() {
    const t = translation(this.#lang);
    const state = this._signalingState;
    return html`
      <div part="base" class="base ${this.#effectiveTheme}" lang=${this.#lang}>
        <header>
          <h2>${t.title}</h2>
          <span class="status" data-state=${state} role="status">
            <span class="dot" aria-hidden="true"></span>${t.status[state]}
          </span>
        </header>
        ${this._profileId ? html`<div class="id"><span>${t.yourId}:</span> ${this._profileId}</div>` : nothing}
        <p>${t.noFriends}</p>
        ${this._lastError
          ? html`<p class="error" role="alert">${t.errorPrefix}: ${this._lastError.message}</p>`
          : nothing}
      </div>
    `;
  }

  get #lang(): Lang {
    return resolveLang(this.lang) ?? resolveLang(document.documentElement.lang) ?? 'en';
  }

  get #effectiveTheme(): 'light' | 'dark' {
    if (this.theme === 'light' || this.theme === 'dark') return this.theme;
    return this._systemDark ? 'dark' : 'light';
  }

  #createStore(): Store {
    if (this.storage === 'memory') return new MemoryStore();
    let profile = this.profile;
    if (!PROFILE_PATTERN.test(profile)) {
      this.#reportOnce('profile', new FriendsChatError('bad-attribute', `profile "${profile.slice(0, 80)}" must be 1–64 letters, digits, . _ or -; using "default"`));
      profile = 'default';
    }
    return new IdbStore(profile);
  }

  #createSignaling() {
    let config;
    try {
      config = parseSignalingUrl(this.signaling || DEFAULT_SIGNALING);
    } catch (error) {
      this.#report(toFriendsChatError(error, 'bad-signaling'));
      config = parseSignalingUrl(DEFAULT_SIGNALING);
    }
    let iceServers = DEFAULT_ICE_SERVERS;
    if (this.iceServers) {
      try {
        iceServers = parseIceServers(this.iceServers);
      } catch (error) {
        this.#report(toFriendsChatError(error, 'bad-ice-servers'));
      }
    }
    try {
      return this.#registry.create(config, { iceServers, relayOnly: this.relayOnly });
    } catch (error) {
      this.#report(toFriendsChatError(error, 'bad-signaling'));
      return this.#registry.create(parseSignalingUrl(DEFAULT_SIGNALING), { iceServers, relayOnly: this.relayOnly });
    }
  }

  #restart(): void {
    this.#stopEngine();
    const generation = ++this.#generation;
    this._signalingState = 'starting';
    void (async () => {
      try {
        const engine = await ChatEngine.open({
          store: this.#createStore(),
          signaling: this.#createSignaling(),
          onError: (error) => {
            if (generation === this.#generation) this.#report(error);
          },
          onSignalingState: (state) => {
            if (generation === this.#generation) this._signalingState = state;
          },
        });
        if (generation !== this.#generation || !this.isConnected) {
          engine.stop();
          return;
        }
        this.#engine = engine;
        this._profileId = engine.identity.profileId;
        this._signalingState = engine.signalingState;
        this.#resolveReady();
        this.dispatchEvent(new FriendsChatReadyEvent(engine.identity.profileId));
      } catch (error) {
        if (generation === this.#generation) this.#report(toFriendsChatError(error, 'storage-failed'));
      }
    })();
  }

  #stopEngine(): void {
    this.#generation++;
    const engine = this.#engine;
    this.#engine = null;
    engine?.stop();
  }

  #reportOnce(key: string, error: FriendsChatError): void {
    const tag = `${key}:${error.message}`;
    if (this.#reported.has(tag)) return;
    this.#reported.add(tag);
    this.#report(error);
  }

  /** Errors become a `friends-chat-error` event and a line in the UI; never a throw. */
  #report(error: FriendsChatError): void {
    this._lastError = error;
    try {
      this.dispatchEvent(new FriendsChatErrorEvent(error));
    } catch {
      // a page listener that throws must not break the widget
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'friends-chat': FriendsChatElement;
  }
}
