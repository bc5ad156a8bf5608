import { FriendsChatError } from '../errors.js';
import type { OwnProfile, Status } from '../model/index.js';
import { literal, obj, optional, str } from '../session/schema.js';
import { Keyspace } from '../storage/keyspace.js';
import type { Store } from '../storage/store.js';

/** The longest status text and about text, in UTF-16 code units (what `maxlength` counts). */
export const MAX_STATUS_TEXT = 80;
export const MAX_ABOUT = 300;
const STATUSES = ['available', 'away', 'busy', 'invisible'] as const satisfies readonly Status[];

/**
 * The Status frame (docs/protocol.md): sent to friends only, after the handshake, on every
 * friend session and on every change. Never in the hello, which strangers see.
 */
export const statusFrame = obj({
  s: literal(...STATUSES),
  t: optional(str({ max: MAX_STATUS_TEXT })),
  a: optional(str({ max: MAX_ABOUT })),
});
/** A checked Status frame (absent fields are left out, not undefined). */
export type StatusFrame = { s: Status; t?: string; a?: string };

const DEFAULT: OwnProfile = { status: 'available', statusText: '', about: '' };

/** Checks what the page asked to change; anything else is `bad-input`. */
export function checkProfileChange(change: unknown): Partial<OwnProfile> {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) throw new FriendsChatError('bad-input', 'updateProfile needs an object { status?, statusText?, about? }');
  const { status, statusText, about, ...rest } = change as Record<string, unknown>;
  if (Object.keys(rest).length) throw new FriendsChatError('bad-input', `updateProfile does not know ${Object.keys(rest).join(', ')}`);
  const out: Partial<OwnProfile> = {};
  if (status !== undefined) {
    if (!(STATUSES as readonly unknown[]).includes(status)) throw new FriendsChatError('bad-input', `status must be one of ${STATUSES.join(', ')}`);
    out.status = status as Status;
  }
  if (statusText !== undefined) out.statusText = checkText(statusText, MAX_STATUS_TEXT, 'the status text');
  if (about !== undefined) out.about = checkText(about, MAX_ABOUT, 'the about text');
  return out;
}

function checkText(value: unknown, max: number, what: string): string {
  if (typeof value !== 'string' || value.length > max) throw new FriendsChatError('bad-input', `${what} must be text of at most ${max} characters`);
  return value;
}

/** A stored own profile that does not parse (an older or damaged record) reads as the default. */
function fromStored(value: unknown): OwnProfile {
  try {
    return { ...DEFAULT, ...checkProfileChange(value ?? {}) };
  } catch {
    return { ...DEFAULT };
  }
}

/** The own status and about text, stored per profile (sealed with the store when locked). */
export class OwnStatus {
  readonly #store: Store;
  #value: OwnProfile;
  #writing: Promise<unknown> = Promise.resolve();

  private constructor(store: Store, value: OwnProfile) {
    this.#store = store;
    this.#value = value;
  }

  static async load(store: Store): Promise<OwnStatus> {
    return new OwnStatus(store, fromStored(await store.get(Keyspace.ownProfile)));
  }

  get(): OwnProfile {
    return { ...this.#value };
  }

  /** Checks, stores, and returns the new profile (stored before any friend hears of it). */
  update(change: unknown): Promise<OwnProfile> {
    const checked = checkProfileChange(change);
    // One after another: two quick changes (status, then its text) both count.
    const done = this.#writing.then(async () => {
      const next = { ...this.#value, ...checked };
      await this.#store.set(Keyspace.ownProfile, next);
      this.#value = next;
      return this.get();
    });
    this.#writing = done.catch(() => {});
    return done;
  }

  /** The frame friends get. Invisible sends no status text: an offline friend has nothing to say. */
  frame(): StatusFrame {
    const { status, statusText, about } = this.#value;
    return { s: status, ...(statusText && status !== 'invisible' ? { t: statusText } : {}), ...(about ? { a: about } : {}) };
  }
}
