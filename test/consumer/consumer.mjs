// The package as a TypeScript, React 19 or Vue 3 user gets it: `npm pack`, install the tarball
// into a temporary project, compile the fixtures. good.ts, good-react.tsx and Good.vue must
// compile; in bad.ts, bad-react.tsx and Bad.vue every line marked `expect TSxxxx: text` must
// fail with that error, and nothing else may. Run after `npm run build`; exits non-zero with
// the reason. Offline-safe: the tarball's dependencies come from npm's cache (`npm install`
// of this repository put them there); the compilers are this repository's, linked in.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = join(root, 'test/consumer/fixtures');
const work = mkdtempSync(join(tmpdir(), 'fc-consumer-'));
const LIMIT = 180_000; // every step is bounded; a hung npm or compiler fails the test

/** Runs a command; returns { ok, output } instead of throwing on a non-zero exit. */
function run(command, args, cwd) {
  try {
    return { ok: true, output: execFileSync(command, args, { cwd, encoding: 'utf8', timeout: LIMIT, stdio: 'pipe' }) };
  } catch (error) {
    if (error.code === 'ETIMEDOUT' || error.signal) throw new Error(`${command} ${args.join(' ')} timed out or was killed`);
    return { ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` };
  }
}

/** Times a step, so a slow machine shows where the time went. */
function step(name, fn) {
  const started = Date.now();
  try {
    return fn();
  } finally {
    console.log(`consumer: ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** `// expect TS2339: text` or `<!-- expect TS2339: text -->` marks the next line. */
function expectations(file) {
  const lines = readFileSync(join(work, file), 'utf8').split('\n');
  return lines.flatMap((line, i) => {
    const m = /expect (TS\d+): (.+?)\s*(?:-->)?$/.exec(line);
    return m ? [{ file, line: i + 2, code: m[1], text: m[2] }] : [];
  });
}

/** `file(line,col): error TSxxxx: message`, as tsc and vue-tsc print with `--pretty false`. */
function errorsOf(output) {
  return [...output.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+): (.+)$/gm)].map((m) => ({
    file: m[1],
    line: Number(m[2]),
    code: m[3],
    text: m[4],
  }));
}

function checkFails(label, result, files) {
  assert.equal(result.ok, false, `${label}: compiled, but must fail`);
  const errors = errorsOf(result.output);
  const expected = files.flatMap(expectations);
  assert.ok(expected.length > 0, `${label}: no expectations found`);
  for (const e of expected) {
    const hit = errors.find((x) => x.file === e.file && x.line === e.line && x.code === e.code && x.text.includes(e.text));
    assert.ok(hit, `${label}: expected ${e.code} "${e.text}" at ${e.file}:${e.line}; got:\n${result.output}`);
  }
  for (const x of errors) {
    const wanted = expected.some((e) => e.file === x.file && e.line === x.line);
    assert.ok(wanted, `${label}: unexpected error ${x.file}:${x.line} ${x.code} ${x.text}`);
  }
  console.log(`consumer: ${label} fails as it must (${expected.length} errors, each where and what expected)`);
}

function checkPasses(label, result) {
  assert.ok(result.ok, `${label}: must compile, but:\n${result.output}`);
  console.log(`consumer: ${label} compiles`);
}

function tsconfig(name, include) {
  const compilerOptions = {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'bundler',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    jsx: 'react-jsx',
    strict: true,
    noEmit: true,
    // The package's own .d.ts files are checked too, not only their use.
    skipLibCheck: false,
    types: [],
  };
  writeFileSync(join(work, name), JSON.stringify({ compilerOptions, include }, null, 2));
}

let failed = false;
try {
  assert.ok(existsSync(join(root, 'dist/friends-chat.d.ts')), 'dist/friends-chat.d.ts missing: run `npm run build` first');
  const packed = JSON.parse(step('npm pack', () => run('npm', ['pack', '--json', '--pack-destination', work], root)).output);
  const tarball = join(work, packed[0].filename);
  const shipped = packed[0].files.map((f) => f.path);
  for (const f of ['dist/friends-chat.js', 'dist/friends-chat.d.ts', 'dist/react.d.ts', 'dist/vue.d.ts', 'custom-elements.json', 'package.json']) {
    assert.ok(shipped.includes(f), `the tarball lacks ${f}`);
  }

  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const install = step('npm install', () =>
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', tarball], work),
  );
  assert.ok(install.ok, `installing the tarball failed:\n${install.output}`);
  // The compilers and framework types: this repository's, as a project would have its own.
  for (const name of ['typescript', 'vue-tsc', '@types/react', 'react', 'vue', '@vue', '@volar', 'csstype']) {
    const target = join(work, 'node_modules', name);
    if (!existsSync(target)) symlinkSync(join(root, 'node_modules', name), target);
  }
  for (const f of readdirSync(fixtures)) cpSync(join(fixtures, f), join(work, f));

  const tsc = join(work, 'node_modules/typescript/bin/tsc');
  const vueTsc = join(work, 'node_modules/vue-tsc/bin/vue-tsc.js');
  const compile = (compiler, config) => run(process.execPath, [compiler, '-p', config, '--pretty', 'false'], work);
  // Plain tsc for TypeScript and React users; vue-tsc (tsc with Vue's plugin) for the SFCs.
  tsconfig('tsconfig.good.json', ['good.ts', 'good-react.tsx']);
  checkPasses('TypeScript + React 19 (good.ts, good-react.tsx)', step('tsc', () => compile(tsc, 'tsconfig.good.json')));
  tsconfig('tsconfig.vue-good.json', ['Good.vue']);
  checkPasses('Vue 3 (Good.vue)', step('vue-tsc', () => compile(vueTsc, 'tsconfig.vue-good.json')));
  const bad = ['bad.ts', 'bad-react.tsx', 'Bad.vue'];
  tsconfig('tsconfig.bad.json', bad);
  checkFails('TypeScript, React 19, Vue 3 (bad.ts, bad-react.tsx, Bad.vue)', step('vue-tsc', () => compile(vueTsc, 'tsconfig.bad.json')), bad);
} catch (error) {
  failed = true;
  console.error('consumer: FAILED:', error.message);
} finally {
  if (process.env.FC_KEEP_CONSUMER) console.log(`consumer: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
