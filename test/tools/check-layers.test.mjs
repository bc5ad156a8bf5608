// The layer check must pass on src/ and must fail on a tree that breaks the order.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const tool = new URL('../../tools/check-layers.mjs', import.meta.url).pathname;
const run = (dir) => spawnSync(process.execPath, dir ? [tool, dir] : [tool], { encoding: 'utf8' });

function tree(files) {
  const dir = mkdtempSync(join(tmpdir(), 'fc-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

test('src/ keeps the layer order', () => {
  const result = run();
  assert.equal(result.status, 0, result.stderr);
});

test('an import from a lower layer to a higher one fails', () => {
  const dir = tree({ 'core/a.ts': "export const a = 1;\n", 'transport/b.ts': "import { a } from '../core/a.js';\nexport const b = a;\n" });
  const result = run(dir);
  rmSync(dir, { recursive: true });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /transport\/b\.ts \(transport\) imports core\/a\.ts \(core\), a higher layer/);
});

test('a cycle fails, and so does a folder with no place in the order', () => {
  const dir = tree({
    'core/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
    'core/b.ts': "import { a } from './a.js';\nexport const b = a;\n",
    'gadgets/c.ts': 'export const c = 1;\n',
  });
  const result = run(dir);
  rmSync(dir, { recursive: true });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /import cycle: core\/a\.ts → core\/b\.ts → core\/a\.ts/);
  assert.match(result.stderr, /folder "gadgets" has no place/);
});
