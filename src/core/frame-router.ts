import { decodeJsonBody } from '../session/frame.js';
import type { Check } from '../session/schema.js';
import type { SecureSession } from '../session/secure-session.js';

/**
 * Who may send a frame type:
 * - `anyone`: strangers too (a friend request, keep-alives);
 * - `asked`: a profile we asked to be friends with, or a friend (their answer);
 * - `friends`: friends only (everything that reads or writes a conversation).
 */
export type Audience = 'anyone' | 'asked' | 'friends';

/** Where the peer of a session stands with us, as the router sees it. */
export type Standing = 'stranger' | 'asked' | 'friend';

type Handler<T> = (session: SecureSession, value: T) => void | Promise<void>;

interface Route {
  audience: Audience;
  decode: (body: Uint8Array) => unknown;
  handle: Handler<unknown>;
}

const ALLOWED: Record<Standing, ReadonlySet<Audience>> = {
  stranger: new Set(['anyone']),
  asked: new Set(['anyone', 'asked']),
  friend: new Set(['anyone', 'asked', 'friends']),
};

/**
 * The one place that decides which frames of a session are read. Features register a
 * frame type with its schema (or `binary`) and its audience; a frame from someone outside
 * the audience is dropped unread, before its body is decoded. Unknown types are ignored:
 * a newer friend may speak more than we do. A body that fails its schema throws a
 * `FrameError`, and the caller closes the session.
 */
export class FrameRouter {
  readonly #routes = new Map<number, Route>();
  readonly #standing: (session: SecureSession) => Standing;

  constructor(standing: (session: SecureSession) => Standing) {
    this.#standing = standing;
  }

  /** Registers a JSON frame type checked against `schema`. */
  on<T>(type: number, schema: Check<T>, handle: Handler<T>, options: { audience?: Audience } = {}): this {
    return this.#add(type, { audience: options.audience ?? 'friends', decode: (body) => decodeJsonBody(body, schema), handle: handle as Handler<unknown> });
  }

  /** Registers a binary frame type; the handler gets the raw body. */
  onBinary(type: number, handle: Handler<Uint8Array>, options: { audience?: Audience } = {}): this {
    return this.#add(type, { audience: options.audience ?? 'friends', decode: (body) => body, handle: handle as Handler<unknown> });
  }

  /** Reads one frame of `session`: dropped, or decoded and handed to its feature. */
  async dispatch(session: SecureSession, type: number, body: Uint8Array): Promise<void> {
    const route = this.#routes.get(type);
    if (!route || !ALLOWED[this.#standing(session)].has(route.audience)) return;
    await route.handle(session, route.decode(body));
  }

  #add(type: number, route: Route): this {
    if (this.#routes.has(type)) throw new Error(`frame type ${type} is registered twice`);
    this.#routes.set(type, route);
    return this;
  }
}
