// The baseline: the same first-match rules as a hand-written JavaScript if-chain.
import type { BenchRequest, Rule } from './generate.js';

export type Chain = (r: BenchRequest, amount: number) => string | null;

function test(rule: Rule): string {
  const parts = [`r.service === ${JSON.stringify(rule.service)}`];
  if (rule.currency) parts.push(`r.currency === ${JSON.stringify(rule.currency)}`);
  if (rule.countries) parts.push(`(${rule.countries.map((c) => `r.country === ${JSON.stringify(c)}`).join(' || ')})`);
  if (rule.amountMin !== null) parts.push(`amount > ${rule.amountMin}`);
  if (rule.amountMax !== null) parts.push(`amount <= ${rule.amountMax}`);
  if (rule.tierMin !== null) parts.push(`r.fields.tier >= ${rule.tierMin}`);
  if (rule.segment) parts.push(`r.fields.segment === ${JSON.stringify(rule.segment)}`);
  return parts.join(' && ');
}

/** What a developer would write by hand: one `if` per rule, in order, then each service's default. */
export function ifChain(rules: readonly Rule[]): Chain {
  const lines = rules.map((rule) => `if (${test(rule)}) return ${JSON.stringify(rule.routes[0])};`);
  return new Function('r', 'amount', `${lines.join('\n')}\nreturn "r_eur_a";`) as Chain;
}
