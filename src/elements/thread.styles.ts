import { css } from 'lit';

export const threadStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-width: 0;
    min-height: 0;
    gap: 8px;
  }
  .header {
    display: flex;
    align-items: center;
    gap: 8px;
  }
  .header .name {
    font-weight: 600;
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    unicode-bidi: isolate;
  }
  .messages {
    flex: 1;
    overflow-y: auto;
    min-height: 160px;
    max-height: var(--friends-chat-thread-height, 420px);
    display: flex;
    flex-direction: column;
    gap: 4px;
    padding: 4px;
    border: 1px solid var(--_border);
    border-radius: 8px;
  }
  .day {
    align-self: center;
    font-size: 0.75em;
    color: var(--_muted);
    margin: 6px 0 2px;
  }
  .unread {
    display: flex;
    align-items: center;
    gap: 8px;
    font-size: 0.75em;
    font-weight: 600;
    margin: 6px 0 2px;
  }
  .unread::before,
  .unread::after {
    content: '';
    flex: 1;
    border-top: 2px solid var(--_accent);
  }
  .message {
    max-width: 80%;
    padding: 6px 10px;
    border-radius: 12px;
    background: color-mix(in srgb, var(--_fg) 8%, transparent);
    overflow-wrap: anywhere;
  }
  .message .text {
    white-space: pre-wrap;
    unicode-bidi: plaintext;
  }
  .message.mine {
    align-self: flex-end;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .message .meta {
    display: block;
    font-size: 0.75em;
    margin-top: 2px;
  }
  .message.expired {
    font-style: italic;
    opacity: 0.7;
  }
  /* Faded white on the accent fails contrast: a gone own message loses its fill instead. */
  .message.mine.expired {
    opacity: 1;
    background: none;
    color: var(--_fg);
    border: 1px dashed var(--_border);
  }
  .message a {
    color: inherit;
  }
  .typing,
  .warning {
    font-size: 0.85em;
    color: var(--_muted);
    min-height: 1.2em;
  }
  .warning {
    color: var(--_danger);
  }
  form {
    display: flex;
    gap: 6px;
    align-items: flex-end;
  }
  textarea {
    flex: 1;
    font: inherit;
    resize: vertical;
    min-height: 2.4em;
    max-height: 10em;
    padding: 6px 8px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_bg);
    color: var(--_fg);
    min-width: 0;
  }
  form {
    position: relative;
  }
  form.dragging textarea {
    outline: 3px dashed var(--_accent);
  }
  .drop-hint {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    background: color-mix(in srgb, var(--_bg) 85%, transparent);
    border-radius: 8px;
    pointer-events: none;
  }
  button.attach {
    padding: 6px 8px;
    line-height: 0;
  }
  .message friends-chat-file {
    min-width: 12em;
  }
  .system {
    text-align: center;
    margin: 4px 0;
  }
`;
