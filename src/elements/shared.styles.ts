import { css } from 'lit';

/** Helpers shared by the inner elements (they inherit the root's private `--_*` tokens). */
export const sharedStyles = css`
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
