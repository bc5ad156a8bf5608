// Checks the layer order of src/ from the imports (docs/architecture.md, "Layers"): a file
// may import from its own layer or a lower one, never a higher one, and no files import
// each other in a cycle. Run by `npm test`; prints every violation and exits 1 if any.
// `node tools/check-layers.mjs DIR` checks another tree (the tool's own test does).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Lowest first. `root` is src/index.ts and src/friends-chat.ts. */
export const LAYERS = [
  ['util', 'model', 'errors', 'i18n'],
  ['crypto'],
  ['storage'],
  ['transport'],
  ['identity', 'session'],
  ['log'],
  ['files', 'mailbox'],
  ['core'],
  ['config'],
  ['app'],
  ['events'],
  ['elements'],
  ['root'],
];

const src = resolve(process.argv[2] ?? new URL('../src', import.meta.url).pathname);
const rank = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i])));

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function layerOf(file) {
  const rel = relative(src, file);
  const top = rel.includes('/') ? rel.split('/')[0] : rel.replace(/\.ts$/, '');
  return top === 'index' || top === 'friends-chat' ? 'root' : top;
}

const graph = new Map();
const problems = [];
for (const file of files(src)) {
  const text = readFileSync(file, 'utf8');
  const deps = [];
  if (!rank.has(layerOf(file))) problems.push(`${relative(src, file)}: folder "${layerOf(file)}" has no place in the layer order`);
  for (const match of text.matchAll(/(?:import|export)\s[^'";]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    const spec = match[1] ?? match[2];
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    deps.push(target);
    const from = layerOf(file);
    const to = layerOf(target);
    if (!rank.has(from)) continue;
    if (!rank.has(to)) problems.push(`${relative(src, file)} imports ${spec}: folder "${to}" has no place in the layer order`);
    else if (rank.get(to) > rank.get(from)) problems.push(`${relative(src, file)} (${from}) imports ${relative(src, target)} (${to}), a higher layer`);
  }
  graph.set(file, deps);
}

// Cycles between files: depth-first search with colours.
const state = new Map();
const stack = [];
function visit(file) {
  state.set(file, 'open');
  stack.push(file);
  for (const dep of graph.get(file) ?? []) {
    if (!graph.has(dep)) continue;
    if (state.get(dep) === 'open') {
      const cycle = stack.slice(stack.indexOf(dep)).concat(dep).map((f) => relative(src, f));
      problems.push(`import cycle: ${cycle.join(' → ')}`);
    } else if (!state.has(dep)) visit(dep);
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (problems.length) {
  console.error(`layer check: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`layer check: ${graph.size} files, layers in order, no cycles`);
