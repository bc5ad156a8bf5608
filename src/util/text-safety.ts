/**
 * Characters a peer could use to make shown text lie about itself: bidi controls that
 * reorder it (U+061C, U+200E/F, U+202A–E, U+2066–9), invisible ones that make two names
 * look alike or one look empty (zero-width and joiner characters, U+00AD soft hyphen,
 * Hangul fillers U+115F, U+1160, U+3164, U+FFA0, U+180E, U+2060–F, U+FEFF, interlinear
 * annotations U+FFF9–B, tag characters U+E0000–E007F), and C0/C1 controls.
 */
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB]|[\u{E0000}-\u{E007F}]/gu;
/** Line and paragraph breaks become one space, so a name or note stays on its line. */
const BREAKS = /[\t\n\r\u2028\u2029]+/g;

/**
 * Peer-supplied text made safe to show inline: the characters above removed, breaks turned
 * into spaces, trimmed, at most `max` code points (never half a surrogate pair). Used for
 * every name, note, preview and reason string the widget shows; message bodies are shown
 * verbatim but isolated (see src/elements/message-text.ts).
 */
export function safeText(text: unknown, max = 500): string {
  const clean = String(text ?? '').replace(UNSAFE, '').replace(BREAKS, ' ').trim();
  const points = Array.from(clean);
  return points.length > max ? points.slice(0, max).join('').trimEnd() : clean;
}
