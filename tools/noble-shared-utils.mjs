// Rollup plugin: @noble/ciphers and @noble/hashes each ship a utils module, and several of
// their helpers (byte and number checks, typed-array views, wiping) are the same code. The
// bundle keeps one copy: each helper listed below leaves @noble/ciphers/utils.js and is
// imported from @noble/hashes/utils.js instead — but only when both modules define it with
// the same text (comments and layout aside), and so does every module-level name it uses;
// otherwise the build stops, so a noble release that changes one of them is looked at again.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const CIPHERS = /[\\/]@noble[\\/]ciphers[\\/]utils\.js$/;
const SHARED = ['isBytes', 'anumber', 'abytes', 'aexists', 'aoutput', 'u32', 'clean', 'createView', 'byteSwap', 'byteSwap32'];
const printer = ts.createPrinter({ removeComments: true });

/** Module-level declarations of a module by name, as printed text. */
function declarations(code) {
  const source = ts.createSourceFile('utils.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const byName = new Map();
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) byName.set(statement.name.text, { statement, text: printer.printNode(ts.EmitHint.Unspecified, statement, source) });
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) byName.set(d.name.text, { statement, text: printer.printNode(ts.EmitHint.Unspecified, d, source) });
    }
  }
  return { source, byName };
}

/** Identifiers a node uses. */
function usedNames(node, out = new Set()) {
  if (ts.isIdentifier(node)) out.add(node.text);
  ts.forEachChild(node, (child) => usedNames(child, out));
  return out;
}

export function shareNobleUtils(ciphersCode, hashesCode, hashesPath = '@noble/hashes/utils.js') {
  const ciphers = declarations(ciphersCode);
  const hashes = declarations(hashesCode);
  const cuts = [];
  for (const name of SHARED) {
    const own = ciphers.byName.get(name);
    const theirs = hashes.byName.get(name);
    if (!own || !theirs || own.text.replace(/^export /, '') !== theirs.text.replace(/^export /, '')) {
      throw new Error(`noble-shared-utils: ${name} is not the same in @noble/ciphers and @noble/hashes (noble changed?)`);
    }
    for (const used of usedNames(own.statement)) {
      if (used === name || !ciphers.byName.has(used)) continue;
      if (ciphers.byName.get(used).text.replace(/^export /, '') !== hashes.byName.get(used)?.text.replace(/^export /, '')) {
        throw new Error(`noble-shared-utils: ${name} uses ${used}, which differs between @noble/ciphers and @noble/hashes`);
      }
    }
    cuts.push([own.statement.getStart(ciphers.source), own.statement.getEnd()]);
  }
  let out = ciphersCode;
  for (const [start, end] of cuts.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + out.slice(end);
  return `import { ${SHARED.join(', ')} } from ${JSON.stringify(hashesPath)};\nexport { ${SHARED.join(', ')} };\n${out}`;
}

export function nobleSharedUtils() {
  const hashesUtils = fileURLToPath(new URL('../node_modules/@noble/hashes/utils.js', import.meta.url));
  return {
    name: 'friends-chat-noble-shared-utils',
    transform: (code, id) => (CIPHERS.test(id) ? { code: shareNobleUtils(code, readFileSync(hashesUtils, 'utf8'), hashesUtils), map: null } : null),
  };
}
