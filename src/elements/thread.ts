import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { FriendInfo } from '../core/friend-info.js';
import type { ChatMessage } from '../core/message.js';
import type { Lang } from '../i18n/index.js';
import { avatar, avatarStyles } from './avatar.js';
import { displayName, type NameContext } from './display-name.js';
import './file-message.js';
import type { FileSource } from './file-message.js';
import { systemLine, type NameOf } from './group-lines.js';
import { messageMenu, messageActionStyles, reactionChips } from './message-actions.js';
import { messageText } from './message-text.js';
import type { EmojiPickEvent } from './emoji-picker.js';
import { foldMessages, type FoldedMessage } from './models/message-folds.js';
import { sharedStyles } from './shared.styles.js';
import { threadStyles } from './thread.styles.js';
import { useTranslation } from './translation-context.js';
import { UiEvent } from './ui-event.js';

/**
 * One conversation: messages grouped by day, own vs. theirs with status ticks, typing,
 * expiry, and the composer (Enter sends, Shift+Enter adds a line). Internal to
 * `<friends-chat>`; it talks to its parent with `fc-*` events.
 */
export class FriendsChatThread extends LitElement {
  static override styles = [sharedStyles, threadStyles, messageActionStyles, avatarStyles];
  static override properties = {
    friend: { attribute: false },
    messages: { attribute: false },
    lang: {},
    typing: { type: Boolean },
    hasOlder: { type: Boolean },
    hasNewer: { type: Boolean },
    safetyNumber: {},
    fileSource: { attribute: false },
    names: { attribute: false },
    nameOf: { attribute: false },
    subtitle: {},
    draft: { attribute: false },
    unreadFrom: {},
    _unreadAbove: { state: true },
    _now: { state: true },
    _dragging: { state: true },
    _menu: { state: true },
    _draft: { state: true },
    _note: { state: true },
  };

  declare friend: FriendInfo;
  declare messages: ChatMessage[];
  readonly #t = useTranslation(this);
  declare lang: Lang;
  declare typing: boolean;
  declare hasOlder: boolean;
  declare hasNewer: boolean;
  #loading = false;
  #anchor: { id: string; top: number } | null = null;
  declare safetyNumber: string;
  declare fileSource: FileSource;
  /** Which names are taken twice, for the ID suffix (from the root element). */
  declare names: NameContext | undefined;
  /** In a group: how authors are named (their messages show it, and system lines use it). */
  declare nameOf: NameOf | undefined;
  /** Replaces the presence under the name (a group's member count). */
  declare subtitle: string | undefined;
  /** The conversation's saved draft for the composer; undefined while it is being read. */
  declare draft: string | undefined;
  /** The first unread message when the conversation opened ('' none): the "New messages" line goes above it. */
  declare unreadFrom: string;
  /** That message is above what the list shows, or not loaded: the "Jump to first unread" button shows. */
  declare private _unreadAbove: boolean;
  /** The conversation whose draft is in the composer. */
  #drafted = '';
  /** The conversation the composer was emptied for while its draft was still being read. */
  #blanked = '';
  declare private _now: number;
  declare private _dragging: boolean;
  /** The message whose action toolbar is open ('' none); `confirm` once Delete was pressed. */
  declare private _menu: { id: string; confirm: boolean };
  /** The message the composer replies to or edits. */
  declare private _draft: { to: FoldedMessage; edit: boolean } | null;
  /** A passing confirmation in the live line under the messages ("Text copied."). */
  declare private _note: string;
  #noteTimer: ReturnType<typeof setTimeout> | undefined;
  #folded: FoldedMessage[] = [];
  #ticker: ReturnType<typeof setInterval> | undefined;
  #typingSent = 0;
  #sticking = false;

