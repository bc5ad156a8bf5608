import type { FriendsChatError } from '../errors.js';
import type { SecurityWarningReason } from '../model/index.js';
import type { Channel } from './channel.js';

export type SignalingState = 'connecting' | 'online' | 'offline';

/**
 * The Signaling port: how two widgets find each other. A backend registers under a
 * rendezvous ID, dials other rendezvous IDs and hands over incoming channels. It heals
 * itself (reconnects to its broker with back-off) and reports errors without throwing.
 */
export interface Signaling {
  readonly state: SignalingState;
  /** Registers under `localId` and keeps the registration alive until `close()`. */
  start(localId: string): void;
  /**
   * Also registers under each of `ids` (pairwise rendezvous IDs, docs/rendezvous.md), replacing
   * the previous set; `localId` stays. The state is `online` while any registration is.
   * IDs in `dialOnly` are registered only to dial from: channels arriving there are refused.
   * Backends without rendezvous IDs (manual) leave it out.
   */
  listen?(ids: readonly string[], dialOnly?: readonly string[]): void;
  /**
   * Opens a channel to `remoteId`, from `fromId` (one of the `listen` IDs) if given, else from
   * `localId`; rejects with a `FriendsChatError` on failure or timeout.
   */
  dial(remoteId: string, fromId?: string): Promise<Channel>;
  /** Retry the broker at once (the page came back online or became visible). */
  nudge(): void;
  close(): void;
  onChannel(listener: (channel: Channel) => void): () => void;
  onState(listener: (state: SignalingState) => void): () => void;
  onError(listener: (error: FriendsChatError) => void): () => void;
  /** The broker did something only a lying broker does (a replayed offer). */
  onWarning(listener: (reason: SecurityWarningReason, peer: string, detail: string) => void): () => void;
}
