// The same first-match rules for two general-purpose rule engines: json-rules-engine (a
// devDependency) and GoRules zen-engine (a first-hit decision table). zen-engine is installed
// on demand into bench/.engines (git-ignored): the npm registry here lacks some of its
// per-platform binaries, so it cannot be a package.json dependency without breaking `npm ci`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import type { BenchRequest, Rule } from './generate.js';

/** An engine's answer for one request: the route of the first rule that holds. */
export type AsyncChain = (r: BenchRequest) => Promise<string>;

const DEFAULT_ROUTE = 'r_eur_a';

type Condition = Extract<TopLevelCondition, { all: unknown }>['all'][number];

function jsonConditions(rule: Rule): TopLevelCondition {
  const all: Condition[] = [{ fact: 'service', operator: 'equal', value: rule.service }];
  if (rule.currency) all.push({ fact: 'currency', operator: 'equal', value: rule.currency });
  if (rule.countries) all.push({ fact: 'country', operator: 'in', value: [...rule.countries] });
  if (rule.amountMin !== null) all.push({ fact: 'amount', operator: 'greaterThan', value: rule.amountMin });
  if (rule.amountMax !== null) all.push({ fact: 'amount', operator: 'lessThanInclusive', value: rule.amountMax });
  if (rule.tierMin !== null) all.push({ fact: 'fields', path: '$.tier', operator: 'greaterThanInclusive', value: rule.tierMin });
  if (rule.segment) all.push({ fact: 'fields', path: '$.segment', operator: 'equal', value: rule.segment });
  return { all };
}

/** json-rules-engine evaluates every rule; the first in rule order among the successes wins. */
export function jsonRulesEngine(rules: readonly Rule[]): AsyncChain {
  const engine = new Engine([], { allowUndefinedFacts: true });
  rules.forEach((rule, i) => {
    const props: RuleProperties = { conditions: jsonConditions(rule), event: { type: 'route', params: { index: i, route: rule.routes[0] } } };
    engine.addRule(props);
  });
  return async (r) => {
    const { events } = await engine.run({ service: r.service, currency: r.currency, country: r.country, amount: Number(r.amount), fields: r.fields });
    let best: { index: number; route: string } | undefined;
    for (const e of events) {
      const index = Number(e.params?.['index']);
      if (!best || index < best.index) best = { index, route: String(e.params?.['route']) };
    }
    return best?.route ?? DEFAULT_ROUTE;
  };
}

// ---- zen-engine ----

interface ZenDecision {
  evaluate(context: unknown): Promise<{ result: { route?: unknown } }>;
}
interface ZenModule {
  ZenEngine: new () => { createDecision(content: object): ZenDecision };
}

const ENGINES_DIR = fileURLToPath(new URL('../../bench/.engines/', import.meta.url));
const ZEN = '@gorules/zen-engine@0.54.0';

/** Loads zen-engine, installing it into bench/.engines first if needed; a reason when it cannot. */
export function loadZen(): ZenModule | string {
  const require = createRequire(`${ENGINES_DIR}index.js`);
  if (!existsSync(`${ENGINES_DIR}node_modules/@gorules/zen-engine`)) {
    try {
      execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--prefix', ENGINES_DIR, ZEN], { stdio: 'ignore', timeout: 180_000 });
    } catch (e) {
      return `could not install ${ZEN} into bench/.engines (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
    }
  }
  try {
    return require('@gorules/zen-engine') as ZenModule;
  } catch (e) {
    return `could not load ${ZEN} (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
}

const str = (s: string) => JSON.stringify(s);

/** One decision-table row; an empty cell matches anything. */
function zenRow(rule: Rule, i: number): Record<string, string> {
  const amount =
    rule.amountMin !== null && rule.amountMax !== null
      ? `(${rule.amountMin}..${rule.amountMax}]`
      : rule.amountMin !== null
        ? `> ${rule.amountMin}`
        : rule.amountMax !== null
          ? `<= ${rule.amountMax}`
          : '';
  return {
    _id: `r${i}`,
    service: str(rule.service),
    currency: rule.currency ? str(rule.currency) : '',
    country: rule.countries ? rule.countries.map(str).join(', ') : '',
    amount,
    tier: rule.tierMin !== null ? `>= ${rule.tierMin}` : '',
    segment: rule.segment ? str(rule.segment) : '',
    route: str(rule.routes[0]!),
  };
}

const COLUMNS = ['service', 'currency', 'country', 'amount', 'tier', 'segment'];

function zenGraph(rules: readonly Rule[]): object {
  const inputs = COLUMNS.map((c) => ({ id: c, name: c, field: c }));
  const table = {
    hitPolicy: 'first',
    inputs,
    outputs: [{ id: 'route', name: 'route', field: 'route' }],
    rules: rules.map(zenRow),
  };
  const at = { x: 0, y: 0 };
  return {
    nodes: [
      { id: 'in', type: 'inputNode', name: 'request', position: at },
      { id: 'rules', type: 'decisionTableNode', name: 'rules', position: at, content: table },
      { id: 'out', type: 'outputNode', name: 'decision', position: at },
    ],
    edges: [
      { id: 'e1', type: 'edge', sourceId: 'in', targetId: 'rules' },
      { id: 'e2', type: 'edge', sourceId: 'rules', targetId: 'out' },
    ],
  };
}

/** zen-engine: the rules as a first-hit decision table. */
export function zenEngine(zen: ZenModule, rules: readonly Rule[]): AsyncChain {
  const decision = new zen.ZenEngine().createDecision(zenGraph(rules));
  return async (r) => {
    const context = { service: r.service, currency: r.currency, country: r.country, amount: Number(r.amount), tier: r.fields.tier, segment: r.fields.segment };
    const { result } = await decision.evaluate(context);
    return typeof result.route === 'string' ? result.route : DEFAULT_ROUTE;
  };
}
