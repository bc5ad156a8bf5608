// Shared by the bundle's library trims (tools/u8-mqtt-slim.mjs, tools/lean-qr-slim.mjs): the
// bodies of methods friends-chat never reaches become one line that throws, so they leave the
// bundle and, should one ever be reached, it fails loudly. A class is found by a line only it
// contains, not by its (bundler-generated) name; every listed method must be found, or the
// library changed and the list must be looked at again.
import ts from 'typescript';

/**
 * The cuts ([start, end, replacement]) for `table`: `{ marker, methods }[]`, each method a
 * name (it throws) or `{ name, body }` (a replacement body, for methods called implicitly).
 */
export function deadMethodCuts(source, table, library) {
  const cuts = [];
  const visit = (node) => {
    if (ts.isClassLike(node)) {
      const text = node.getText(source);
      for (const { marker, methods } of table) {
        if (!text.includes(marker)) continue;
        for (const member of node.members) {
          if (!ts.isMethodDeclaration(member) || !member.body) continue;
          const name = member.name.getText(source);
          const dead = methods.find((m) => (typeof m === 'string' ? m : m.name) === name);
          if (!dead) continue;
          const body = typeof dead === 'string' ? `{ throw new Error('friends-chat does not use ${library} ${name}'); }` : dead.body;
          cuts.push([member.body.getStart(source), member.body.getEnd(), body]);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const expected = table.reduce((sum, { methods }) => sum + methods.length, 0);
  if (cuts.length !== expected) throw new Error(`${library}: expected ${expected} methods to drop, found ${cuts.length} (${library} changed?)`);
  return cuts;
}

/** `code` with the cuts applied (they must not overlap). */
export function applyCuts(code, cuts) {
  let out = code;
  for (const [start, end, text] of [...cuts].sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + text + out.slice(end);
  return out;
}
