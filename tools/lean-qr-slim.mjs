// Rollup plugin: lean-qr's code object without its canvas drawing. The QR element
// (src/elements/qr-code.ts) draws the code as an SVG path from `size` and `get`; the object's
// `toCanvas` and the image-data helper behind it never run. Both must be found, or lean-qr
// changed and this must be looked at again.
import ts from 'typescript';
import { applyCuts } from './dead-methods.mjs';

const LEAN_QR = /[\\/]lean-qr[\\/]nano\.mjs$/;
const DEAD = ['toCanvas', 'u'];

export function dropLeanQrCanvas(code) {
  const source = ts.createSourceFile('nano.mjs', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const cuts = [];
  const visit = (node) => {
    if (ts.isObjectLiteralExpression(node) && node.properties.some((p) => p.name?.getText(source) === 'toCanvas')) {
      for (const property of node.properties) {
        if (!ts.isMethodDeclaration(property) || !DEAD.includes(property.name.getText(source))) continue;
        // The property and the comma after it.
        const end = code[property.getEnd()] === ',' ? property.getEnd() + 1 : property.getEnd();
        cuts.push([property.getStart(source), end, '']);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (cuts.length !== DEAD.length) throw new Error(`lean-qr-slim: expected ${DEAD.join(' and ')}, found ${cuts.length} (lean-qr changed?)`);
  return applyCuts(code, cuts);
}

export function leanQrSlim() {
  return {
    name: 'friends-chat-lean-qr-slim',
    transform: (code, id) => (LEAN_QR.test(id) ? { code: dropLeanQrCanvas(code), map: null } : null),
  };
}
