// Rollup plugin: shrinks our own html`` and css`` templates before esbuild minifies the
// rest (esbuild leaves template text alone). In HTML every run of whitespace that holds a
// line break becomes one space: the same rendering, since no template of ours has literal
// text inside <pre> or <textarea>. CSS is minified a little further (see shrinkCss).
import ts from 'typescript';

const TAGS = new Set(['html', 'css']);

export function shrink(code, fileName) {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const ranges = [];
  const visit = (node) => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && TAGS.has(node.tag.text)) {
      const template = node.template;
      const parts = ts.isNoSubstitutionTemplateLiteral(template) ? [template] : [template.head, ...template.templateSpans.map((s) => s.literal)];
      const shrinkPart = node.tag.text === 'css' ? shrinkCss : shrinkHtml;
      for (const part of parts) {
        const start = part.getStart(source) + 1;
        const end = part.getEnd() - (ts.isTemplateTail(part) || ts.isNoSubstitutionTemplateLiteral(part) ? 1 : 2);
        ranges.push([start, end, shrinkPart]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let out = code;
  for (const [start, end, shrinkPart] of ranges.sort((a, b) => b[0] - a[0])) {
    out = out.slice(0, start) + shrinkPart(out.slice(start, end)) + out.slice(end);
  }
  return out;
}

function shrinkHtml(text) {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** CSS also loses comments and the spaces around `{ } ; , >` and after `:` (never inside calc's `+ -`). */
function shrinkCss(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/:\s+/g, ':')
    .replace(/;}/g, '}');
}

export function templateWhitespace() {
  return {
    name: 'friends-chat-template-whitespace',
    transform(code, id) {
      if (!/\/src\/.*\.ts$/.test(id) || !/\b(html|css)`/.test(code)) return null;
      return { code: shrink(code, id), map: null };
    },
  };
}
