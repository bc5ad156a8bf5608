import { FriendsChatError } from '../errors.js';
import type { ConversationLog } from '../log/conversation-log.js';
import type { ChatMessage, SearchResult } from '../model/index.js';
import { actionBody } from './actions.js';

/** A message that may match: its text, or for a file its name. */
export interface Candidate {
  id: string;
  from: string;
  ts: number;
  text: string;
  file?: boolean;
}

/** One conversation, read newest first, one batch at a time; undefined past its oldest. */
export interface SearchSource {
  conversationId: string;
  friendId: string;
  next(): Promise<Candidate[] | undefined>;
}

const MARKS = /\p{M}+/gu;
const BEFORE = 30;
const SNIPPET = 100;

/** Text as search compares it: compatibility-decomposed, accents dropped, lower case, ß as ss. */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase().replace(/ß/g, 'ss');
}

/** The query the page passed: text of at most 200 characters (trimmed; '' finds nothing). */
export function checkQuery(query: unknown): string {
  if (typeof query !== 'string' || query.length > 200) throw new FriendsChatError('bad-input', 'the search query must be text of at most 200 characters');
  return fold(query.trim());
}

/**
 * Searches conversations newest first, merged by time: each step reads the next batch of
 * the conversation whose unread part is newest, and it stops once `limit` results are
 * newer than anything left. So memory holds one batch per step and the results, never a
 * whole history, and nothing is indexed on disk (a sealed store stays sealed).
 */
export async function searchSources(sources: SearchSource[], folded: string, limit: number): Promise<SearchResult[]> {
  if (!folded) return [];
  const cursors = sources.map((source) => ({ source, frontier: Infinity, done: false }));
  let hits: SearchResult[] = [];
  for (;;) {
    const live = cursors.filter((c) => !c.done);
    const c = live.reduce<(typeof live)[number] | undefined>((a, b) => (!a || b.frontier > a.frontier ? b : a), undefined);
    if (!c || (hits.length >= limit && c.frontier <= hits[limit - 1]!.ts)) return hits;
    const batch = await c.source.next();
    if (!batch) {
      c.done = true;
      continue;
    }
    for (const m of batch) {
      c.frontier = Math.min(c.frontier, m.ts);
      if (!fold(m.text).includes(folded) || hits.some((h) => h.id === m.id)) continue;
      const { snippet, match } = snippetOf(m.text, folded);
      hits.push({ id: m.id, conversationId: c.source.conversationId, friendId: c.source.friendId, from: m.from, ts: m.ts, snippet, match, ...(m.file ? { file: true } : {}) });
    }
    hits = hits.sort((a, b) => b.ts - a.ts).slice(0, limit);
  }
}

/** Up to 100 characters around the first match, with where the match is in them. */
export function snippetOf(text: string, folded: string): { snippet: string; match: [number, number] } {
  // Each UTF-16 unit of the folded text remembers the code point of `text` it came from.
  const from: number[] = [];
  let all = '';
  for (let i = 0; i < text.length; ) {
    const n = text.codePointAt(i)! > 0xffff ? 2 : 1;
    const f = fold(text.slice(i, i + n));
    for (let k = 0; k < f.length; k++) from.push(i);
    all += f;
    i += n;
  }
  const at = all.indexOf(folded);
  const start = at < 0 ? 0 : from[at]!;
  let end = at < 0 ? 0 : from[at + folded.length - 1]!;
  end += text.codePointAt(end)! > 0xffff ? 2 : 1;
  // Marks that folded to nothing still belong to the matched letter.
  while (end < text.length && fold(text[end]!) === '' && !/\s/.test(text[end]!)) end++;
  let cut = Math.max(0, Math.min(start - BEFORE, text.length - SNIPPET));
  const space = cut > 0 ? text.indexOf(' ', cut) : -1;
  if (space >= 0 && space < start) cut = space + 1;
  else if (cut > 0 && /[\uDC00-\uDFFF]/.test(text[cut]!)) cut--;
  let stop = Math.min(text.length, Math.max(end, cut + SNIPPET));
  if (stop < text.length && /[\uDC00-\uDFFF]/.test(text[stop]!)) stop++;
  const head = cut > 0 ? '…' : '';
  return { snippet: `${head}${text.slice(cut, stop)}${stop < text.length ? '…' : ''}`, match: [head.length + start - cut, head.length + end - cut] };
}

/**
 * A one-to-one conversation's log, page by page from the newest: texts and replies as
 * they read after their latest edit, file names; deleted and expired messages are skipped.
 */
export function logSource(log: ConversationLog, friendId: string): SearchSource {
  let back = 0;
  // Edits and deletions come after their message, so walking back meets them first.
  const edited = new Map<string, string>();
  const deleted = new Set<string>();
  return {
    conversationId: log.conversation,
    friendId,
    async next() {
      const page = await log.pageBack(back++);
      if (!page) return undefined;
      const out: Candidate[] = [];
      for (let i = page.length - 1; i >= 0; i--) {
        const e = page[i]!;
        if (e.body === undefined) continue;
        const action = actionBody(e);
        if (e.kind === 'edit' && action && !edited.has(action.r)) edited.set(action.r, action.t ?? '');
        if (e.kind === 'delete' && action) deleted.add(action.r);
        if (e.kind !== 'text' && e.kind !== 'reply' && e.kind !== 'file') continue;
        const text = edited.get(e.id) ?? (e.kind === 'text' ? e.body : e.kind === 'reply' ? action?.t : fileName(e.body));
        const gone = deleted.delete(e.id);
        edited.delete(e.id);
        if (!gone && text) out.push({ id: e.id, from: e.author, ts: e.ts, text, ...(e.kind === 'file' ? { file: true } : {}) });
      }
      return out;
    },
  };
}

/** A group's history through its own paging (its texts need the group's keys). */
export function historySource(id: string, history: (options: { before?: string; limit: number }) => Promise<ChatMessage[]>): SearchSource {
  let before: string | undefined;
  let done = false;
  return {
    conversationId: id,
    friendId: id,
    async next() {
      if (done) return undefined;
      const page = await history({ limit: 200, ...(before ? { before } : {}) });
      done = page.length < 200;
      before = page[0]?.id;
      return page
        .filter((m) => !m.system && !m.deleted && !m.expired && m.text)
        .reverse()
        .map((m) => ({ id: m.id, from: m.from, ts: m.ts, text: m.text }));
    },
  };
}

function fileName(body: string): string {
  try {
    const name = (JSON.parse(body) as { name?: unknown }).name;
    return typeof name === 'string' ? name : '';
  } catch {
    return '';
  }
}
