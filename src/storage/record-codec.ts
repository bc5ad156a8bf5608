/**
 * The plaintext of a sealed record (docs/storage-lock.md): a structured-clone value as
 * `u32 length ‖ JSON ‖ bytes ‖ zero padding`. Byte arrays and Blobs leave the JSON as a
 * `{"\u0000": kind, o: offset, l: length}` reference into the bytes, so a 16 KiB chunk costs
 * no base64; an object that really has a "\u0000" key is written as its entry list. Values
 * are plain data: objects, arrays, strings, numbers, booleans, null, Uint8Array and Blob (a
 * property that is undefined is left out, as JSON does). The total is padded to a Padmé
 * bucket (at most ~12 % more), so a size shows little beyond its order of magnitude.
 */
const T = '\u0000';

export async function encodeRecord(value: unknown): Promise<Uint8Array> {
  const parts: (Uint8Array | Blob)[] = [];
  let size = 0;
  const json = new TextEncoder().encode(
    JSON.stringify(value, (_, v: unknown) => {
      const blob = v instanceof Blob;
      if (blob || v instanceof Uint8Array) {
        parts.push(v);
        size += blob ? v.size : v.length;
        return { [T]: blob ? 'B' : 'b', o: size - (blob ? v.size : v.length), l: blob ? v.size : v.length, t: blob ? v.type : undefined };
      }
      if (typeof v === 'number' && !Number.isFinite(v)) return { [T]: 'n', v: String(v) };
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Object.prototype) throw new TypeError('only plain data can be stored');
        if (T in v) return { [T]: 'o', v: Object.entries(v) };
      }
      return v;
    }) ?? 'null',
  );
  const out = new Uint8Array(padme(4 + json.length + size));
  new DataView(out.buffer).setUint32(0, json.length);
  out.set(json, 4);
  let at = 4 + json.length;
  for (const part of parts) {
    const bytes = part instanceof Blob ? new Uint8Array(await part.arrayBuffer()) : part;
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** Throws on anything that is not what `encodeRecord` writes. */
export function decodeRecord(data: Uint8Array): unknown {
  const base = 4 + new DataView(data.buffer, data.byteOffset, data.length).getUint32(0);
  if (base > data.length) throw new RangeError('bad record');
  return JSON.parse(new TextDecoder().decode(data.subarray(4, base)), (_, t) => {
    if (!t || typeof t !== 'object' || !(T in t)) return t;
    const kind = t[T];
    if (kind === 'n') return Number(t.v);
    if (kind === 'o') return Object.fromEntries(t.v);
    const { o, l } = t;
    if ((kind !== 'b' && kind !== 'B') || !Number.isSafeInteger(o) || !Number.isSafeInteger(l) || o < 0 || l < 0 || base + o + l > data.length) throw new RangeError('bad record');
    const bytes = data.slice(base + o, base + o + l);
    return kind === 'b' ? bytes : new Blob([bytes], { type: String(t.t ?? '') });
  });
}

/** Padmé: round up so only the top bits of the length remain (256 bytes at least). */
export function padme(length: number): number {
  const n = Math.max(length, 256);
  const e = Math.floor(Math.log2(n));
  const step = 2 ** (e - Math.floor(Math.log2(e)) - 1);
  return Math.ceil(n / step) * step;
}
