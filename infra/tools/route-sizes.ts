/**
 * Lines of code in each route's handler: the `implement(route, …)` call in functions/api,
 * blank lines and comments left out. `npm run route-sizes` prints them, largest first;
 * test/unit/structure/route-sizes.test.ts holds every route to the limit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

export interface RouteSize {
  file: string;
  route: string;
  lines: number;
}

/** Handlers may parse, call one use case and render; more than this is a use case in hiding. */
export const ROUTE_LINE_LIMIT = 25;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

export function codeLines(text: string): number {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  const lines = new Set<number>();
  let line = 0;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.NewLineTrivia) line++;
    else if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.WhitespaceTrivia) continue;
    else if (kind === ts.SyntaxKind.MultiLineCommentTrivia) line += scanner.getTokenText().split('\n').length - 1;
    else {
      lines.add(line);
      line += scanner.getTokenText().split('\n').length - 1;
    }
  }
  return lines.size;
}

export function routeSizes(root = 'functions/api'): RouteSize[] {
  const sizes: RouteSize[] = [];
  for (const file of sourceFiles(root)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'implement' && node.arguments[0]) {
        sizes.push({ file, route: node.arguments[0].getText(source), lines: codeLines(node.getText(source)) });
        return;
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return sizes.sort((a, b) => b.lines - a.lines);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = routeSizes();
  const total = sizes.reduce((n, s) => n + s.lines, 0);
  for (const s of sizes) console.log(`${String(s.lines).padStart(4)}  ${s.route}  ${s.file}`);
  const over = sizes.filter((s) => s.lines > ROUTE_LINE_LIMIT).length;
  console.log(
    `\n${sizes.length} routes, ${total} lines, mean ${(total / sizes.length).toFixed(1)}, max ${sizes[0]?.lines ?? 0}, over ${ROUTE_LINE_LIMIT}: ${over}`,
  );
}
