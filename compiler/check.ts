// The static checks of LANGUAGE.md §2: declarations, conditions, plans, reachability and
// usage. Never throws on any AST the parser produces, partial ones included.
import type { Expr, SchemeFile } from '../grammar/ast.js';
import { sortDiagnostics, warning, type Diagnostic } from '../grammar/diagnostics.js';
import { parse, type ParseResult } from '../grammar/parse.js';
import { declare } from './check-declarations.js';
import { resolver, type CheckContext, type Symbols } from './check-context.js';
import { checkExpr } from './check-expr.js';
import { checkGuards } from './check-guards.js';
import { checkBody } from './check-plan.js';
import { Budget, chainVerdicts, describeKey } from './reachability.js';

export type { Symbols } from './check-context.js';

export interface CheckOptions {
  /**
   * The parse had syntax errors, so the AST may lack statements: skip the diagnostics that
   * depend on every declaration being present (unknown route or field, unused, no scheme line,
   * too few routes).
   */
  readonly partial?: boolean;
  /** Steps the reachability analysis may take (default ANALYSIS_BUDGET); past them it stops with W_REACHABILITY_SKIPPED. */
  readonly analysisBudget?: number;
}

export interface CheckResult {
  readonly diagnostics: Diagnostic[];
  readonly symbols: Symbols;
}

export function check(file: SchemeFile, options: CheckOptions = {}): CheckResult {
  const diagnostics: Diagnostic[] = [];
  const partial = options.partial ?? false;
  const symbols = declare(file, partial, diagnostics);
  const resolve = resolver(symbols.fields);
  const budget = new Budget(options.analysisBudget);
  const ctx: CheckContext = { symbols, partial, diagnostics, usedRoutes: new Set(), usedFields: new Set(), resolve, budget };
  checkBlocks(file, ctx);
  for (const s of file.statements) if (s.kind === 'ServiceStmt') checkBody(s.body, ctx, true);
  checkGuards(file, symbols, diagnostics);
  if (!partial) checkUnused(ctx);
  if (budget.stoppedAt) diagnostics.push(skipped(budget, budget.stoppedAt));
  return { diagnostics: sortDiagnostics(diagnostics), symbols };
}

export interface CheckSourceResult extends Omit<ParseResult, 'diagnostics'>, CheckResult {}

/** Parse and check: the parser's and the checker's diagnostics together, in source order. */
export function checkSource(source: string, options: Omit<CheckOptions, 'partial'> = {}): CheckSourceResult {
  const parsed = parse(source);
  const partial = parsed.diagnostics.some((d) => d.severity === 'error');
  const checked = check(parsed.ast, { ...options, partial });
  return { ...parsed, ...checked, diagnostics: sortDiagnostics([...parsed.diagnostics, ...checked.diagnostics]) };
}

/** Blocks run top to bottom, the first that holds wins: like the branches of a chain. */
function checkBlocks(file: SchemeFile, ctx: CheckContext): void {
  const blocks = file.statements.filter((s) => s.kind === 'BlockStmt');
  for (const b of blocks) checkExpr(b.condition, ctx);
  chainVerdicts(blocks.map((b) => b.condition), ctx.resolve, ctx.budget).forEach((v, i) => {
    if (!v) return;
    const b = blocks[i]!;
    const key = describeKey(v.key);
    const why = {
      never: `no value of ${key} satisfies its condition`,
      covered: `the blocks above already block every value of ${key} it allows`,
      exhausted: `the blocks above block every value of ${key}, so every payout`,
    }[v.kind];
    ctx.diagnostics.push(warning('W_UNREACHABLE', `block ${b.name.name} can never match: ${why}`, b.condition.span));
  });
}

/** Once per check, at the condition where the analysis stopped: W_UNREACHABLE is not given from there on. */
function skipped(budget: Budget, at: Expr): Diagnostic {
  const steps = budget.steps.toLocaleString('en-US');
  const message = `reachability was not analysed from here on: the conditions need more than the analysis's ${steps} steps, so no branch or block from here is checked for W_UNREACHABLE`;
  return warning('W_REACHABILITY_SKIPPED', message, at.span);
}

function checkUnused(ctx: CheckContext): void {
  for (const [name, route] of ctx.symbols.routes) {
    if (ctx.usedRoutes.has(name)) continue;
    ctx.diagnostics.push(warning('W_UNUSED_ROUTE', `route ${name} is never used: no strategy lists it`, route.name.span));
  }
  for (const [name, field] of ctx.symbols.fields) {
    if (ctx.usedFields.has(name)) continue;
    ctx.diagnostics.push(warning('W_UNUSED_FIELD', `field ${name} is never used: no condition reads fields.${name}`, field.stmt.name.span));
  }
}
