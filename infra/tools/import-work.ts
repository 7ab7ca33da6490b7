/**
 * Finds zod schemas a module builds at import: a call in top-level code that no function
 * defers and whose result is a zod schema (`z.object(…)`, `named(…)`, a `lazy` schema called
 * at the top). A Lambda pays for those on every cold start whether or not its request uses
 * them, so schemas go behind `lazy` (functions/core/lazy.ts) or a route's `schemas`
 * (functions/lib/route.ts). test/unit/structure/import-work.test.ts runs this over every
 * module the functions bundle.
 *
 * It also finds top-level `lazy(…)` calls not marked `/* @__PURE__ *\/`: unmarked, esbuild must
 * keep them (a call may have effects), so a function would bundle every view of a module it
 * takes one from.
 */
import ts from 'typescript';

/** Array methods that call their callback at once: a callback passed to them is not deferred. */
const RUNS_CALLBACK_NOW = new Set(['map', 'flatMap', 'filter', 'reduce', 'forEach', 'some', 'every', 'find']);

export interface EagerSchema {
  file: string;
  line: number;
  call: string;
}

function runsNow(fn: ts.Node): boolean {
  const call = fn.parent;
  if (ts.isCallExpression(call) && call.expression === fn) return true; // (() => …)()
  if (ts.isParenthesizedExpression(call) && ts.isCallExpression(call.parent) && call.parent.expression === call) return true;
  return (
    ts.isCallExpression(call) &&
    call.arguments.includes(fn as ts.Expression) &&
    ts.isPropertyAccessExpression(call.expression) &&
    RUNS_CALLBACK_NOW.has(call.expression.name.text)
  );
}

/** Whether `type` is a zod schema (every zod 4 schema carries its internals in `_zod`). */
function isSchema(type: ts.Type): boolean {
  return type.isUnion() ? type.types.some(isSchema) : type.getProperty('_zod') !== undefined;
}

/** The schema-building calls each of `files` makes while its module is evaluated. */
export function eagerSchemas(program: ts.Program, files: readonly string[]): EagerSchema[] {
  const checker = program.getTypeChecker();
  const found: EagerSchema[] = [];
  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) throw new Error(`${file} is not in the program`);
    const visit = (node: ts.Node): void => {
      const deferred =
        ts.isFunctionDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isGetAccessor(node) ||
        ts.isSetAccessor(node) ||
        ts.isConstructorDeclaration(node) ||
        ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && !runsNow(node));
      if (deferred || ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
      if (ts.isCallExpression(node) && isSchema(checker.getTypeAtLocation(node))) {
        found.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, call: node.expression.getText(sf) });
        return;
      }
      ts.forEachChild(node, visit);
    };
    for (const statement of sf.statements) visit(statement);
  }
  return found;
}

/** Top-level `lazy(…)` calls without the `@__PURE__` mark that lets bundles drop unused ones. */
export function unmarkedLazy(sf: ts.SourceFile): EagerSchema[] {
  const found: EagerSchema[] = [];
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const { initializer } of statement.declarationList.declarations) {
      if (!initializer || !ts.isCallExpression(initializer) || initializer.expression.getText(sf) !== 'lazy') continue;
      // The mark sits in the trivia between `=` and the call.
      if (!sf.text.slice(initializer.getFullStart(), initializer.getStart(sf)).includes('@__PURE__')) {
        found.push({ file: sf.fileName, line: sf.getLineAndCharacterOfPosition(initializer.getStart(sf)).line + 1, call: 'lazy' });
      }
    }
  }
  return found;
}
