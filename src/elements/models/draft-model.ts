/** Where drafts are kept: the engine's `draft` and `saveDraft`. */
export interface DraftSource {
  draft(id: string): Promise<string>;
  saveDraft(id: string, text: string): Promise<void>;
}

/** Writes wait this long after the last key press, so typing is not a write per key. */
export const DRAFT_DELAY = 400;

/**
 * The composer's unsent text per conversation, for one engine (a new engine, a new
 * model: one profile's drafts never reach another's store). Reads once per conversation,
 * keeps the text in memory, and writes it a moment after typing stops; a cleared draft
 * (a sent message) is written at once. No DOM.
 */
export class DraftModel {
  readonly #texts = new Map<string, string>();
  readonly #pending = new Set<string>();
  readonly #source: DraftSource;
  readonly #onError: (error: unknown) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Writes go one after another: a cleared draft never lands before the text it clears. */
  #writes: Promise<unknown> = Promise.resolve();

  constructor(source: DraftSource, onError: (error: unknown) => void) {
    this.#source = source;
    this.#onError = onError;
  }

  /** The draft of a conversation; undefined until `load` has read it. */
  text(id: string): string | undefined {
    return this.#texts.get(id);
  }

  /** Reads a conversation's draft once; text typed meanwhile wins over the stored one. */
  async load(id: string): Promise<void> {
    if (this.#texts.has(id)) return;
    const stored = await this.#source.draft(id);
    if (!this.#texts.has(id)) this.#texts.set(id, stored);
  }

  set(id: string, text: string): void {
    if (this.#texts.get(id) === text) return;
    this.#texts.set(id, text);
    this.#pending.add(id);
    clearTimeout(this.#timer);
    if (!text) void this.flush();
    else this.#timer = setTimeout(() => void this.flush(), DRAFT_DELAY);
  }

  /** Writes every changed draft now; resolves once they are stored. */
  flush(): Promise<unknown> {
    clearTimeout(this.#timer);
    const changed = [...this.#pending].map((id): [string, string] => [id, this.#texts.get(id) ?? '']);
    this.#pending.clear();
    this.#writes = this.#writes.then(() => Promise.all(changed.map(([id, text]) => this.#source.saveDraft(id, text)))).catch(this.#onError);
    return this.#writes;
  }
}
