import { arr, bool, int, obj, str } from '../session/schema.js';
import { FRAGMENT_SIZE } from '../session/secure-session.js';
import { fromHex, toHex } from '../util/bytes.js';
import { MAX_CHUNKS, MAX_FILE_SIZE } from './manifest.js';

/**
 * The three file frames (docs/files.md): `FileWant` and `FileCancel` are JSON, `FileChunk`
 * is binary — a 40-byte header (file ID, chunk index, offset in the chunk) and the bytes.
 */

/** The wire piece header: file ID, chunk index, offset in the chunk. */
export const PIECE_HEADER = 32 + 4 + 4;
/** Piece payload: the frame (type byte, header, data) fits exactly one ≤ 16 KiB wire message. */
export const PIECE_SIZE = FRAGMENT_SIZE - 1 - PIECE_HEADER;

const fileId = str({ min: 64, max: 64, pattern: /^[0-9a-f]*$/ });

/**
 * `want`: chunk ranges [from, to) to send next; `reset`: forget what was queued before (a
 * new session, or lost pieces); `have`: bytes the receiver holds, stored (all = done).
 */
export const wantFrame = obj({
  file: fileId,
  want: arr(arr(int(0, MAX_CHUNKS), 2), 256),
  reset: bool,
  have: int(0, MAX_FILE_SIZE),
});
export const cancelFrame = obj({ file: fileId, reason: str({ max: 100 }) });

export interface FileWant {
  want: number[][];
  reset: boolean;
  have: number;
}

export interface Piece {
  file: string;
  index: number;
  offset: number;
  data: Uint8Array;
}

/** A `FileChunk` frame body: file ID (32 bytes), chunk index and offset (u32 each), bytes. */
export function encodePiece(file: string, index: number, offset: number, data: Uint8Array): Uint8Array {
  const body = new Uint8Array(PIECE_HEADER + data.length);
  body.set(fromHex(file), 0);
  const view = new DataView(body.buffer);
  view.setUint32(32, index);
  view.setUint32(36, offset);
  body.set(data, PIECE_HEADER);
  return body;
}

/** Reads a `FileChunk` body; throws on a wrong length (the engine closes such a session). */
export function decodePiece(body: Uint8Array): Piece {
  if (body.length < PIECE_HEADER || body.length > PIECE_HEADER + PIECE_SIZE) throw new Error('bad file piece');
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  return { file: toHex(body.subarray(0, 32)), index: view.getUint32(32), offset: view.getUint32(36), data: body.subarray(PIECE_HEADER) };
}
