import { mqtt_v4, type U8Client, type U8Publish } from 'u8-mqtt/esm/web/basic-v4.js';
import { FriendsChatError } from '../../errors.js';
import { Backoff } from '../../util/backoff.js';
import { Listeners } from '../../util/listeners.js';
import type { SignalingState } from '../signaling.js';
import { PacketSocket } from './packet-socket.js';

export interface MqttConnectionOptions {
  /** `ws://` / `wss://` broker URLs, tried in order; a failure moves on to the next. */
  urls: string[];
  clientId: string;
  /** false: a persistent session the broker keeps (and queues QoS 1 messages for) while we are away. */
  clean: boolean;
  subscriptions: { topic: string; qos: 0 | 1 }[];
  /**
   * Called once per message, one at a time, in arrival order. A QoS 1 message is acknowledged
   * (PUBACK) only after this resolved; when it rejects, the connection is dropped unacknowledged
   * so the broker delivers the message again.
   */
  onMessage(message: { topic: string; payload: Uint8Array }): void | Promise<void>;
  /** A connect that takes longer fails (a NATS node that is going down hangs connects). */
  connectTimeout?: number;
  /** How long a QoS 1 publish waits for its PUBACK. */
  publishTimeout?: number;
  keepAlive?: number;
  /** A packet from the broker announcing more bytes than this closes the connection. */
  maxPacket?: number;
  backoff?: Backoff;
}

const noop = (): void => {};

/**
 * One MQTT 3.1.1 client over WebSocket (u8-mqtt's basic client, our own reconnect): connects
 * to the first URL that answers, subscribes, and when the connection fails moves to the next
 * URL, backing off after every URL failed once. u8-mqtt's console logging is switched off.
 */
export class MqttConnection {
  readonly #o: Required<Omit<MqttConnectionOptions, 'backoff'>> & { backoff: Backoff };
  readonly #state = new Listeners<[SignalingState]>();
  readonly #error = new Listeners<[FriendsChatError]>();
  #current: { client: U8Client; socket: PacketSocket } | null = null;
  #attempt = 0;
  #index = 0;
  #failuresInRound = 0;
  #stateValue: SignalingState = 'offline';
  #retry: ReturnType<typeof setTimeout> | undefined;
  #inbound: Promise<void> = Promise.resolve();
  #started = false;
  #closed = false;

  constructor(options: MqttConnectionOptions) {
    if (options.urls.length === 0) throw new FriendsChatError('bad-signaling', 'no MQTT broker URL');
    this.#o = { connectTimeout: 6000, publishTimeout: 10000, keepAlive: 30, maxPacket: 256 * 1024, backoff: new Backoff(), ...options };
  }

  get state(): SignalingState {
    return this.#stateValue;
  }