  constructor() {
    super();
    this.messages = [];
    this.typing = false;
    this.hasOlder = false;
    this.hasNewer = false;
    this.safetyNumber = '';
    this.unreadFrom = '';
    this._unreadAbove = false;
    this._now = Date.now();
    this._dragging = false;
    this._menu = { id: '', confirm: false };
    this._draft = null;
    this._note = '';
    this.fileSource = async () => undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Expiry countdowns tick once a second while something is counting down.
    this.#ticker = setInterval(() => {
      if (this.messages.some((m) => m.expiresAt && !m.expired)) this._now = Date.now();
    }, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#ticker);
    clearTimeout(this.#noteTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Another conversation: a reply or edit of the last one's message does not come along.
    if (changed.has('friend') && (changed.get('friend') as FriendInfo | undefined)?.id !== this.friend.id) this._draft = null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.#showDraft();
    if (changed.has('messages') || changed.has('unreadFrom')) requestAnimationFrame(() => this.#checkUnread());
    if (!changed.has('messages')) return;
    const list = this.renderRoot.querySelector('.messages') as HTMLElement | null;
    if (!list) return;
    const anchor = this.#anchor;
    this.#anchor = null;
    this.#loading = false;
    const kept = anchor && (this.renderRoot.querySelector(`[data-id="${anchor.id}"]`) as HTMLElement | null);
    if (kept) {
      // Older messages were added above: keep what the reader was looking at in place.
      list.scrollTop += kept.offsetTop - anchor.top;
      return;
    }
    const previous = changed.get('messages') as ChatMessage[] | undefined;
    // Stick to the bottom when a new message arrives at the end: once per frame, since
    // reading scrollHeight lays the list out (a burst of messages would do it per message).
    // A window opened around an old message (hasNewer) has no newest end to stick to.
    if (!this.hasNewer && (!previous || previous.at(-1)?.id !== this.messages.at(-1)?.id)) this.#stickToBottom();
  }

  /** Another conversation's composer text leaves; this one's draft comes in once it is read. */
  #showDraft(): void {
    const area = this.renderRoot.querySelector('textarea');
    const id = this.friend.id;
    if (!area || this.#drafted === id) return;
    if (this.draft !== undefined) {
      area.value = this.draft;
      this.#drafted = id;
    } else if (this.#blanked !== id) {
      area.value = '';
      this.#blanked = id;
    }
  }

  /** Tells the root what the composer holds, to keep as the draft (not while editing a sent message). */
  #keepDraft(): void {
    const area = this.renderRoot.querySelector('textarea');
    if (area && !this._draft?.edit) this.dispatchEvent(new UiEvent('fc-draft', { id: this.friend.id, text: area.value }));
  }

