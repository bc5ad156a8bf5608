import { randomBytes } from '../../crypto/index.js';
import { FriendsChatError } from '../../errors.js';
import { toHex } from '../../util/bytes.js';

/** Where a PeerJS server listens (a checked `peerjs://` URL). */
export interface PeerjsServer {
  host: string;
  port: number;
  path: string;
  key: string;
  secure: boolean;
}

/** A relayed message: `src` is set by the server, `payload` is the other peer's. */
export interface RelayedMessage {
  type: string;
  src: string;
  payload: Record<string, unknown>;
}

export interface PeerjsSocketHandlers {
  /** The server holds our ID now (OPEN). */
  open(): void;
  /** OFFER, ANSWER, CANDIDATE, LEAVE or EXPIRE from the server. */
  message(message: RelayedMessage): void;
  /** The socket is gone (refused, ID taken, lost); called once, never after `close()`. */
  closed(error: FriendsChatError): void;
}

/** The server drops a client that is silent longer than its alive timeout (60 s by default). */
const HEARTBEAT = 5000;
/** Bigger than any SDP or candidate a peer sends: anything larger is not ours to parse. */
const MAX_MESSAGE = 1 << 18;
/** The IDs a PeerJS server's clients accept (the server itself checks none). */
const VALID_ID = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;

/**
 * One registration at a PeerJS server over its WebSocket protocol
 * (`<path>peerjs?key=…&id=…&token=…`): JSON messages `{type, src, dst, payload}`, a
 * HEARTBEAT every few seconds. Each socket brings a fresh token, so a server that still
 * holds the ID from an earlier socket answers ID-TAKEN rather than handing it over.
 */
export class PeerjsSocket {
  readonly #handlers: PeerjsSocketHandlers;
  #ws: WebSocket | null = null;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #done = false;

  constructor(server: PeerjsServer, id: string, handlers: PeerjsSocketHandlers) {
    this.#handlers = handlers;
    if (!VALID_ID.test(id)) {
      queueMicrotask(() => this.#end(new FriendsChatError('bad-input', 'this ID cannot register at a PeerJS server')));
      return;
    }
    const host = server.host.includes(':') ? `[${server.host}]` : server.host;
    const path = `${server.path.replace(/^\/?/, '/').replace(/\/?$/, '/')}peerjs`;
    const query = new URLSearchParams({ key: server.key, id, token: toHex(randomBytes(8)) });
    try {
      this.#ws = new WebSocket(`${server.secure ? 'wss' : 'ws'}://${host}:${server.port}${path}?${query}`);
    } catch (error) {
      // A CSP that forbids the server, or a URL the browser refuses.
      queueMicrotask(() => this.#end(new FriendsChatError('signaling-failed', 'could not open the signaling socket', { cause: error })));
      return;
    }
    const ws = this.#ws;
    ws.onopen = () => {
      this.#heartbeat = setInterval(() => this.#send({ type: 'HEARTBEAT' }), HEARTBEAT);
    };
    ws.onmessage = (event: MessageEvent) => this.#receive(event.data);
    // An error is always followed by close.
    ws.onclose = () => this.#end(new FriendsChatError('signaling-failed', 'lost the signaling server; retrying'));
  }

  /** Relays `payload` to `dst`; dropped while the socket is not open (the call times out). */
  send(type: 'OFFER' | 'ANSWER' | 'CANDIDATE', dst: string, payload: Record<string, unknown>): void {
    this.#send({ type, dst, payload });
  }

  /** Leaves the server (it frees the ID when the socket closes); no handler runs after this. */
  close(): void {
    this.#done = true;
    this.#drop();
  }

  #send(message: object): void {
    if (this.#done || this.#ws?.readyState !== WebSocket.OPEN) return;
    this.#ws.send(JSON.stringify(message));
  }

  #receive(data: unknown): void {
    if (this.#done || typeof data !== 'string' || data.length > MAX_MESSAGE) return;
    let message: { type?: unknown; src?: unknown; payload?: unknown };
    try {
      message = JSON.parse(data) as typeof message;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { type, src, payload } = message;
    if (type === 'OPEN') {
      this.#handlers.open();
    } else if (type === 'ID-TAKEN') {
      // After a reload the server may still hold our old socket for a while: retried.
      this.#end(new FriendsChatError('id-taken', 'the signaling server still holds this ID; retrying'));
    } else if (type === 'ERROR' || type === 'INVALID-KEY') {
      const reason = typeof payload === 'object' && payload !== null ? (payload as { msg?: unknown }).msg : undefined;
      const detail = typeof reason === 'string' ? reason.slice(0, 100) : String(type);
      this.#end(new FriendsChatError('signaling-failed', `signaling server refused us (${detail}); retrying`));
    } else if (typeof type === 'string' && typeof src === 'string') {
      // LEAVE and EXPIRE come from the server without a payload.
      const body = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
      this.#handlers.message({ type, src, payload: body });
    }
  }

  #end(error: FriendsChatError): void {
    if (this.#done) return;
    this.#done = true;
    this.#drop();
    this.#handlers.closed(error);
  }

  #drop(): void {
    clearInterval(this.#heartbeat);
    const ws = this.#ws;
    this.#ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try {
      ws.close();
    } catch {
      // closing a socket that never opened; it is gone either way
    }
  }
}
