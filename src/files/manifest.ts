import { sha256Async, sha256Stream } from '../crypto/index.js';
import { FriendsChatError } from '../errors.js';
import { int, obj, str, type Check } from '../session/schema.js';
import { fromBase64Url, toBase64Url, toHex } from '../util/bytes.js';

/**
 * A file travels as a manifest entry in the conversation log plus its bytes in chunks.
 * A chunk is the unit that is hashed, stored and asked for again; on the wire it is cut
 * into pieces of at most 16 KiB. Chunk sizes are powers of two chosen so that no file
 * has more than MAX_CHUNKS, which keeps a manifest of any allowed size well inside one
 * log entry (1,024 hashes ≈ 43 KB of base64).
 */
export const MIN_CHUNK = 64 * 1024;
export const MAX_CHUNK = 4 * 1024 * 1024;
export const MAX_CHUNKS = 1024;
/** The largest file any friend may announce: MAX_CHUNKS chunks of MAX_CHUNK. */
export const MAX_FILE_SIZE = MAX_CHUNKS * MAX_CHUNK;
export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024 * 1024;
const READ_SIZE = 4 * 1024 * 1024;
/** Files up to this size are hashed whole through WebCrypto (fast); larger ones stream. */
export const HASH_IN_ONE_GO = 64 * 1024 * 1024;
const MAX_NAME = 255;

export interface FileManifest {
  v: 1;
  name: string;
  size: number;
  /** The MIME type the sender's browser reported; never trusted for rendering. */
  type: string;
  /** SHA-256 of the whole file, hex. */
  sha256: string;
  chunkSize: number;
  /** SHA-256 of every chunk, concatenated, base64url. */
  chunks: string;
}

export function chunkSizeFor(size: number): number {
  let chunk = MIN_CHUNK;
  while (chunk * MAX_CHUNKS < size && chunk < MAX_CHUNK) chunk *= 2;
  return chunk;
}

export function chunkCount(manifest: Pick<FileManifest, 'size' | 'chunkSize'>): number {
  return Math.ceil(manifest.size / manifest.chunkSize);
}

/** Byte length of chunk `index` (the last one may be short). */
export function chunkLength(manifest: Pick<FileManifest, 'size' | 'chunkSize'>, index: number): number {
  return Math.min(manifest.chunkSize, manifest.size - index * manifest.chunkSize);
}

/** All chunk hashes, decoded once; chunk `i`'s hash is bytes 32i..32i+32. */
export function chunkHashes(manifest: FileManifest): Uint8Array {
  return fromBase64Url(manifest.chunks);
}

export const HASH_BYTES = 32;

/** Reads the blob slice by slice and hashes every chunk and the whole. */
export async function buildManifest(blob: Blob, name: string, onProgress?: (bytes: number) => void): Promise<FileManifest> {
  const size = blob.size;
  const chunkSize = chunkSizeFor(size);
  const count = Math.ceil(size / chunkSize);
  const hashes = new Uint8Array(count * HASH_BYTES);
  const small = size <= HASH_IN_ONE_GO;
  const whole = sha256Stream();
  // Read several chunks at a time: every Blob read has a fixed cost of milliseconds.
  const perRead = Math.max(1, Math.floor(READ_SIZE / chunkSize));
  for (let first = 0; first < count; first += perRead) {
    const window = new Uint8Array(await blob.slice(first * chunkSize, (first + perRead) * chunkSize).arrayBuffer());
    if (!small) whole.update(window);
    for (let index = first; index < Math.min(count, first + perRead); index++) {
      const offset = (index - first) * chunkSize;
      hashes.set(await sha256Async(window.subarray(offset, offset + chunkSize)), index * HASH_BYTES);
    }
    onProgress?.(first * chunkSize + window.length);
  }
  return {
    v: 1,
    name: safeFileName(name),
    size,
    type: safeMime(blob.type),
    sha256: toHex(small ? await sha256Async(new Uint8Array(await blob.arrayBuffer())) : whole.digest()),
    chunkSize,
    chunks: toBase64Url(hashes),
  };
}

