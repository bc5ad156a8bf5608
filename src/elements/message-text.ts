import { html, type TemplateResult } from 'lit';

const LINK = /\bhttps?:\/\/[^\s<>"']+/g;

/**
 * A message's text as Lit text nodes, with http(s) links made clickable. Never HTML:
 * whatever a peer sent is rendered as text; only `http:`/`https:` URLs become links.
 *
 * Against spoofed links: a link's text is the parsed `href` itself (pure ASCII: host in
 * punycode, everything else percent-encoded, so no bidi control or look-alike survives),
 * inside a left-to-right isolate that the text around it cannot reorder; a URL with a user
 * name or password (`https://bank.example@evil.example/`) stays plain text. (The text
 * element around it isolates the message from its time and status: `unicode-bidi:
 * plaintext` in thread.styles.ts.)
 */
export function messageText(text: string): (string | TemplateResult)[] {
  const out: (string | TemplateResult)[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.username || parsed.password) continue;
    out.push(text.slice(last, match.index));
    out.push(html`<a dir="ltr" href=${parsed.href} target="_blank" rel="noopener noreferrer">${parsed.href}</a>`);
    last = match.index + url.length;
  }
  out.push(text.slice(last));
  return out;
}