  #checkUnread(): void {
    const list = this.renderRoot.querySelector('.messages');
    const line = this.renderRoot.querySelector('.unread');
    this._unreadAbove = !!this.unreadFrom && (!line || !list || line.getBoundingClientRect().top < list.getBoundingClientRect().top);
  }

  #stickToBottom(): void {
    if (this.#sticking) return;
    this.#sticking = true;
    requestAnimationFrame(() => {
      this.#sticking = false;
      const list = this.renderRoot.querySelector('.messages') as HTMLElement | null;
      if (list) list.scrollTop = list.scrollHeight;
    });
  }

  /** Scrolling near the top loads the previous page. */
  #scroll(event: Event): void {
    const list = event.target as HTMLElement;
    this.#checkUnread();
    if (list.scrollTop < 40 && this.hasOlder && !this.#loading) this.#older();
  }

  #older(): void {
    const first = this.renderRoot.querySelector('.message') as HTMLElement | null;
    this.#loading = true;
    this.#anchor = first ? { id: first.dataset['id']!, top: first.offsetTop } : null;
    this.dispatchEvent(new UiEvent('fc-load-older', null));
  }

  protected override render() {
    const t = this.#t();
    const friend = this.friend;
    const blocked = friend.keyChanged || friend.state !== 'friend';
    const { days, times } = formatters(this.lang);
    let lastDay = '';
    return html`
      <div class="header">
        <button class="secondary back" part="back" @click=${() => this.dispatchEvent(new UiEvent('fc-back', null))}>${t.back}</button>
        ${avatar(friend.id, displayName(friend, t, this.names), true)}
        <span class="name">${displayName(friend, t, this.names)}</span>
        <span class="meta">${this.subtitle ?? t.presence[friend.presence]}</span>
      </div>
      ${friend.keyChanged
        ? html`<p class="warning" role="alert">
            ${t.keyChanged} ${t.safetyNumber}: <code>${this.safetyNumber}</code>
            <button class="secondary" @click=${() => this.dispatchEvent(new UiEvent('fc-verify', null))}>${t.verify}</button>
          </p>`
        : nothing}
      <div class="messages" part="thread" role="log" aria-live="polite" aria-relevant="additions" tabindex="0" aria-label=${displayName(friend, t, this.names)} @scroll=${this.#scroll} @click=${this.#act} @emoji-pick=${this.#reactWith}>
        ${this.hasOlder ? html`<button class="secondary older" @click=${() => this.#older()}>${t.loadOlder}</button>` : nothing}
        ${this.messages.length === 0 ? html`<p class="meta">${t.noMessages}</p>` : nothing}
        ${(this.#folded = foldMessages(this.messages)).map((f) => {
          const m = f.message;
          const day = days.format(m.ts);
          const dayHeader = day !== lastDay ? html`<div class="day">${day}</div>` : nothing;
          lastDay = day;
          const line = m.id === this.unreadFrom ? html`<div class="unread" role="separator" aria-label=${t.newMessages}><span aria-hidden="true">${t.newMessages}</span></div>` : nothing;
          if (m.system) return html`${dayHeader}${line}<div class="system meta" data-id=${m.id}>${systemLine(t, m, this.nameOf!)}</div>`;
          const left = m.expiresAt && !m.expired ? Math.max(0, Math.ceil((m.expiresAt - this._now) / 1000)) : 0;
          // Gone the moment its time is up, even before the engine has stripped it.
          const gone = f.deleted || m.expired || (m.expiresAt !== undefined && left === 0);
          return html`${dayHeader}${line}
            <div class="message ${m.incoming ? 'theirs' : 'mine'} ${gone ? 'expired' : ''}" part="message" data-id=${m.id} tabindex="-1" @keydown=${(e: KeyboardEvent) => this.#escape(e, m.id)}>${m.incoming && this.nameOf ? html`<span class="meta">${this.nameOf(m.from)}</span>` : nothing}${gone
              ? nothing
              : messageMenu(f, t, this._menu.id === m.id, this._menu.confirm, this.lang)}${m.quote && !gone
              ? html`<button class="quote" data-act="quote">${this.#name(m.quote.from)}: ${m.quote.text || '…'}</button>`
              : nothing}${gone
              ? html`<span class="text">${f.deleted ? t.actions.deleted : t.expired}</span>`
              : m.kind === 'file'
                ? html`<friends-chat-file .message=${m} .source=${this.fileSource}></friends-chat-file>`
                : html`<span class="text">${messageText(f.text)}</span>`}<span class="meta">${times.format(m.ts)}${f.edited && !gone ? ` · ${t.actions.edited}` : nothing}${!m.incoming && m.status ? html` · <span class="status">${t.statusLabel[m.status]}</span>${this.#reach(m)}` : nothing}${left ? ` · ${t.expiresIn(left)}` : nothing}${m.late ? html` · <span class="late">${t.arrivedLater}</span>` : nothing}</span>${reactionChips(f, t.actions, (id) => this.#name(id))}</div>`;
        })}
      </div>
      ${this._unreadAbove
        ? html`<button class="secondary jump-unread" @click=${() => this.dispatchEvent(new UiEvent('fc-jump-unread', null))}>${t.jumpToUnread}</button>`
        : nothing}
      ${this.hasNewer
        ? html`<button class="secondary newer" @click=${() => this.dispatchEvent(new UiEvent('fc-load-newer', null))}>${t.jumpToNewest}</button>`
        : nothing}
      <div class="typing" aria-live="polite">${this.typing ? t.typing(displayName(friend, t, this.names)) : this._note}</div>
      ${this._draft
        ? html`<div class="replying">
            <span>${this._draft.edit ? t.actions.editing : t.actions.replyTo(this.#name(this._draft.to.message.from))}: ${this._draft.to.text}</span>
            <button class="secondary" @click=${() => this.#endDraft()}>${t.actions.cancel}</button>
          </div>`
        : nothing}
      <form
        @submit=${this.#submit}
        part="composer"
        class=${this._dragging ? 'dragging' : ''}
        @dragover=${this.#dragOver}
        @dragleave=${() => (this._dragging = false)}
        @drop=${this.#drop}
      >
        <label class="visually-hidden" for="text">${t.messageLabel}</label>
        <textarea id="text" rows="2" ?disabled=${blocked} @keydown=${this.#keydown} @input=${this.#input} @paste=${this.#paste}></textarea>
        <friends-chat-emoji-picker .lang=${this.lang} ?disabled=${blocked} @emoji-pick=${this.#insertEmoji}></friends-chat-emoji-picker>
        <input class="visually-hidden" type="file" id="file" multiple tabindex="-1" aria-hidden="true" @change=${this.#picked} />
        <button type="button" class="secondary attach" part="attach-button" aria-label=${t.attachFile} title=${t.attachFile} ?disabled=${blocked} @click=${this.#pick}>
          <svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d="M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9"></path>
          </svg>
        </button>
        <button type="submit" part="send-button" ?disabled=${blocked}>${t.send}</button>
        ${this._dragging ? html`<div class="drop-hint" aria-hidden="true">${t.dropFiles}</div>` : nothing}
      </form>
    `;
  }

  #pick(): void {
    (this.renderRoot.querySelector('#file') as HTMLInputElement).click();
  }

  #picked(event: Event): void {
    const input = event.target as HTMLInputElement;
    this.#sendFiles([...(input.files ?? [])]);
    input.value = '';
  }

  #dragOver(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files') || this.#blocked) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this._dragging = true;
  }

  #drop(event: DragEvent): void {
    this._dragging = false;
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length === 0 || this.#blocked) return;
    event.preventDefault();
    this.#sendFiles(files);
  }

  #paste(event: ClipboardEvent): void {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    this.#sendFiles(files);
  }

  #sendFiles(files: File[]): void {
    if (files.length) this.dispatchEvent(new UiEvent('fc-files', { files }));
  }

  get #blocked(): boolean {
    return this.friend.keyChanged || this.friend.state !== 'friend';
  }

  /** Every click on a message's buttons (`data-act`, see message-actions.ts). */
  #act(event: Event): void {
    const button = (event.target as Element).closest<HTMLElement>('[data-act]');
    const id = button?.closest<HTMLElement>('.message')?.dataset['id'];
    const f = this.#folded.find((x) => x.message.id === id);
    if (!f || !id) return;
    const act = button!.dataset['act'];
    const menu = this._menu;
    this._menu = { id: act === 'more' ? (menu.id === id ? '' : id) : act === 'delete' && !menu.confirm ? id : '', confirm: act === 'delete' };
    if (act === 'react') this.dispatchEvent(new UiEvent('fc-react', { id, emoji: button!.dataset['e']! }));
    if (act === 'delete' && menu.confirm) this.dispatchEvent(new UiEvent('fc-delete', { id }));
    if (act === 'reply' || act === 'edit') this.#startDraft(f, act === 'edit');
    if (act === 'quote') this.dispatchEvent(new UiEvent('fc-jump', { id: f.message.ref! }));
    if (act === 'copy') void this.#copy(f.text);
  }

  // ---- emoji picker and copy (elements/emoji-picker.ts) ----

  /** An emoji from a message toolbar's picker: a reaction to that message. */
  #reactWith(event: EmojiPickEvent): void {
    const id = (event.target as Element).closest<HTMLElement>('.message')?.dataset['id'];
    this._menu = { id: '', confirm: false };
    if (id) this.dispatchEvent(new UiEvent('fc-react', { id, emoji: event.emoji }));
  }

  /** An emoji from the composer's picker goes in at the caret (replacing a selection). */
  #insertEmoji(event: EmojiPickEvent): void {
    const area = this.renderRoot.querySelector('textarea') as HTMLTextAreaElement;
    area.setRangeText(event.emoji, area.selectionStart, area.selectionEnd, 'end');
    area.focus();
    this.#keepDraft();
  }

  async #copy(text: string): Promise<void> {
    const t = this.#t();
    try {
      await navigator.clipboard.writeText(text);
      this._note = t.copiedText;
    } catch {
      this._note = t.copyFailed;
    }
    clearTimeout(this.#noteTimer);
    this.#noteTimer = setTimeout(() => (this._note = ''), 4000);
  }

  /** Escape closes a message's toolbar; focus goes back to its "⋯" button. */
  async #escape(event: KeyboardEvent, id: string): Promise<void> {
    if (event.key !== 'Escape' || this._menu.id !== id) return;
    this._menu = { id: '', confirm: false };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[data-id="${id}"] .more`)?.focus();
  }

  #startDraft(to: FoldedMessage, edit: boolean): void {
    this._draft = { to, edit };
    const area = this.renderRoot.querySelector('textarea') as HTMLTextAreaElement;
    if (edit) area.value = to.text;
    area.focus();
  }

  #endDraft(): void {
    const edit = this._draft?.edit;
    if (edit) (this.renderRoot.querySelector('textarea') as HTMLTextAreaElement).value = '';
    this._draft = null;
    if (edit) this.#keepDraft();
  }

  #name(id: string): string {
    if (this.nameOf) return this.nameOf(id) ?? this.#t().actions.you;
    return id === this.friend.id ? displayName(this.friend, this.#t(), this.names) : this.#t().actions.you;
  }

  /** An own group message not yet with every member: "delivered to 1 of 2". */
  #reach(m: ChatMessage) {
    const r = m.reach;
    return r && r.count < r.of ? html` · <span class="reach">${this.#t().group.reach(r.count, r.of)}</span>` : nothing;
  }

  /** Scrolls to a message and focuses it (a reply's quote jumps to its original). */
  reveal(id: string): boolean {
    const target = this.renderRoot.querySelector(`[data-id="${id}"]`) as HTMLElement | null;
    target?.scrollIntoView({ block: 'center' });
    target?.focus();
    return !!target;
  }

  /** Focuses the composer (keyboard users land there after opening a friend). */
  focusComposer(): void {
    (this.renderRoot.querySelector('textarea') as HTMLTextAreaElement | null)?.focus();
  }

  #keydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this._draft) this.#endDraft();
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.#send();
    }
  }

  #input(): void {
    this.#keepDraft();
    const now = Date.now();
    if (now - this.#typingSent > 3000) {
      this.#typingSent = now;
      this.dispatchEvent(new UiEvent('fc-typing', null));
    }
  }

  #submit(event: SubmitEvent): void {
    event.preventDefault();
    this.#send();
  }

  #send(): void {
    const area = this.renderRoot.querySelector('textarea') as HTMLTextAreaElement;
    const text = area.value;
    if (!text.trim()) return;
    const draft = this._draft;
    if (draft?.edit) this.dispatchEvent(new UiEvent('fc-edit', { id: draft.to.message.id, text }));
    else this.dispatchEvent(new UiEvent('fc-send', draft ? { text, replyTo: draft.to.message.id } : { text }));
    this._draft = null;
    area.value = '';
    this.#keepDraft();
    this.#typingSent = 0;
  }
}

const formatterCache = new Map<string, { days: Intl.DateTimeFormat; times: Intl.DateTimeFormat }>();

/** Date formatters are costly to make and the thread renders often: one pair per language. */
function formatters(lang: string): { days: Intl.DateTimeFormat; times: Intl.DateTimeFormat } {
  let pair = formatterCache.get(lang);
  if (!pair) {
    pair = { days: new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }), times: new Intl.DateTimeFormat(lang, { timeStyle: 'short' }) };
    formatterCache.set(lang, pair);
  }
  return pair;
}

if (!customElements.get('friends-chat-thread')) customElements.define('friends-chat-thread', FriendsChatThread);
