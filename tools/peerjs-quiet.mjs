// Removes PeerJS's logging from the bundle. friends-chat creates every Peer with `debug: 0`
// (src/transport/peerjs/peerjs-signaling.ts), so PeerJS's logger never prints; its calls
// and their message strings only cost bytes. A call is removed only when its arguments
// cannot do anything (names, property reads, literals, templates, string concatenation);
// any other argument fails the build, so a PeerJS upgrade that logs a side effect is seen.
import ts from 'typescript';

const LEVELS = new Set(['log', 'warn', 'error']);

/** The name of the module-level logger: `var X = new <class …Logger>()`. */
function loggerName(source) {
  let loggerClass = null;
  let name = null;
  const visit = (node) => {
    if (ts.isClassDeclaration(node) && node.name && /\$Logger$/.test(node.name.text)) loggerClass = node.name.text;
    if (ts.isVariableDeclaration(node) && node.initializer && ts.isNewExpression(node.initializer)
      && ts.isIdentifier(node.initializer.expression) && node.initializer.expression.text === loggerClass && ts.isIdentifier(node.name)) {
      name = node.name.text;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (!name) throw new Error('peerjs-quiet: PeerJS logger not found (PeerJS changed?)');
  return name;
}

/** `(0, logger).log` or `logger.log`. */
function isLoggerCall(node, logger) {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return false;
  if (!LEVELS.has(node.expression.name.text)) return false;
  let target = node.expression.expression;
  while (ts.isParenthesizedExpression(target)) target = target.expression;
  if (ts.isBinaryExpression(target) && target.operatorToken.kind === ts.SyntaxKind.CommaToken) target = target.right;
  return ts.isIdentifier(target) && target.text === logger;
}

function isInert(node) {
  if (ts.isIdentifier(node) || ts.isStringLiteral(node) || ts.isNumericLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return true;
  if (node.kind === ts.SyntaxKind.ThisKeyword) return true;
  if (ts.isPropertyAccessExpression(node)) return isInert(node.expression);
  if (ts.isParenthesizedExpression(node)) return isInert(node.expression);
  if (ts.isTemplateExpression(node)) return node.templateSpans.every((span) => isInert(span.expression));
  if (ts.isBinaryExpression(node)) return node.operatorToken.kind === ts.SyntaxKind.PlusToken && isInert(node.left) && isInert(node.right);
  return false;
}

export function dropPeerjsLogging(code) {
  const source = ts.createSourceFile('peerjs.mjs', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const logger = loggerName(source);
  const cuts = [];
  const visit = (node) => {
    if (isLoggerCall(node, logger)) {
      for (const argument of node.arguments) {
        if (!isInert(argument)) throw new Error(`peerjs-quiet: a PeerJS log call does more than log: ${node.getText(source).slice(0, 120)}`);
      }
      cuts.push([node.getStart(source), node.getEnd(), 'void 0']);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (cuts.length < 40) throw new Error(`peerjs-quiet: expected PeerJS's log calls, found ${cuts.length} (PeerJS changed?)`);
  let out = code;
  for (const [start, end, stub] of cuts.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + stub + out.slice(end);
  return out;
}
