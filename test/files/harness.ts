import { randomBytes } from '../../src/crypto/index.js';
import type { FriendsChatError } from '../../src/errors.js';
import { FileTransfers, type FileProgress, type FileTransfersOptions } from '../../src/files/file-transfers.js';
import { buildManifest, type FileManifest } from '../../src/files/manifest.js';
import { Identity } from '../../src/identity/identity.js';
import { SecureSession } from '../../src/session/secure-session.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import type { Store } from '../../src/storage/store.js';
import { toHex, utf8 } from '../../src/util/bytes.js';
import { channelPair } from '../helpers/loopback.js';

/** One side of a file transfer: the real FileTransfers on a real store, recording its events. */
export interface FileSide {
  identity: Identity;
  id: string;
  store: Store;
  transfers: FileTransfers;
  progress: FileProgress[];
  errors: FriendsChatError[];
  session?: SecureSession;
}

/** Identities made ahead (making one is async, WebCrypto), so `fileSide` stays synchronous. */
const spares = await Promise.all(Array.from({ length: 48 }, () => Identity.generate()));
function spareIdentity(): Identity {
  const identity = spares.pop();
  if (!identity) throw new Error('test/files/harness.ts: make more spare identities');
  return identity;
}

export function fileSide(store: Store = new MemoryStore(), options: Partial<FileTransfersOptions> = {}, identity = spareIdentity()): FileSide {
  const side = { identity, id: identity.profileId, store, progress: [], errors: [] } as unknown as FileSide;
  side.transfers = new FileTransfers({
    store,
    session: () => (side.session?.closed ? undefined : side.session),
    conversationOf: (friendId) => `conversation-with-${friendId}`,
    maxFileSize: () => 1024 ** 3,
    onProgress: (p) => side.progress.push(p),
    onError: (e) => side.errors.push(e),
    onWarning: () => {},
    send: (session, type, value) => {
      if (!session || session.closed) return false;
      session.send(type, utf8(JSON.stringify(value)));
      return true;
    },
    ...options,
  });
  return side;
}

/**
 * Connects two sides over the loopback network through a real Noise session, routes file
 * frames to their FileTransfers and beats every 100 ms, as the engine does. Returns a
 * function that cuts the connection.
 */
export async function connect(a: FileSide, b: FileSide): Promise<() => void> {
  const [ca, cb] = await channelPair();
  const [sa, sb] = await Promise.all([
    SecureSession.establish(ca, { identity: a.identity, displayName: 'A' }),
    SecureSession.establish(cb, { identity: b.identity, displayName: 'B' }),
  ]);
  const beats: ReturnType<typeof setInterval>[] = [];
  for (const [side, session] of [
    [a, sa],
    [b, sb],
  ] as const) {
    side.session = session;
    session.onFrame((type, body) => void side.transfers.onFrame(session, type, body).catch((e) => side.errors.push(e)));
    beats.push(setInterval(() => void side.transfers.onBeat(session), 100));
    void side.transfers.onSession(session);
  }
  return () => {
    beats.forEach(clearInterval);
    sa.close();
    sb.close();
  };
}

/** `from` announces a file to `to` as the engine does when the manifest entry is stored on both sides. */
export async function offer(from: FileSide, to: FileSide, blob: Blob, name = 'file.bin'): Promise<{ id: string; manifest: FileManifest }> {
  const id = toHex(randomBytes(32));
  const manifest = await buildManifest(blob, name);
  await from.transfers.addOutgoing(to.id, id, blob, manifest);
  await to.transfers.addIncoming(from.id, id, manifest);
  return { id, manifest };
}

export function last(side: FileSide, id: string): FileProgress | undefined {
  return side.progress.filter((p) => p.messageId === id).at(-1);
}
