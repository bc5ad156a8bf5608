// Fails when dist/friends-chat.d.ts (or the framework typings) is stale or incomplete: older
// than a source file, missing an export of src/index.ts, the tag, an event of
// custom-elements.json, or importing anything but `lit`. (That it compiles, strict and
// with skipLibCheck off, is what test/consumer/consumer.mjs checks.)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const problems = [];
const dts = 'dist/friends-chat.d.ts';
const typings = [dts, 'dist/react.d.ts', 'dist/vue.d.ts'];
const text = readFileSync(dts, 'utf8');

const sources = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : [join(dir, e.name)]));
const newest = Math.max(...[...sources('src'), 'custom-elements.json'].map((f) => statSync(f).mtimeMs));
for (const f of typings) if (statSync(f).mtimeMs < newest) problems.push(`${f} is older than the sources: run \`npm run build\``);

/** Names in `export { a, b as c }` / `export type { … }` statements. */
const exported = (source) =>
  new Set([...source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()).filter(Boolean)));
const declared = exported(text);
for (const name of exported(readFileSync('src/index.ts', 'utf8'))) if (!declared.has(name)) problems.push(`${dts} does not export ${name}`);

const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'friends-chat');
if (!/interface HTMLElementTagNameMap \{\s*'friends-chat': FriendsChatElement;/.test(text)) problems.push(`${dts} lacks HTMLElementTagNameMap['friends-chat']`);
for (const { name } of element?.events ?? []) {
  if (!new RegExp(`interface HTMLElementEventMap \\{\\s*'${name}': \\w+;`).test(text)) problems.push(`${dts} lacks HTMLElementEventMap['${name}']`);
}
for (const m of text.matchAll(/^import .* from '([^']+)';$/gm)) if (m[1] !== 'lit') problems.push(`${dts} imports ${m[1]}, which a consumer need not have`);

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`${dts}: current, ${declared.size} exports, the tag and ${element.events.length} events`);
