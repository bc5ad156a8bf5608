import { Peer, type DataConnection, type PeerError } from 'peerjs';
import { FriendsChatError, toFriendsChatError } from '../../errors.js';
import { Backoff } from '../../util/backoff.js';
import type { Channel } from '../channel.js';
import type { Signaling, SignalingState } from '../signaling.js';
import { peerjsChannel } from './peerjs-channel.js';
import { SignalingEvents } from '../signaling-events.js';
import { ExtraRegistrations } from '../extra-registrations.js';

export interface PeerjsOptions {
  host: string;
  port: number;
  path: string;
  key: string;
  secure: boolean;
  iceServers: RTCIceServer[];
  relayOnly: boolean;
  /** How long a dial or an incoming connection may take to open. */
  openTimeout?: number;
}

/** The one serialization friends-chat speaks: our own framing over raw bytes. */
const SERIALIZATION = 'raw';
/** Offers from strangers we will hold at once before refusing more (flood guard). */
const MAX_PENDING_INCOMING = 16;
/** PeerJS keeps signaling messages for unknown connection IDs; cap that store. */
const MAX_LOST_MESSAGES = 64;
/** Offer connection IDs remembered to spot replays (PeerJS makes a fresh one per offer). */
const MAX_SEEN_OFFERS = 512;

interface ServerMessage {
  type?: unknown;
  src?: unknown;
  payload?: { type?: unknown; serialization?: unknown; connectionId?: unknown } | null;
}

/**
 * Signaling through a PeerJS server. The only file set that imports peerjs.
 * Registers under the rendezvous ID, keeps that registration alive across broker
 * restarts and "ID taken" after a reload (both retried with back-off), and accepts only
 * `raw` data connections: any other offer is refused before PeerJS can act on it.
 */
export class PeerjsSignaling extends SignalingEvents implements Signaling {
  readonly #options: PeerjsOptions;
  readonly #backoff = new Backoff();
  readonly #dials = new Map<string, Set<(error: FriendsChatError) => void>>();
  #peer: Peer | null = null;
  #localId = '';
  #state: SignalingState = 'offline';
  /** Pairwise rendezvous IDs (`listen`): one more PeerJS client each. */
  readonly #extra = new ExtraRegistrations(() => new PeerjsSignaling(this.#options), this, () => this.emitStateChange(this.state));
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pendingIncoming = 0;
  readonly #seenOffers = new Set<string>();
  #closed = false;

  constructor(options: PeerjsOptions) {
    super();
    this.#options = options;
  }

  get state(): SignalingState {
    return this.#state === 'online' || this.#extra.online ? 'online' : this.#state;
  }