const manifestShape = obj({
  v: int(1, 1),
  name: str({ min: 1, max: MAX_NAME }),
  size: int(0, MAX_FILE_SIZE),
  type: str({ max: 127 }),
  sha256: str({ min: 64, max: 64, pattern: /^[0-9a-f]*$/ }),
  chunkSize: int(MIN_CHUNK, MAX_CHUNK),
  chunks: str({ max: Math.ceil((MAX_CHUNKS * HASH_BYTES * 4) / 3), pattern: /^[A-Za-z0-9_-]*$/ }),
}) as Check<FileManifest>;

/**
 * Parses and checks a manifest body from a peer: the shape, a power-of-two chunk size, and
 * sizes that add up (as many hashes as chunks). Throws a message saying what is wrong.
 */
export function parseManifest(body: string): FileManifest {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new Error('manifest is not JSON');
  }
  const manifest = manifestShape(value, 'manifest');
  if ((manifest.chunkSize & (manifest.chunkSize - 1)) !== 0) throw new Error('manifest chunk size is not a power of two');
  const count = chunkCount(manifest);
  if (count > MAX_CHUNKS) throw new Error('manifest has too many chunks');
  let hashes: Uint8Array;
  try {
    hashes = fromBase64Url(manifest.chunks);
  } catch {
    throw new Error('manifest chunk hashes are malformed');
  }
  if (hashes.length !== count * HASH_BYTES) throw new Error('manifest sizes do not add up');
  if (safeFileName(manifest.name) !== manifest.name) throw new Error('manifest file name is unsafe');
  return manifest;
}

export function encodeManifest(manifest: FileManifest): string {
  return JSON.stringify(manifest);
}

// ---- names and types --------------------------------------------------------------------

/** Bidi controls, other invisible format characters and C0/C1 controls. */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const MAX_SHOWN_NAME = 120;

/**
 * A file name safe to show and to save under: no path (only the last segment), no
 * control or bidi characters, no leading dots or spaces, at most 120 characters with the
 * extension kept.
 */
export function safeFileName(name: string): string {
  let clean = String(name ?? '')
    .replace(UNSAFE_CHARS, '')
    .split(/[/\\]/)
    .pop()!
    .replace(/^[.\s]+/, '')
    .trim();
  if (clean.length > MAX_SHOWN_NAME) {
    const dot = clean.lastIndexOf('.');
    const ext = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
    clean = `${clean.slice(0, MAX_SHOWN_NAME - ext.length - 1)}…${ext}`;
  }
  return clean || 'file';
}

function safeMime(type: string): string {
  const lower = String(type ?? '').toLowerCase();
  return /^[a-z0-9.+-]{1,40}\/[a-z0-9.+-]{1,80}$/.test(lower) ? lower : 'application/octet-stream';
}

export type MediaKind = 'image' | 'video';

/**
 * What the bytes really are, for the types shown inline; null for everything else (SVG,
 * HTML and any other type are offered as a download, never rendered).
 */
export function sniffMedia(head: Uint8Array): { kind: MediaKind; type: string } | null {
  const at = (offset: number, ...bytes: number[]): boolean => bytes.every((b, i) => head[offset + i] === b);
  const ascii = (offset: number, text: string): boolean => [...text].every((c, i) => head[offset + i] === c.charCodeAt(0));
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return { kind: 'image', type: 'image/png' };
  if (at(0, 0xff, 0xd8, 0xff)) return { kind: 'image', type: 'image/jpeg' };
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return { kind: 'image', type: 'image/gif' };
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return { kind: 'image', type: 'image/webp' };
  if (at(0, 0x1a, 0x45, 0xdf, 0xa3)) return { kind: 'video', type: 'video/webm' };
  if (ascii(4, 'ftyp')) return { kind: 'video', type: 'video/mp4' };
  return null;
}

export function checkFileSize(size: number, max: number): void {
  if (size > max) {
    throw new FriendsChatError('file-too-large', `the file is ${formatBytes(size)}; at most ${formatBytes(max)} can be sent`);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
