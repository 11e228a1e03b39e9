// Services: their chains of branches and the plans (strategies, cascades) they end in.
import type * as A from '../grammar/ast.js';
import { error, warning, type Diagnostic } from '../grammar/diagnostics.js';
import { add, cmp, parseDecimal, rat, ratToString, ZERO, type Rat } from '../runtime/rational.js';
import { hasOption, type CheckContext } from './check-context.js';
import { checkExpr } from './check-expr.js';
import { chainVerdicts, describeKey, type Verdict } from './reachability.js';
import { didYouMean } from './suggest.js';

const HUNDRED = rat(100n);

/** `reachable`: no earlier warning already says this body can never run. */
export function checkBody(body: A.Body, ctx: CheckContext, reachable: boolean): void {
  if (body.kind === 'Chain') checkChain(body, ctx, reachable);
  else checkPlan(body, ctx, reachable);
}

function checkChain(chain: A.Chain, ctx: CheckContext, reachable: boolean): void {
  const firstElse = chain.branches.findIndex((b) => b.condition === null);
  // Branches after a plain `else` are an error of their own, not part of the analysis.
  const analysed = firstElse < 0 ? chain.branches : chain.branches.slice(0, firstElse + 1);
  const verdicts = reachable ? chainVerdicts(analysed.map((b) => b.condition), ctx.resolve, ctx.budget) : [];
  chain.branches.forEach((b, i) => {
    if (b.condition) checkExpr(b.condition, ctx);
    const afterElse = firstElse >= 0 && i > firstElse;
    if (afterElse) {
      const where = chain.branches[firstElse]!.keywordSpan.start.line;
      const message = `expected the plain else last; found a branch after the plain else on line ${where}, which already takes every payout left`;
      ctx.diagnostics.push(error('E_ELSE_AFTER_ELSE', message, b.keywordSpan));
    }
    const verdict = verdicts[i];
    if (verdict) ctx.diagnostics.push(unreachable(b, verdict));
    checkBody(b.body, ctx, reachable && !afterElse && !verdict);
  });
}

function unreachable(b: A.Branch, v: Verdict): Diagnostic {
  const key = describeKey(v.key);
  if (!b.condition) return warning('W_UNREACHABLE', `this else can never be taken: the branches above take every value of ${key}`, b.keywordSpan);
  const why = {
    never: `no value of ${key} satisfies its condition`,
    covered: `the branches above already take every value of ${key} it allows`,
    exhausted: `the branches above take every value of ${key}, so every payout`,
  }[v.kind];
  return warning('W_UNREACHABLE', `this branch can never be taken: ${why}`, b.condition.span);
}

function checkPlan(plan: A.Plan, ctx: CheckContext, reachable: boolean): void {
  if (plan.kind === 'RejectStmt') return;
  const strategies = plan.kind === 'CascadeStmt' ? plan.strategies : [plan];
  for (const s of strategies) checkStrategy(s, ctx);
  if (reachable) checkFewRoutes(strategies, ctx);
}

function checkStrategy(s: A.StrategyStmt, ctx: CheckContext): void {
  const listed = new Set<string>();
  for (const ref of s.routes) {
    const name = ref.name.name;
    if (name === '') continue; // invented by the parser while recovering
    ctx.usedRoutes.add(name);
    if (listed.has(name)) ctx.diagnostics.push(error('E_DUPLICATE', `${name} is already listed in this strategy`, ref.name.span));
    listed.add(name);
    checkRouteRef(ref, ctx);
  }
  checkWeights(s, ctx);
  checkP2POptions(s, ctx);
}

function checkRouteRef(ref: A.RouteRef, ctx: CheckContext): void {
  const { routes } = ctx.symbols;
  const name = ref.name.name;
  const route = routes.get(name);
  if (route && hasOption(route, 'disabled')) {
    ctx.diagnostics.push(warning('W_DISABLED_ROUTE', `route ${name} is declared disabled, so this strategy never chooses it`, ref.name.span));
  } else if (!route && !ctx.partial) {
    const hint = didYouMean(name, routes.keys());
    const message = `there is no route ${name}; declare it with 'route ${name} CURRENCY'${hint.text}`;
    ctx.diagnostics.push(error('E_UNKNOWN_ROUTE', message, ref.name.span, hint.replacement));
  }
}

function checkWeights(s: A.StrategyStmt, ctx: CheckContext): void {
  if (s.strategy !== 'weight') {
    for (const ref of s.routes) {
      if (!ref.weight) continue;
      const message = `only a weight strategy gives routes percentages; ${s.strategy} takes plain route names, found ${ref.weight.text}%`;
      ctx.diagnostics.push(error('E_WEIGHTS', message, ref.weight.span));
    }
    return;
  }
  const missing = s.routes.filter((r) => !r.weight);
  for (const ref of missing) {
    const message = `every route of a weight strategy needs its share, like ${ref.name.name} 50%; found none`;
    ctx.diagnostics.push(error('E_WEIGHTS', message, ref.name.span));
  }
  const sum = missing.length ? undefined : weightSum(s.routes);
  if (sum && cmp(sum, HUNDRED) !== 0) {
    const message = `the weights of this strategy add up to ${ratToString(sum)}%; expected exactly 100%`;
    ctx.diagnostics.push(error('E_WEIGHTS', message, s.strategySpan));
  }
}

/** The exact sum, or undefined when a weight is a number the parser invented while recovering. */
function weightSum(refs: readonly A.RouteRef[]): Rat | undefined {
  let sum: Rat = ZERO;
  for (const ref of refs) {
    const w = ref.weight && parseDecimal(ref.weight.text);
    if (!w) return undefined;
    sum = add(sum, w);
  }
  return sum;
}

function checkP2POptions(s: A.StrategyStmt, ctx: CheckContext): void {
  if (!s.p2p) return;
  const given = new Set<string>();
  // `?.`: the parser's recovery can leave a hole where an option could not be read.
  for (const o of s.p2p.options) {
    if (o?.kind === undefined) continue;
    if (given.has(o.kind)) ctx.diagnostics.push(error('E_DUPLICATE', `${o.kind} is already given on this p2p line`, o.span));
    given.add(o.kind);
  }
  const routes = s.routes.map((r) => ctx.symbols.routes.get(r.name.name));
  // With an unknown route we cannot tell; that route has its own error.
  if (routes.length === 0 || routes.some((r) => !r || hasOption(r, 'p2p'))) return;
  const names = s.routes.map((r) => r.name.name).join(', ');
  const message = `p2p options apply to p2p routes, but none of ${names} is declared with p2p`;
  ctx.diagnostics.push(error('E_P2P_OPTIONS', message, s.p2p.span));
}

/** Failover tries a different route per attempt, so a plan needs as many routes as `attempts`. */
function checkFewRoutes(strategies: readonly A.StrategyStmt[], ctx: CheckContext): void {
  const { attempts } = ctx.symbols.settings;
  const first = strategies[0];
  if (attempts <= 1 || !first || ctx.partial) return;
  const offered = new Set<string>();
  for (const s of strategies) {
    for (const ref of s.routes) {
      const route = ctx.symbols.routes.get(ref.name.name);
      if (route && !hasOption(route, 'disabled')) offered.add(ref.name.name);
    }
  }
  if (offered.size >= attempts) return;
  const list = offered.size ? ` (${[...offered].join(', ')})` : '';
  const message = `this plan offers ${offered.size} route${offered.size === 1 ? '' : 's'}${list} but attempts is ${attempts}: later attempts will find no route left to try`;
  ctx.diagnostics.push(warning('W_FEW_ROUTES', message, first.strategySpan));
}
