import { fromUtf8, utf8 } from '../util/bytes.js';
import { SchemaError, type Check } from './schema.js';

/**
 * Frame codec: 1 type byte + body. JSON bodies are checked against an explicit schema;
 * binary bodies (file chunks) are passed through. Sizes are checked before anything is
 * decoded. Unknown types decode to `null` and are ignored by the caller.
 */
export const FrameType = {
  Ping: 0x01,
  Pong: 0x02,
  Close: 0x03,
  FriendRequest: 0x10,
  FriendAccept: 0x11,
  FriendDecline: 0x12,
  Heads: 0x20,
  Entries: 0x21,
  Receipt: 0x22,
  Typing: 0x23,
  Want: 0x24,
  FileChunk: 0x30,
  FileWant: 0x31,
  FileCancel: 0x32,
  GroupHeads: 0x40,
  GroupEntries: 0x41,
  Status: 0x50,
} as const;
export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

/** The largest decoded frame (a message of 64 KiB text plus its signed envelope fits). */
export const MAX_FRAME = 256 * 1024;

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

export function encodeFrame(type: number, body: Uint8Array): Uint8Array {
  if (!Number.isInteger(type) || type < 0 || type > 255) throw new FrameError('frame type must be a byte');
  if (body.length + 1 > MAX_FRAME) throw new FrameError('frame too large');
  const out = new Uint8Array(body.length + 1);
  out[0] = type;
  out.set(body, 1);
  return out;
}

export function encodeJsonFrame(type: number, value: unknown): Uint8Array {
  return encodeFrame(type, utf8(JSON.stringify(value)));
}

export function decodeFrame(bytes: Uint8Array): { type: number; body: Uint8Array } {
  if (!(bytes instanceof Uint8Array) || bytes.length < 1) throw new FrameError('empty frame');
  if (bytes.length > MAX_FRAME) throw new FrameError('frame too large');
  return { type: bytes[0]!, body: bytes.subarray(1) };
}

/** Decodes and checks a JSON body; any failure is a `FrameError` (the peer sent garbage). */
export function decodeJsonBody<T>(body: Uint8Array, check: Check<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(body));
  } catch {
    throw new FrameError('body is not UTF-8 JSON');
  }
  try {
    return check(value, '');
  } catch (error) {
    throw new FrameError(error instanceof SchemaError ? error.message : 'body failed its schema');
  }
}
