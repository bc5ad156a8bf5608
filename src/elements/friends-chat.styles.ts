import { css } from 'lit';

/**
 * Public tokens are `--friends-chat-*`; everything inside uses private `--_*` copies so a
 * page can override one token without knowing the rest.
 */
export const styles = css`
  :host {
    display: block;
    container-type: inline-size;
    min-width: 0;
    font-family: var(--friends-chat-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--friends-chat-font-size, 15px);
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    --_bg: var(--friends-chat-background, #ffffff);
    --_fg: var(--friends-chat-foreground, #17191c);
    --_muted: var(--friends-chat-muted, #5c6570);
    --_accent: var(--friends-chat-accent, #0b66d6);
    --_on-accent: var(--friends-chat-on-accent, #ffffff);
    --_border: var(--friends-chat-border, #d5dae0);
    --_danger: var(--friends-chat-danger, #b3261e);
    --_ok: var(--friends-chat-ok, #1a7f37);
    --_radius: var(--friends-chat-radius, 12px);
    --_space: var(--friends-chat-spacing, 12px);
    box-sizing: border-box;
    background: var(--_bg);
    color: var(--_fg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_space);
    min-height: 200px;
    display: flex;
    flex-direction: column;
    gap: var(--_space);
  }
  .base.dark {
    --_bg: var(--friends-chat-background, #16181c);
    --_fg: var(--friends-chat-foreground, #e8eaed);
    --_muted: var(--friends-chat-muted, #a3abb5);
    --_accent: var(--friends-chat-accent, #6ea8ff);
    --_on-accent: var(--friends-chat-on-accent, #0b1220);
    --_border: var(--friends-chat-border, #343a42);
    --_danger: var(--friends-chat-danger, #ff8a80);
    --_ok: var(--friends-chat-ok, #7ee2a8);
  }
  .header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space);
  }
  h2 {
    font-size: 1.1em;
    margin: 0;
    flex: 1;
  }
  .base .search-toggle {
    margin-inline-start: auto;
  }
  .base .settings-toggle,
  .base .search-toggle {
    font-size: 1.1em;
    line-height: 1;
    padding: 4px 8px;
    background: transparent;
    color: var(--_fg);
    border: 1px solid var(--_border);
  }
  friends-chat-settings,
  friends-chat-search {
    border-bottom: 1px solid var(--_border);
    padding-bottom: var(--_space);
  }
  .status {
    font-size: 0.85em;
    color: var(--_muted);
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  .dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--_muted);
  }
  .status[data-state='online'] .dot {
    background: var(--_ok);
  }
  .id {
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
    font-size: 0.8em;
    word-break: break-all;
    color: var(--_muted);
  }
  .elsewhere {
    color: var(--_muted);
    font-size: 0.9em;
  }
  .error {
    color: var(--_danger);
    font-size: 0.9em;
  }
  .panes {
    display: grid;
    grid-template-columns: 1fr;
    gap: var(--_space);
    min-height: 0;
  }
  .main {
    display: flex;
    flex-direction: column;
    min-width: 0;
    min-height: 0;
  }
  .main > .thread {
    flex: 1;
    min-height: 0;
  }
  /* Narrow (phone-sized) boxes: roster and thread are two screens. */
  .has-thread .roster {
    display: none;
  }
  @container (min-width: 560px) {
    .panes {
      grid-template-columns: minmax(200px, 1fr) 2fr;
    }
    .has-thread .roster {
      display: block;
    }
    .thread::part(back) {
      display: none;
    }
  }
  button {
    font: inherit;
    color: var(--_on-accent);
    background: var(--_accent);
    border: 0;
    border-radius: calc(var(--_radius) / 2);
    padding: 6px 12px;
    cursor: pointer;
  }
  button:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
`;