  /** The broker URL of the live connection, '' when there is none. */
  get url(): string {
    return this.#current ? this.#o.urls[this.#index % this.#o.urls.length]! : '';
  }

  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#connect();
  }

  /** Try again at once (the page came back online). */
  nudge(): void {
    if (!this.#started || this.#closed || this.#stateValue !== 'offline') return;
    this.#o.backoff.reset();
    clearTimeout(this.#retry);
    this.#connect();
  }

  /** Publishes; with QoS 1 resolves after the broker's PUBACK. Rejects with `connection-failed`. */
  async publish(topic: string, payload: Uint8Array, qos: 0 | 1): Promise<void> {
    const current = this.#current;
    if (!current || this.#stateValue !== 'online') throw new FriendsChatError('connection-failed', 'not connected to the MQTT broker');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FriendsChatError('connection-failed', 'the MQTT broker did not acknowledge in time')), this.#o.publishTimeout);
    });
    try {
      // u8-mqtt 0.6.7's pub() breaks on QoS 0 (it asks for an answer keyed `null`): send it bare.
      const sent = qos === 1 ? current.client.pub({ topic, payload, qos }) : current.client._send('publish', { topic, payload, qos: 0 });
      const answer = await Promise.race([sent, timeout]);
      if (Array.isArray(answer) && (answer[1] || !answer[0])) throw new FriendsChatError('connection-failed', 'the MQTT broker did not acknowledge');
    } catch (error) {
      throw error instanceof FriendsChatError ? error : new FriendsChatError('connection-failed', 'MQTT publish failed', { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Resolves once the message being handled (if any) is done. After `close()` nothing further
   * is handled: messages still queued are left unacknowledged for the broker to deliver again.
   */
  idle(): Promise<void> {
    return this.#inbound;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#attempt++;
    clearTimeout(this.#retry);
    this.#drop();
    this.#setState('offline');
    this.#state.clear();
    this.#error.clear();
  }

  onState(listener: (state: SignalingState) => void): () => void {
    return this.#state.add(listener);
  }

  onError(listener: (error: FriendsChatError) => void): () => void {
    return this.#error.add(listener);
  }

  async #connect(): Promise<void> {
    this.#drop();
    const attempt = ++this.#attempt;
    const url = this.#o.urls[this.#index % this.#o.urls.length]!;
    this.#setState('connecting');
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const socket = new PacketSocket(new WebSocket(url, ['mqtt']), this.#o.maxPacket);
      const client = mqtt_v4({
        on_mqtt_type: { mqtt_publish: (packet) => this.#receive(attempt, client, packet) },
        log_conn: noop,
        on_error: noop,
        on_live: noop,
        on_disconnect: () => this.#lost(attempt),
        sess_stg: undefined,
      });
      client.with_websock(socket as unknown as WebSocket);
      this.#current = { client, socket };
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), this.#o.connectTimeout);
      });
      const [connack] = await Promise.race([
        client.connect({ client_id: this.#o.clientId, flags: { clean_start: this.#o.clean }, keep_alive: this.#o.keepAlive }),
        timeout,
      ]);
      if (!connack) throw new Error('no CONNACK');
      if (this.#o.subscriptions.length > 0) {
        const [suback, expired] = await Promise.race([
          client.subscribe({ topics: this.#o.subscriptions.map((s): [string, { qos: number }] => [s.topic, { qos: s.qos }]) }),
          timeout,
        ]);
        if (expired || !suback || (suback.answers ?? []).some((code) => Number(code) >= 0x80)) throw new Error('subscription refused');
      }
      if (attempt !== this.#attempt) return;
      clearTimeout(timer);
      this.#o.backoff.reset();
      this.#failuresInRound = 0;
      this.#setState('online');
    } catch (error) {
      clearTimeout(timer);
      if (attempt !== this.#attempt || this.#closed) return;
      this.#report(new FriendsChatError('signaling-failed', `MQTT broker ${url} failed; trying ${this.#o.urls.length > 1 ? 'the next' : 'again'}`, { cause: error }));
      this.#lost(attempt);
    }
  }

  /** The live connection (or the attempt) `attempt` ended: move to the next URL. */
  #lost(attempt: number): void {
    if (attempt !== this.#attempt || this.#closed) return;
    this.#attempt++;
    this.#drop();
    this.#setState('offline');
    this.#index++;
    this.#failuresInRound++;
    // Every URL failed once in a row: back off before the next round.
    const delay = this.#failuresInRound >= this.#o.urls.length ? this.#o.backoff.next() : 0;
    if (this.#failuresInRound >= this.#o.urls.length) this.#failuresInRound = 0;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => void this.#connect(), delay);
  }

  #receive(attempt: number, client: U8Client, packet: U8Publish): Promise<void> {
    const message = { topic: String(packet.topic), payload: new Uint8Array(packet.payload) };
    const run = async (): Promise<void> => {
      if (attempt !== this.#attempt) return; // that connection is gone; the broker delivers it again
      try {
        await this.#o.onMessage(message);
      } catch (error) {
        this.#report(new FriendsChatError('signaling-failed', 'an MQTT message could not be handled; it will be delivered again', { cause: error }));
        this.#lost(attempt);
        return;
      }
      if (packet.qos === 1 && packet.pkt_id !== undefined && attempt === this.#attempt) {
        await client.puback({ pkt_id: packet.pkt_id }).catch(noop);
      }
    };
    this.#inbound = this.#inbound.then(run, run);
    return this.#inbound;
  }

  #drop(): void {
    const current = this.#current;
    this.#current = null;
    if (!current) return;
    try {
      current.socket.close();
    } catch {
      // a socket that never opened throws nothing useful
    }
  }

  #setState(state: SignalingState): void {
    if (this.#stateValue === state) return;
    this.#stateValue = state;
    this.#state.emit((e) => this.#report(e), state);
  }

  #report(error: unknown): void {
    this.#error.emit(noop, error instanceof FriendsChatError ? error : new FriendsChatError('signaling-failed', String(error)));
  }
}
