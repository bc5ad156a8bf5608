import { css, html, nothing, type TemplateResult } from 'lit';
import { REACTIONS } from '../core/actions.js';
import type { Translation } from '../i18n/index.js';
import type { FoldedMessage } from './models/message-folds.js';
import './emoji-picker.js';

/**
 * A message's "⋯" button and, when `open`, its toolbar: reactions (any emoji through the
 * picker), reply, copy, and for own messages edit and delete (pressed twice: `confirm`). One tab stop per message. The
 * buttons only name what they do (`data-act`, `data-e`); the thread handles every click.
 */
export function messageMenu(f: FoldedMessage, all: Translation, open: boolean, confirm: boolean, lang: string): TemplateResult {
  const t = all.actions;
  const m = f.message;
  const own = !m.incoming;
  const mine = f.reactions.find((r) => r.mine)?.emoji;
  return html`<button class="more" data-act="more" aria-label=${t.menu} aria-expanded=${open}>⋯</button>${open
      ? html`<div class="toolbar" role="group" aria-label=${t.menu}>
          ${REACTIONS.map((e) => html`<button data-act="react" data-e=${e === mine ? '' : e}>${e}</button>`)}
          <friends-chat-emoji-picker below .label=${all.emoji.more} .lang=${lang}></friends-chat-emoji-picker>
          <button data-act="reply">${t.reply}</button>
          ${m.kind !== 'file' ? html`<button data-act="copy">${all.copyText}</button>` : nothing}
          ${own && m.kind !== 'file' ? html`<button data-act="edit">${t.edit}</button>` : nothing}
          ${own ? html`<button data-act="delete">${confirm ? t.confirmDelete : t.delete}</button>` : nothing}
        </div>`
      : nothing}`;
}

/** The reactions under a message: one chip per emoji with its count and who gave it; a click toggles mine. */
export function reactionChips(f: FoldedMessage, t: Translation['actions'], name: (id: string) => string): TemplateResult | typeof nothing {
  return f.reactions.length
    ? html`<div class="reactions">
        ${f.reactions.map((r) => {
          const who = r.from.map(name).join(', ');
          const shown = `${r.emoji} ${r.from.length}`;
          return html`<button data-act="react" data-e=${r.mine ? '' : r.emoji} aria-pressed=${r.mine} aria-label="${shown} ${t.reactedBy(who)}" title=${who}>${shown}</button>`;
        })}
      </div>`
    : nothing;
}

export const messageActionStyles = css`
  .message button {
    font-size: 0.85em;
    padding: 1px 6px;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    outline-color: currentColor;
  }
  .message .more {
    float: right;
    color: inherit;
    background: none;
    border: 0;
  }
  .toolbar,
  .reactions {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    margin-top: 4px;
  }
  [aria-pressed='true'] {
    border-color: var(--_accent);
  }
  .message .quote {
    display: block;
    text-align: start;
    margin-bottom: 4px;
    border-inline-start: 3px solid var(--_accent);
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
`;
