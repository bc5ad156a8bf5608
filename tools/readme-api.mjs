// Writes the API tables in README.md from custom-elements.json (between the api markers).
// `--check` fails instead of writing when the README is out of date (part of `npm test`).
import { readFileSync, writeFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'friends-chat');
const cell = (text = '') => String(text).replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

const members = new Map((element.members ?? []).map((m) => [m.name, m]));
const attributes = table(
  ['attribute', 'property', 'default', 'meaning'],
  element.attributes.map((a) => [`\`${a.name}\``, `\`${a.fieldName}\``, members.get(a.fieldName)?.default ?? '', members.get(a.fieldName)?.description ?? a.description ?? '']),
);
const methods = table(
  ['method', 'what it does'],
  (element.members ?? []).filter((m) => m.kind === 'method' && m.privacy !== 'private' && !m.static && !/^(render|connectedCallback|disconnectedCallback|willUpdate|updated)$/.test(m.name)).map((m) => [`\`${m.name}(${(m.parameters ?? []).map((p) => p.name).join(', ')})\``, m.description ?? '']),
);
const readonly = table(
  ['read-only property', 'what'],
  (element.members ?? []).filter((m) => m.kind === 'field' && m.readonly && !m.static && m.privacy !== 'private').map((m) => [`\`${m.name}\``, m.description ?? '']),
);
const events = table(['event', 'when'], (element.events ?? []).map((e) => [`\`${e.name}\``, e.description ?? '']));
const parts = table(['part', 'what'], (element.cssParts ?? []).map((p) => [`\`${p.name}\``, p.description ?? '']));
const props = table(['custom property', 'what'], (element.cssProperties ?? []).map((p) => [`\`${p.name}\``, p.description ?? '']));

const generated = `<!-- api:start (generated from custom-elements.json by tools/readme-api.mjs) -->
#### Attributes and properties

${attributes}

#### Read-only properties

${readonly}

#### Methods (all return promises that reject with a \`FriendsChatError\`)

${methods}

#### Events

${events}

#### Styling: parts

${parts}

#### Styling: custom properties

${props}
<!-- api:end -->`;

const readme = readFileSync('README.md', 'utf8');
const next = readme.replace(/<!-- api:start[\s\S]*?<!-- api:end -->/, generated);
if (!/<!-- api:start/.test(readme)) throw new Error('README.md has no api markers');
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error('README.md API tables are out of date: run `npm run analyze`.');
    process.exit(1);
  }
  console.log('README.md API tables are current');
} else {
  writeFileSync('README.md', next);
}
