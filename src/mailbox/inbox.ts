import type { Keypair } from '../crypto/index.js';
import { openEnvelope } from './envelope.js';

export interface InboxStats {
  delivered: number;
  oversized: number;
  garbage: number;
}

/**
 * The receiving end of a mailbox: opens each envelope that arrived on our topic and hands
 * the payload (signed log entries) to `deliver`, which must persist before it resolves: the
 * broker is acknowledged after that. Envelopes that do not open are dropped and counted,
 * never thrown: the broker, or anyone who can publish to the topic, may send anything.
 */
export class Inbox {
  readonly #topic: string;
  readonly #own: Keypair;
  readonly #deliver: (payload: Uint8Array) => Promise<void>;
  readonly stats: InboxStats = { delivered: 0, oversized: 0, garbage: 0 };

  constructor(options: { topic: string; own: Keypair; deliver: (payload: Uint8Array) => Promise<void> }) {
    this.#topic = options.topic;
    this.#own = options.own;
    this.#deliver = options.deliver;
  }

  /** For `MailboxClient`'s `onEnvelope`. Rejects only when `deliver` does (then it comes again). */
  readonly receive = async (envelope: Uint8Array): Promise<void> => {
    const opened = await openEnvelope(this.#topic, this.#own, envelope);
    if (!opened.ok) {
      this.stats[opened.reason]++;
      return;
    }
    await this.#deliver(opened.payload);
    this.stats.delivered++;
  };
}
