// Prints the bundle's SHA-256, SRI string and compressed sizes; writes dist/friends-chat.js.sha256.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { SourceMapConsumer } from 'source-map-js';

const file = 'dist/friends-chat.js';
const bytes = readFileSync(file);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const sri = 'sha384-' + createHash('sha384').update(bytes).digest('base64');
const gzip = gzipSync(bytes, { level: 9 }).length;
const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
writeFileSync(`${file}.sha256`, `${sha256}  friends-chat.js\n`);
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;

/** Minified bytes per package, from the source map: each mapped span belongs to its source's package. */
function sharesFromSourceMap() {
  const map = new SourceMapConsumer(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
  const lines = bytes.toString('utf8').split('\n');
  const sizes = {};
  let previous = null;
  const flush = (end) => {
    if (!previous) return;
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(previous.source ?? '');
    const key = previous.source ? (match ? match[1] : 'friends-chat (src)') : '(unmapped)';
    sizes[key] = (sizes[key] ?? 0) + Math.max(0, end - previous.generatedColumn);
  };
  map.eachMapping((m) => {
    if (previous && previous.generatedLine === m.generatedLine) flush(m.generatedColumn);
    else if (previous) flush(lines[previous.generatedLine - 1].length);
    previous = m;
  });
  if (previous) flush(lines[previous.generatedLine - 1].length);
  return Object.entries(sizes).sort((a, b) => b[1] - a[1]);
}

const shares = sharesFromSourceMap();
const mapped = shares.reduce((sum, [, size]) => sum + size, 0);
writeFileSync('dist/bundle-report.json', JSON.stringify(Object.fromEntries(shares), null, 2) + '\n');
console.log('share per package (minified bytes, from the source map; gzip share estimated in proportion):');
for (const [name, size] of shares) {
  console.log(`  ${name.padEnd(24)} ${kb(size).padStart(9)}  ${((100 * size) / mapped).toFixed(1).padStart(5)} %  ≈ ${kb((gzip * size) / mapped).padStart(8)} gzip`);
}
console.log(`${file}
  size    ${kb(bytes.length)} (${bytes.length} bytes)
  gzip    ${kb(gzip)} (${gzip} bytes)
  brotli  ${kb(brotli)} (${brotli} bytes)
  sha256  ${sha256}
  SRI     ${sri}`);
