import { html, type TemplateResult } from 'lit';

const LINK = /\bhttps?:\/\/[^\s<>"']+/g;

/**
 * A message's text as Lit text nodes, with http(s) links made clickable. Never HTML:
 * whatever a peer sent is rendered as text; only `http:`/`https:` URLs become links.
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
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) continue;
    out.push(text.slice(last, match.index));
    out.push(html`<a href=${parsed.href} target="_blank" rel="noopener noreferrer">${url}</a>`);
    last = match.index + url.length;
  }
  out.push(text.slice(last));
  return out;
}
