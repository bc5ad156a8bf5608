import { css, html, nothing, type TemplateResult } from 'lit';
import { REACTIONS } from '../core/actions.js';
import type { Translation } from '../i18n/index.js';
import type { FoldedMessage } from './models/message-folds.js';

/** What the thread does when the user picks an action on one message. */
export interface MessageMenu {
  open: boolean;
  /** Delete was pressed once: the next press deletes for everyone. */
  confirm: boolean;
  toggle(): void;
  react(emoji: string): void;
  reply(): void;
  edit(): void;
  delete(): void;
}

/**
 * A message's "⋯" button and, when open, its toolbar: reactions, reply, and for own
 * messages edit and delete (two presses). One tab stop per message; Escape closes it.
 */
export function messageMenu(f: FoldedMessage, t: Translation['actions'], menu: MessageMenu): TemplateResult {
  const m = f.message;
  const own = !m.incoming && !f.deleted && !m.expired;
  return html`<button class="more" aria-label=${t.menu} aria-expanded=${menu.open ? 'true' : 'false'} @click=${menu.toggle}>⋯</button>${menu.open
      ? html`<div class="toolbar" role="group" aria-label=${t.menu}>
          ${REACTIONS.map((e) => html`<button @click=${() => menu.react(e)}>${e}</button>`)}
          <button @click=${menu.reply}>${t.reply}</button>
          ${own && m.kind !== 'file' ? html`<button @click=${menu.edit}>${t.edit}</button>` : nothing}
          ${own ? html`<button @click=${menu.delete}>${menu.confirm ? t.confirmDelete : t.delete}</button>` : nothing}
        </div>`
      : nothing}`;
}

/** The reactions under a message: one chip per emoji with its count; a click toggles mine. */
export function reactionChips(f: FoldedMessage, t: Translation['actions'], name: (id: string) => string, react: (emoji: string) => void): TemplateResult | typeof nothing {
  if (!f.reactions.length) return nothing;
  return html`<div class="reactions">
    ${f.reactions.map((r) => {
      const who = r.from.map(name).join(', ');
      const shown = `${r.emoji} ${r.from.length}`;
      return html`<button aria-pressed=${r.mine ? 'true' : 'false'} aria-label="${shown} ${t.reactedBy(who)}" title=${who} @click=${() => react(r.mine ? '' : r.emoji)}>${shown}</button>`;
    })}
  </div>`;
}

export const messageActionStyles = css`
  .message {
    position: relative;
  }
  .message button {
    font-size: 0.85em;
    padding: 1px 6px;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    outline-color: currentColor;
  }
  .message button.more {
    float: right;
    margin: 0 -4px 0 6px;
    color: inherit;
    background: transparent;
    border: 0;
  }
  .toolbar,
  .reactions {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    margin-top: 4px;
  }
  .reactions [aria-pressed='true'] {
    border-color: var(--_accent);
    font-weight: 600;
  }
  .message button.quote {
    display: block;
    width: 100%;
    text-align: start;
    margin-bottom: 4px;
    border-inline-start: 3px solid var(--_accent);
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .message:focus {
    outline: 3px solid var(--_accent);
  }
  .replying {
    display: flex;
    gap: 6px;
    align-items: center;
    font-size: 0.85em;
    color: var(--_muted);
  }
  .replying span {
    flex: 1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
`;
