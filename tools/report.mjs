// Prints the bundle's SHA-256, SRI string and compressed sizes; writes dist/friends-chat.js.sha256.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const file = 'dist/friends-chat.js';
const bytes = readFileSync(file);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const sri = 'sha384-' + createHash('sha384').update(bytes).digest('base64');
const gzip = gzipSync(bytes, { level: 9 }).length;
const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
writeFileSync(`${file}.sha256`, `${sha256}  friends-chat.js\n`);
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const parts = JSON.parse(readFileSync('dist/bundle-report.json', 'utf8'));
const total = Object.values(parts).reduce((a, b) => a + b, 0);
console.log('share per package (rendered size before the final minify):');
for (const [name, size] of Object.entries(parts)) console.log(`  ${name.padEnd(24)} ${kb(size).padStart(9)}  ${((100 * size) / total).toFixed(1)} %`);
console.log(`${file}
  size    ${kb(bytes.length)} (${bytes.length} bytes)
  gzip    ${kb(gzip)} (${gzip} bytes)
  brotli  ${kb(brotli)} (${brotli} bytes)
  sha256  ${sha256}
  SRI     ${sri}`);
