import { FriendsChatError } from '../../errors.js';
import type { SignalingState } from '../signaling.js';
import { MqttConnection } from './mqtt-connection.js';
import { isFriendsChatTopic } from './topics.js';

export interface MailboxClientOptions {
  /** `ws://` / `wss://` broker URLs (or cluster nodes), tried in order. */
  urls: string[];
  /** The profile's secret, fixed client ID (see `mailboxClientId`): the broker keeps its session. */
  clientId: string;
  /** The profile's own mailbox topic. */
  topic: string;
  /**
   * Called for each envelope on our topic, one at a time. Persist before resolving: the broker
   * gets its PUBACK only afterwards, so nothing acknowledged is ever lost. A rejection leaves
   * the envelope unacknowledged and reconnects, so the broker delivers it again.
   */
  onEnvelope(envelope: Uint8Array): Promise<void>;
  /** Larger envelopes are dropped (acknowledged, counted, never handed on). */
  maxEnvelope: number;
  connectTimeout?: number;
}

/**
 * A profile's mailbox on an MQTT broker: a persistent session (`clean=false`, the secret
 * client ID) subscribed with QoS 1 to its own topic, so the broker queues envelopes while
 * the widget is closed and hands them over when it connects again; and QoS 1 publishing to
 * friends' topics. MQTT 3.1.1 only, which every supported broker speaks.
 *
 * One owner per profile: a second connection with the same client ID makes the broker drop
 * the first, and the two would take the session from each other. The caller holds a Web Lock
 * for the profile (`navigator.locks.request('friends-chat-mailbox:<profile>', …)`) for as
 * long as it runs this client, and starts it in one tab only.
 */
export class MailboxClient {
  readonly #connection: MqttConnection;
  readonly #maxEnvelope: number;
  /** Envelopes over the size cap, dropped before they reached `onEnvelope`. */
  oversized = 0;

  constructor(options: MailboxClientOptions) {
    if (!isFriendsChatTopic(options.topic)) throw new FriendsChatError('bad-input', 'not a mailbox topic');
    if (!/^[0-9a-f]{32}$/.test(options.clientId)) throw new FriendsChatError('bad-input', 'a mailbox client ID is 32 hex digits');
    this.#maxEnvelope = options.maxEnvelope;
    this.#connection = new MqttConnection({
      urls: options.urls,
      clientId: options.clientId,
      clean: false,
      subscriptions: [{ topic: options.topic, qos: 1 }],
      onMessage: async ({ topic, payload }) => {
        if (topic !== options.topic) return;
        if (payload.length > this.#maxEnvelope) {
          this.oversized++;
          return;
        }
        await options.onEnvelope(payload);
      },
      ...(options.connectTimeout ? { connectTimeout: options.connectTimeout } : {}),
    });
  }

  get state(): SignalingState {
    return this.#connection.state;
  }

  /** The broker URL of the live connection ('' when offline). */
  get url(): string {
    return this.#connection.url;
  }

  start(): void {
    this.#connection.start();
  }

  nudge(): void {
    this.#connection.nudge();
  }

  /** Publishes one envelope to a friend's mailbox topic; resolves after the broker's PUBACK. */
  async publish(topic: string, envelope: Uint8Array): Promise<void> {
    if (!isFriendsChatTopic(topic)) throw new FriendsChatError('bad-input', 'not a mailbox topic');
    if (envelope.length > this.#maxEnvelope) throw new FriendsChatError('message-too-large', 'the envelope is larger than the mailbox allows');
    await this.#connection.publish(topic, envelope, 1);
  }

  close(): void {
    this.#connection.close();
  }

  /** Resolves once the envelope being stored (if any) is; nothing is handled after `close()`. */
  idle(): Promise<void> {
    return this.#connection.idle();
  }

  onState(listener: (state: SignalingState) => void): () => void {
    return this.#connection.onState(listener);
  }

  onError(listener: (error: FriendsChatError) => void): () => void {
    return this.#connection.onError(listener);
  }
}
