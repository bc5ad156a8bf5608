/** How much mail one friend may have us take: a burst (what may wait in the queue) and a rate. */
export interface MailLimit {
  /** Envelopes one friend may have waiting for us; more are dropped until the budget refills. */
  burst: number;
  /** Envelopes per second the budget refills by (the rate a friend may keep up). */
  perSecond: number;
}

/** Enough for a week of one friend's messages, each in its own envelope, and for live chat. */
export const DEFAULT_MAIL_LIMIT: MailLimit = { burst: 500, perSecond: 5 };

/** Friends tracked at once; a friend not seen for a while starts again from a full budget. */
const TRACKED = 1024;

/**
 * A token bucket per friend for mailbox envelopes. The broker hands over a whole queue when
 * the widget connects, so the burst is the cap on what one friend can have queued for us; what
 * is over it is dropped, and the friend's outbox sends it again through the normal sync (a
 * live session's version vectors, or the friend's next mailbox run), so a flood costs its
 * sender delay and costs everyone else nothing.
 */
export class MailBudget {
  readonly #limit: MailLimit;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(limit: MailLimit, now: () => number) {
    this.#limit = limit;
    this.#now = now;
  }

  /** Takes one envelope's worth from `friendId`'s budget; false when it is spent. */
  take(friendId: string): boolean {
    const now = this.#now();
    const bucket = this.#buckets.get(friendId) ?? { tokens: this.#limit.burst, at: now };
    bucket.tokens = Math.min(this.#limit.burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.#limit.perSecond);
    bucket.at = now;
    this.#buckets.delete(friendId);
    if (this.#buckets.size >= TRACKED) this.#buckets.delete(this.#buckets.keys().next().value!);
    this.#buckets.set(friendId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens--;
    return true;
  }

  /** Gives back what `take` took for an envelope that was not the friend's after all (forged). */
  refund(friendId: string): void {
    const bucket = this.#buckets.get(friendId);
    if (bucket) bucket.tokens = Math.min(this.#limit.burst, bucket.tokens + 1);
  }
}
