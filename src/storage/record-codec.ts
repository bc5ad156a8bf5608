/**
 * The plaintext of a sealed record (docs/storage-lock.md): a structured-clone value as
 * `u32 length ‖ JSON ‖ bytes ‖ zero padding`. Byte arrays and Blobs leave the JSON as a
 * `{"\u0000": kind, o: offset, l: length}` reference into the bytes, so a 16 KiB chunk costs
 * no base64; an object that really has a "\u0000" key is written as its entry list. The total
 * is padded to a Padmé bucket (at most ~12 % more), so sizes show little beyond their scale.
 */
const TAG = '\u0000';
const MIN = 256;

type Tree = null | boolean | number | string | Tree[] | { [key: string]: Tree };

export async function encodeRecord(value: unknown): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const bytes = (kind: string, data: Uint8Array, extra: object = {}): Tree => {
    parts.push(data);
    offset += data.length;
    return { [TAG]: kind, o: offset - data.length, l: data.length, ...extra } as Tree;
  };
  const walk = async (v: unknown): Promise<Tree> => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : { [TAG]: 'n', v: String(v) };
    if (v === undefined) return { [TAG]: 'u' };
    if (v instanceof Uint8Array) return bytes('b', v);
    if (v instanceof ArrayBuffer) return bytes('a', new Uint8Array(v));
    if (v instanceof Blob) return bytes('B', new Uint8Array(await v.arrayBuffer()), { t: v.type });
    if (Array.isArray(v)) {
      const out: Tree[] = [];
      for (const item of v) out.push(await walk(item));
      return out;
    }
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const entries: [string, Tree][] = [];
      for (const [k, item] of Object.entries(v)) entries.push([k, await walk(item)]);
      return TAG in v ? { [TAG]: 'o', v: entries } : Object.fromEntries(entries);
    }
    throw new TypeError(`a ${Object.prototype.toString.call(v)} cannot be stored`);
  };
  const json = new TextEncoder().encode(JSON.stringify(await walk(value)));
  const length = 4 + json.length + offset;
  const out = new Uint8Array(padme(length));
  new DataView(out.buffer).setUint32(0, json.length);
  out.set(json, 4);
  let at = 4 + json.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Throws on anything that is not what `encodeRecord` writes. */
export function decodeRecord(data: Uint8Array): unknown {
  const length = data.length >= 4 ? new DataView(data.buffer, data.byteOffset, data.length).getUint32(0) : -1;
  if (length < 0 || 4 + length > data.length) throw new RangeError('bad record');
  const base = 4 + length;
  const slice = (t: Record<string, unknown>): Uint8Array => {
    const o = t.o as number;
    const l = t.l as number;
    if (!Number.isSafeInteger(o) || !Number.isSafeInteger(l) || o < 0 || l < 0 || base + o + l > data.length) throw new RangeError('bad record');
    return data.slice(base + o, base + o + l);
  };
  const revive = (t: Tree): unknown => {
    if (t === null || typeof t !== 'object') return t;
    if (Array.isArray(t)) return t.map(revive);
    if (!(TAG in t)) return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, revive(v)]));
    switch (t[TAG]) {
      case 'u': return undefined;
      case 'n': return Number(t.v);
      case 'b': return slice(t);
      case 'a': return slice(t).buffer;
      case 'B': return new Blob([slice(t) as Uint8Array<ArrayBuffer>], { type: String(t.t ?? '') });
      case 'o': return Object.fromEntries((t.v as [string, Tree][]).map(([k, v]) => [k, revive(v)]));
      default: throw new RangeError('bad record');
    }
  };
  return revive(JSON.parse(new TextDecoder().decode(data.subarray(4, base))) as Tree);
}

/** Padmé: round up so only the top bits of the length remain (MIN bytes at least). */
export function padme(length: number): number {
  const n = Math.max(length, MIN);
  const e = Math.floor(Math.log2(n));
  const s = Math.floor(Math.log2(e)) + 1;
  const step = 2 ** (e - s);
  return Math.ceil(n / step) * step;
}
