import { css } from 'lit';

export const rosterStyles = css`
  :host {
    display: block;
    min-width: 0;
  }
  h3 {
    font-size: 0.8em;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--_muted);
    margin: 12px 0 6px;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 6px 4px;
    border-bottom: 1px solid var(--_border);
  }
  .friend {
    all: unset;
    cursor: pointer;
    flex: 1;
    min-width: 0;
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 4px;
    border-radius: 6px;
  }
  .friend:focus-visible {
    outline: 3px solid var(--_accent);
  }
  .friend[aria-current='true'] {
    background: color-mix(in srgb, var(--_accent) 14%, transparent);
  }
  .name {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    unicode-bidi: isolate;
  }
  .dot {
    width: 9px;
    height: 9px;
    border-radius: 50%;
    background: var(--_muted);
    flex: none;
  }
  .dot[data-presence='online'] {
    background: var(--_ok);
  }
  /* Away and busy differ by shape, not colour alone: a ring, and a dot with a bar. */
  .dot[data-status='away'] {
    background: transparent;
    box-shadow: inset 0 0 0 2px var(--_ok);
  }
  .dot[data-status='busy'] {
    background: linear-gradient(transparent 38%, var(--_bg) 38% 62%, transparent 62%), var(--_danger);
  }
  .dot[data-presence='connecting'] {
    background: color-mix(in srgb, var(--_ok) 40%, var(--_muted));
  }
  .badge {
    background: var(--_accent);
    color: var(--_on-accent);
    border-radius: 999px;
    padding: 0 7px;
    font-size: 0.8em;
  }
  .meta {
    color: var(--_muted);
    font-size: 0.8em;
  }
  form {
    display: grid;
    gap: 6px;
    margin-top: 10px;
  }
  label {
    font-size: 0.85em;
  }
  input {
    font: inherit;
    padding: 6px 8px;
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: var(--_bg);
    color: var(--_fg);
    min-width: 0;
  }
  .invite {
    margin-top: 10px;
    display: grid;
    gap: 6px;
  }
  .invite input {
    font-family: ui-monospace, monospace;
    font-size: 0.75em;
  }
  button {
    padding: 5px 10px;
  }
  .intro {
    margin: 8px 0 4px;
    line-height: 1.4;
  }
  .have-invite,
  .add-toggle {
    margin-top: 10px;
  }
`;
