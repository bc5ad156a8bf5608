// Rollup plugin: the SHA-256 constants of @noble/hashes are computed when the bundle loads
// instead of being shipped as hex digits that do not compress. (SHA-512 left the bundle with
// @noble/curves: Ed25519 is WebCrypto's now, so its tables are no longer touched.)
// They are defined (FIPS 180-4 §4.2.2, §5.3.3) as the first bits of
// the fractional parts of the cube roots (round constants) and square roots (initial hash
// values) of the first primes, so a few lines of BigInt arithmetic give the same words.
// The build computes them here with the very same function and fails unless every word
// equals the table it replaces, so a wrong constant can never reach the bundle.
import { readFileSync } from 'node:fs';

const ROOTS_ID = '\0friends-chat:sha2-roots';

/** Runs in the page as written (a virtual module of the bundle) and here at build time. */
export const ROOTS_SOURCE = `/** The first 64 bits of the fractional parts of the k-th roots of the first n primes. */
export function roots(k, n) {
  const K = BigInt(k);
  const out = [];
  for (let p = 2n; out.length < n; p++) {
    let prime = true;
    for (let d = 2n; d * d <= p; d++) if (p % d === 0n) prime = false;
    if (!prime) continue;
    const x = p << (64n * K);
    let r = 1n << (BigInt(x.toString(2).length) / K + 1n);
    for (;;) {
      const next = ((K - 1n) * r + x / r ** (K - 1n)) / K;
      if (next >= r) break;
      r = next;
    }
    out.push(r & 0xffffffffffffffffn);
  }
  return out;
}
`;

const { roots } = await import(`data:text/javascript,${encodeURIComponent(ROOTS_SOURCE)}`);
const high = (words) => words.map((n) => Number(n >> 32n));

/** Each table: where it stands, what replaces it, and the words that replacement gives. */
const TABLES = {
  'sha2.js': [
    {
      name: 'SHA256_K',
      pattern: /(const SHA256_K = \/\* @__PURE__ \*\/ )Uint32Array\.from\(\[([^\]]*)\]\)/,
      code: 'Uint32Array.from(roots(3, 64), (n) => Number(n >> 32n))',
      words: () => high(roots(3, 64)),
      parse: (text) => text.match(/0x[0-9a-f]+/g).map(Number),
    },
  ],
  '_md.js': [
    {
      name: 'SHA256_IV',
      pattern: /(export const SHA256_IV = \/\* @__PURE__ \*\/ )Uint32Array\.from\(\[([^\]]*)\]\)/,
      code: 'Uint32Array.from(roots(2, 8), (n) => Number(n >> 32n))',
      words: () => high(roots(2, 8)),
      parse: (text) => text.match(/0x[0-9a-f]+/g).map(Number),
    },
  ],
};

const MODULE = /[\\/]@noble[\\/]hashes[\\/](sha2\.js|_md\.js)$/;

/** The module with its tables replaced; throws unless each computed table equals the shipped one. */
export function computeSha2Tables(code, file) {
  let out = code;
  for (const table of TABLES[file]) {
    const match = table.pattern.exec(out);
    if (!match) throw new Error(`sha2-constants: ${table.name} not found in @noble/hashes/${file} (noble changed?)`);
    const shipped = table.parse(match[2]);
    const computed = table.words();
    if (shipped.length !== computed.length || shipped.some((word, i) => word !== computed[i])) {
      throw new Error(`sha2-constants: the computed ${table.name} differs from @noble/hashes/${file}`);
    }
    out = out.replace(match[0], match[1] + table.code);
  }
  return `import { roots } from ${JSON.stringify(ROOTS_ID)};\n${out}`;
}

export function sha2Constants() {
  return {
    name: 'friends-chat-sha2-constants',
    resolveId: (source) => (source === ROOTS_ID ? ROOTS_ID : null),
    load: (id) => (id === ROOTS_ID ? ROOTS_SOURCE : null),
    transform(code, id) {
      const match = MODULE.exec(id);
      return match ? { code: computeSha2Tables(code, match[1]), map: null } : null;
    },
  };
}

/** For the tool's own test: the module as installed. */
export function installedModule(file) {
  return readFileSync(new URL(`../node_modules/@noble/hashes/${file}`, import.meta.url), 'utf8');
}