  listen(ids: readonly string[], dialOnly?: readonly string[]): void {
    if (!this.#closed) this.#extra.set(ids, dialOnly);
  }

  start(localId: string): void {
    if (this.#closed) return;
    this.#localId = localId;
    this.#connect();
  }

  nudge(): void {
    this.#extra.nudge();
    if (this.#closed || !this.#localId || this.#state === 'online') return;
    this.#backoff.reset();
    clearTimeout(this.#retryTimer);
    this.#connect();
  }

  dial(remoteId: string, fromId?: string): Promise<Channel> {
    if (fromId !== undefined && fromId !== this.#localId) return this.#extra.dial(fromId, remoteId);
    return new Promise((resolve, reject) => {
      const peer = this.#peer;
      if (this.#closed || !peer || this.#state !== 'online') {
        reject(new FriendsChatError('connection-failed', 'not connected to the signaling server'));
        return;
      }
      let settled = false;
      let connection: DataConnection | undefined;
      const fail = (error: FriendsChatError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#dials.get(remoteId)?.delete(fail);
        try {
          connection?.close();
        } catch {
          // closing a half-open connection may throw inside PeerJS; it is gone either way
        }
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new FriendsChatError('connection-failed', 'timed out connecting to peer')),
        this.#options.openTimeout ?? 15000,
      );
      let waiting = this.#dials.get(remoteId);
      if (!waiting) this.#dials.set(remoteId, (waiting = new Set()));
      waiting.add(fail);
      try {
        connection = peer.connect(remoteId, { serialization: SERIALIZATION, reliable: true });
      } catch (error) {
        fail(toFriendsChatError(error, 'connection-failed'));
        return;
      }
      if (!connection) {
        fail(new FriendsChatError('connection-failed', 'PeerJS refused to connect'));
        return;
      }
      const opened = connection;
      opened.on('open', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#dials.get(remoteId)?.delete(fail);
        resolve(peerjsChannel(opened, true, (e) => this.#report(e)));
      });
      opened.on('error', (error) => fail(toFriendsChatError(error, 'connection-failed')));
      opened.on('close', () => fail(new FriendsChatError('connection-failed', 'connection closed before it opened')));
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const peer = this.#peer;
    this.#destroyPeer();
    this.#extra.close();
    try {
      peer?.destroy();
    } catch (error) {
      this.#report(error);
    }
    this.#setState('offline');
    for (const waiting of this.#dials.values()) {
      for (const fail of [...waiting]) fail(new FriendsChatError('connection-failed', 'signaling closed'));
    }
    this.clear();
  }

  #connect(): void {
    this.#destroyPeer();
    this.#setState('connecting');
    const { host, port, path, key, secure, iceServers, relayOnly } = this.#options;
    let peer: Peer;
    try {
      peer = new Peer(this.#localId, {
        host,
        port,
        path,
        key,
        secure,
        debug: 0,
        config: { iceServers, iceTransportPolicy: relayOnly ? 'relay' : 'all' },
      });
    } catch (error) {
      this.#report(new FriendsChatError('signaling-failed', 'could not create the PeerJS client', { cause: error }));
      this.#scheduleRetry();
      return;
    }
    this.#peer = peer;
    this.#guard(peer);
    peer.on('open', () => {
      if (peer !== this.#peer) return;
      this.#backoff.reset();
      this.#setState('online');
    });
    peer.on('connection', (connection) => {
      if (peer !== this.#peer) return;
      this.#accept(connection);
    });
    peer.on('disconnected', () => {
      if (peer !== this.#peer || this.#closed) return;
      this.#setState('offline');
      this.#scheduleRetry();
    });
    peer.on('error', (error: PeerError<string>) => {
      if (peer !== this.#peer || this.#closed) return;
      this.#handlePeerError(error);
    });
  }

  /**
   * Wraps PeerJS's socket message handler: drops offers that are not `raw` data
   * connections (vanilla PeerJS would throw from its socket callback on an unknown
   * serialization), caps the store of early messages, and keeps any throw inside.
   */
  #guard(peer: Peer): void {
    const internals = peer as unknown as {
      _handleMessage: (message: ServerMessage) => void;
      _lostMessages?: Map<string, unknown[]>;
    };
    const original = internals._handleMessage.bind(peer);
    internals._handleMessage = (message: ServerMessage) => {
      try {
        if (typeof message !== 'object' || message === null) return;
        if (message.type === 'OFFER') {
          const payload = message.payload;
          if (
            typeof message.src !== 'string' ||
            !payload ||
            payload.type !== 'data' ||
            payload.serialization !== SERIALIZATION ||
            typeof payload.connectionId !== 'string'
          ) {
            return;
          }
          // Every offer carries a fresh connection ID: one seen before is a broker replaying it.
          const seen = `${message.src}/${payload.connectionId}`;
          if (this.#seenOffers.has(seen)) {
            this.emitWarning('replayed-offer', message.src, 'the signaling server delivered an offer a second time; ignored');
            return;
          }
          this.#seenOffers.add(seen);
          if (this.#seenOffers.size > MAX_SEEN_OFFERS) this.#seenOffers.delete(this.#seenOffers.values().next().value!);
          if (this.#pendingIncoming >= MAX_PENDING_INCOMING) return;
        }
        if (internals._lostMessages && internals._lostMessages.size > MAX_LOST_MESSAGES) internals._lostMessages.clear();
        original(message);
      } catch (error) {
        this.#report(new FriendsChatError('signaling-failed', 'bad message from the signaling server', { cause: error }));
      }
    };
  }

  #accept(connection: DataConnection): void {
    if (connection.serialization !== SERIALIZATION) {
      connection.close();
      return;
    }
    this.#pendingIncoming++;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      this.#pendingIncoming--;
      clearTimeout(timer);
    };
    const timer = setTimeout(() => {
      finish();
      try {
        connection.close();
      } catch {
        // never opened
      }
    }, this.#options.openTimeout ?? 15000);
    connection.on('open', () => {
      if (done) return;
      finish();
      this.emitChannel(peerjsChannel(connection, false, (e) => this.#report(e)));
    });
    connection.on('close', finish);
    connection.on('error', finish);
  }

  #handlePeerError(error: PeerError<string>): void {
    const type = error.type;
    if (type === 'peer-unavailable') {
      const remote = /peer (\S+)$/.exec(error.message)?.[1];
      const waiting = remote ? this.#dials.get(remote) : undefined;
      if (waiting) {
        for (const fail of [...waiting]) fail(new FriendsChatError('connection-failed', 'peer is not online'));
      }
      return;
    }
    if (type === 'unavailable-id') {
      // After a reload the broker may still hold our old socket for a while: retry.
      this.#report(new FriendsChatError('id-taken', 'the signaling server still holds this ID; retrying'));
    } else if (type === 'invalid-key' || type === 'invalid-id' || type === 'browser-incompatible' || type === 'ssl-unavailable') {
      this.#report(new FriendsChatError('signaling-failed', `signaling server refused us (${type}); retrying`));
    } else {
      this.#report(new FriendsChatError('signaling-failed', `signaling: ${type}`));
    }
    this.#setState('offline');
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#closed) return;
    this.#destroyPeer();
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#connect(), this.#backoff.next());
  }

  #destroyPeer(): void {
    const peer = this.#peer;
    this.#peer = null;
    if (!peer) return;
    try {
      // Keep live data channels: PeerJS's destroy() would close them all. A peer that
      // lost its broker only needs a new socket; existing sessions keep running.
      peer.disconnect();
      peer.removeAllListeners();
    } catch (error) {
      this.#report(error);
    }
  }

  #setState(state: SignalingState): void {
    this.#state = state;
    this.emitStateChange(this.state);
  }


  #report(error: unknown): void {
    this.emitError(error);
  }
}
