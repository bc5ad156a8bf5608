// The SHA-2 tables computed at load time must give the very hashes of the shipped tables.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeSha2Tables, installedModule } from '../../tools/sha2-constants.mjs';

test('sha256 with computed constants matches node:crypto', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fc-sha2-'));
  try {
    cpSync(new URL('../../node_modules/@noble/hashes/', import.meta.url), dir, { recursive: true });
    writeFileSync(join(dir, 'roots.js'), (await import('../../tools/sha2-constants.mjs')).ROOTS_SOURCE);
    for (const file of ['sha2.js', '_md.js']) {
      const code = computeSha2Tables(installedModule(file), file).replace('"\\u0000friends-chat:sha2-roots"', '"./roots.js"');
      assert.doesNotMatch(code, /0x428a2f98, 0x71374491|0x6a09e667, 0xbb67ae85/, `${file} still ships its SHA-256 table`);
      writeFileSync(join(dir, file), code);
    }
    const { sha256 } = await import(pathToFileURL(join(dir, 'sha2.js')).href);
    for (const input of ['', 'abc', 'x'.repeat(1000)]) {
      const bytes = new TextEncoder().encode(input);
      assert.equal(Buffer.from(sha256(bytes)).toString('hex'), createHash('sha256').update(bytes).digest('hex'));
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a table that the computation does not reproduce fails the build', () => {
  const altered = installedModule('sha2.js').replace('0x428a2f98,', '0x428a2f99,');
  assert.notEqual(altered, installedModule('sha2.js'));
  assert.throws(() => computeSha2Tables(altered, 'sha2.js'), /computed SHA256_K differs/);
});
