import { css } from 'lit';

/** Helpers and buttons shared by the inner elements (they inherit the root's private `--_*` tokens). */
export const sharedStyles = css`
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  button {
    font: inherit;
    color: var(--_on-accent);
    background: var(--_accent);
    border: 0;
    border-radius: 6px;
    padding: 6px 12px;
    cursor: pointer;
  }
  button.secondary {
    background: transparent;
    color: var(--_fg);
    border: 1px solid var(--_border);
  }
  button:disabled,
  textarea:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  button:focus-visible,
  textarea:focus-visible,
  input:focus-visible,
  a:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 1px;
  }
`;
