import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { formatBytes, type MediaKind } from '../files/manifest.js';
import type { StoredFile } from '../files/file-transfers.js';
import type { ChatMessage } from '../core/message.js';
import { safeText } from '../util/text-safety.js';
import { sharedStyles } from './shared.styles.js';
import { useTranslation } from './translation-context.js';
import { UiEvent } from './ui-event.js';

/** Loads a complete file's bytes and what they were sniffed as (null: download only). */
export type FileSource = (messageId: string) => Promise<StoredFile | undefined>;

/**
 * One file message: name, size and progress while it travels (with Cancel), then a
 * download link; images and video whose bytes are really images and video show inline.
 * Object URLs live only while the element shows them. Internal to `<friends-chat>`.
 */
export class FriendsChatFile extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .name {
        font-weight: 600;
        unicode-bidi: isolate;
        overflow-wrap: anywhere;
      }
      progress {
        display: block;
        width: 100%;
        margin: 4px 0;
      }
      .row {
        display: flex;
        gap: 8px;
        align-items: center;
        flex-wrap: wrap;
      }
      .thumb {
        padding: 0;
        border: 0;
        background: none;
        display: block;
        cursor: zoom-in;
      }
      .thumb img,
      video {
        display: block;
        max-width: min(240px, 100%);
        max-height: 240px;
        border-radius: 8px;
      }
      dialog {
        max-width: 95vw;
        max-height: 95vh;
        padding: 8px;
        border: 0;
        border-radius: 8px;
      }
      dialog img {
        display: block;
        max-width: calc(95vw - 16px);
        max-height: calc(95vh - 64px);
      }
      a {
        color: inherit;
      }
      /* On an own message's accent background: take the message's colours. */
      button.secondary {
        color: inherit;
        border-color: currentColor;
      }
    `,
  ];

  static override properties = {
    message: { attribute: false },
    source: { attribute: false },
    _media: { state: true },
    _url: { state: true },
    _download: { state: true },
  };

  declare message: ChatMessage;
  readonly #t = useTranslation(this);
  declare source: FileSource;
  declare private _media: MediaKind | null;
  declare private _url: string;
  declare private _download: string;
  #loadedFor = '';

  constructor() {
    super();
    this._media = null;
    this._url = '';
    this._download = '';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#revoke();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Own files are here from the start; a friend's only once complete and verified.
    const here = this.message.file?.state === 'done' || (!this.message.incoming && this.message.file?.state !== 'cancelled');
    if (changed.has('message') && here && this.#loadedFor !== this.message.id) void this.#load(this.message.id);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Shown again after scrolling away: the URLs were revoked, make them anew.
    this.#loadedFor = '';
    if (this.hasUpdated) this.requestUpdate('message');
  }

  async #load(id: string): Promise<void> {
    this.#loadedFor = id;
    const loaded = await this.source(id).catch(() => undefined);
    if (!loaded || this.message.id !== id || !this.isConnected) return;
    this.#revoke();
    // The download never carries a type a browser would render in this origin (HTML, SVG).
    this._download = URL.createObjectURL(new Blob([loaded.blob], { type: 'application/octet-stream' }));
    if (loaded.media) {
      this._url = URL.createObjectURL(new Blob([loaded.blob], { type: loaded.media.type }));
      this._media = loaded.media.kind;
    }
  }

  #revoke(): void {
    if (this._url) URL.revokeObjectURL(this._url);
    if (this._download) URL.revokeObjectURL(this._download);
    this._url = '';
    this._download = '';
    this._media = null;
  }

  protected override render() {
    const t = this.#t();
    const file = this.message.file;
    if (!file) return html`<span class="meta">${t.file.failed('?')}</span>`;
    const active = file.state === 'waiting' || file.state === 'transferring';
    const percent = file.size ? Math.floor((file.bytes / file.size) * 100) : 100;
    return html`
      ${this._media === 'image' && this._url
        ? html`<button class="thumb" aria-label=${t.file.open(file.name)} @click=${this.#openLarge}><img src=${this._url} alt=${file.name} /></button>
            <dialog @click=${this.#closeOnBackdrop}>
              <img src=${this._url} alt=${file.name} />
              <form method="dialog"><button>${t.file.close}</button></form>
            </dialog>`
        : nothing}
      ${this._media === 'video' && this._url ? html`<video controls preload="metadata" src=${this._url} aria-label=${file.name}></video>` : nothing}
      <div class="row">
        <bdi class="name">${file.name}</bdi>
        <span class="size">${formatBytes(file.size)}</span>
      </div>
      ${active
        ? html`<progress max=${file.size || 1} .value=${file.bytes} aria-label=${t.file.progressLabel(file.name)}></progress>
            <div class="row">
              <span class="state" role="status">${file.awaitingDownload ? t.file.awaiting : file.state === 'waiting' ? t.file.waiting : t.file.transferring(percent)}</span>
              ${file.awaitingDownload
                ? html`<button class="fetch" @click=${() => this.dispatchEvent(new UiEvent('fc-download-file', { id: this.message.id }, true))}>${t.file.fetch}</button>`
                : nothing}
              <button class="secondary cancel" @click=${() => this.dispatchEvent(new UiEvent('fc-cancel-file', { id: this.message.id }, true))}>
                ${t.file.cancel}
              </button>
            </div>`
        : nothing}
      ${file.state === 'failed' ? html`<span class="state" role="status">${t.file.failed(safeText(file.reason ?? '', 100))}</span>` : nothing}
      ${file.state === 'cancelled' ? html`<span class="state" role="status">${t.file.cancelled(safeText(file.reason ?? 'cancelled', 100))}</span>` : nothing}
      ${this._download
        ? html`<a class="download" href=${this._download} download=${file.name}>${t.file.download}</a>`
        : nothing}
    `;
  }

  #openLarge(): void {
    (this.renderRoot.querySelector('dialog') as HTMLDialogElement | null)?.showModal();
  }

  #closeOnBackdrop(event: MouseEvent): void {
    const dialog = event.currentTarget as HTMLDialogElement;
    if (event.target === dialog) dialog.close();
  }
}

if (!customElements.get('friends-chat-file')) customElements.define('friends-chat-file', FriendsChatFile);
