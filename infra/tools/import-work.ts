/**
 * Finds zod schemas a module builds at import: a `z.*` (or `named`) call in top-level code
 * that no function defers. A Lambda pays for those on every cold start whether or not its
 * request uses them, so schemas go behind `lazy` (functions/core/lazy.ts) or a route's
 * `schemas` (functions/lib/route.ts). test/unit/structure/import-work.test.ts runs this over
 * every module the functions bundle.
 */
import ts from 'typescript';

/** Schema builders; `z.registry` only makes an empty map. */
const SCHEMA_CALL = /^(z\.(?!registry$)|named$)/;
/** Array methods that call their callback at once: a callback passed to them is not deferred. */
const RUNS_CALLBACK_NOW = new Set(['map', 'flatMap', 'filter', 'reduce', 'forEach', 'some', 'every', 'find']);

export interface EagerSchema {
  file: string;
  line: number;
  call: string;
}

function runsNow(fn: ts.Node): boolean {
  const call = fn.parent;
  if (ts.isCallExpression(call) && call.expression === fn) return true; // (() => ...)()
  if (ts.isParenthesizedExpression(call) && ts.isCallExpression(call.parent) && call.parent.expression === call) return true;
  return (
    ts.isCallExpression(call) &&
    call.arguments.includes(fn as ts.Expression) &&
    ts.isPropertyAccessExpression(call.expression) &&
    RUNS_CALLBACK_NOW.has(call.expression.name.text)
  );
}

/** The schema calls `source` makes while its module is evaluated. */
export function eagerSchemas(file: string, source: string): EagerSchema[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: EagerSchema[] = [];
  const visit = (node: ts.Node): void => {
    const deferred =
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isGetAccessor(node) ||
      ts.isSetAccessor(node) ||
      ts.isConstructorDeclaration(node) ||
      ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && !runsNow(node));
    if (deferred || ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (ts.isCallExpression(node)) {
      const callee = node.expression.getText(sf);
      if (SCHEMA_CALL.test(callee)) {
        found.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, call: callee });
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const statement of sf.statements) visit(statement);
  return found;
}
