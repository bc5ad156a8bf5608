import type { FriendsChatError } from '../errors.js';
import type { FileProgress } from '../model/index.js';
import type { SecureSession } from '../session/secure-session.js';
import type { Store } from '../storage/store.js';
import type { FileQuota, StorageEstimator } from './quota.js';
import type { FileRecord, FileStore } from './store.js';

export interface FileTransfersOptions {
  store: Store;
  session(friendId: string): SecureSession | undefined;
  /** The conversation a friend's files belong to. */
  conversationOf(friendId: string): string;
  maxFileSize(): number;
  /** Friends' files up to this size are fetched at once; larger ones wait for `download()`. Default 16 MiB. */
  autoDownloadLimit?(): number;
  /** Default DEFAULT_FILE_QUOTA. */
  quota?(): FileQuota;
  /** Default: `navigator.storage.estimate()`. */
  estimate?: StorageEstimator;
  onProgress(progress: FileProgress): void;
  onError(error: FriendsChatError): void;
  onWarning(friendId: string, detail: string): void;
  /** Whether `peer` may fetch an own file whose record names `owner` (a group and one of its members); default none. */
  shares?(owner: string, peer: string): boolean;
  /** Sends a JSON frame if the session is live (the engine's own sender: a failure closes it). */
  send(session: SecureSession | undefined, type: number, value: unknown): boolean;
}

/** What the sender and the receiver share through the facade. */
export interface FileContext {
  readonly o: FileTransfersOptions;
  readonly store: FileStore;
  /** Counts of pieces and chunks dropped: wrong hash or size, unknown file, out of range. */
  readonly dropped: { badChunks: number; unknownFile: number; outOfRange: number };
  readonly stopped: () => boolean;
  emit(id: string, record: FileRecord, bytes: number): void;
  /** Ends the transfer here as failed and tells the friend why. */
  fail(id: string, record: FileRecord, reason: string, session?: SecureSession): Promise<void>;
}
