import { css, html, nothing, type TemplateResult } from 'lit';

/**
 * A generated avatar: the name's initials on a colour derived from the profile key, the
 * same for this friend on every device. The colour is dark enough (HSL lightness 32 %) for
 * white initials to keep a 4.5:1 contrast at every hue, in light and dark themes. SVG
 * attributes, no inline style, so it works under a strict CSP.
 */
export function avatarColor(profileId: string): string {
  return `hsl(${parseInt(profileId.slice(0, 4), 16) % 360} 45% 32%)`;
}

/** Up to two initials: the first character of the first two words ('?' for none). */
export function initials(name: string): string {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((word) => [...word][0]!.toUpperCase())
      .join('') || '?'
  );
}

/**
 * The avatar, with the name as its text alternative; `beside` marks one shown next to the
 * written name, which screen readers then read once, not twice.
 */
export function avatar(profileId: string, name: string, beside = false): TemplateResult {
  return html`<svg class="avatar" viewBox="0 0 40 40" role=${beside ? nothing : 'img'} aria-hidden=${beside ? 'true' : nothing} aria-label=${beside ? nothing : name}>
    <circle cx="20" cy="20" r="20" fill=${avatarColor(profileId)}></circle>
    <text x="20" y="21" fill="#fff" font-size="16" font-weight="600" text-anchor="middle" dominant-baseline="middle">${initials(name)}</text>
  </svg>`;
}

export const avatarStyles = css`
  .avatar {
    width: 2em;
    height: 2em;
    flex: none;
  }
`;
