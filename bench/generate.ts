// Seeded generators of first-match rule sets and requests, shared by the benchmarks.
import { mulberry32 } from '../runtime/prng.js';

export const SERVICES = ['sepa', 'card', 'wire', 'instant'];
export const CURRENCIES = ['EUR', 'USD', 'GBP', 'PLN'];
export const COUNTRIES = ['DE', 'AT', 'FR', 'NL', 'BE', 'PL', 'ES', 'IT', 'GB', 'US', 'SE', 'CZ'];
export const SEGMENTS = ['retail', 'business', 'vip'];
export const ROUTES = ['r_eur_a', 'r_eur_b', 'r_usd', 'r_gbp', 'r_pln', 'r_eur_c'];

/** One generated rule: every condition is optional except the service. */
export interface Rule {
  readonly service: string;
  readonly currency: string | null;
  readonly countries: readonly string[] | null;
  readonly amountMin: number | null;
  readonly amountMax: number | null;
  readonly tierMin: number | null;
  readonly segment: string | null;
  readonly routes: readonly string[];
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

function maybe<T>(rand: () => number, p: number, f: () => T): T | null {
  return rand() < p ? f() : null;
}

export function generateRules(count: number, seed = 1): Rule[] {
  const rand = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => {
    const low = maybe(rand, 0.5, () => Math.floor(rand() * 50) * 100);
    return {
      service: SERVICES[i % SERVICES.length]!,
      currency: maybe(rand, 0.8, () => pick(rand, CURRENCIES)),
      countries: maybe(rand, 0.7, () => [...new Set([pick(rand, COUNTRIES), pick(rand, COUNTRIES), pick(rand, COUNTRIES)])]),
      amountMin: low,
      amountMax: maybe(rand, 0.5, () => (low ?? 0) + 100 + Math.floor(rand() * 50) * 100),
      tierMin: maybe(rand, 0.4, () => 1 + Math.floor(rand() * 3)),
      segment: maybe(rand, 0.5, () => pick(rand, SEGMENTS)),
      routes: [...new Set([pick(rand, ROUTES), pick(rand, ROUTES)])],
    };
  });
}

function condition(r: Rule): string {
  const parts: string[] = [];
  if (r.currency) parts.push(`currency = ${r.currency}`);
  if (r.countries) parts.push(`country in [${r.countries.join(', ')}]`);
  if (r.amountMin !== null) parts.push(`amount > ${r.amountMin}`);
  if (r.amountMax !== null) parts.push(`amount <= ${r.amountMax}`);
  if (r.tierMin !== null) parts.push(`fields.tier >= ${r.tierMin}`);
  if (r.segment) parts.push(`fields.segment = "${r.segment}"`);
  return parts.length ? parts.join(' and ') : 'amount > 0';
}

/** A canonical Sluice scheme whose services hold the rules as first-match chains. */
export function schemeSource(rules: readonly Rule[]): string {
  const lines = [
    `scheme bench_${rules.length}`,
    'field tier int',
    'field segment one_of "retail", "business", "vip"',
    '',
    'route r_eur_a EUR fee 0.5% + 0.20',
    'route r_eur_b EUR fee 1.00',
    'route r_eur_c EUR fee 0.2%',
    'route r_usd USD fee 0.3% + 0.10',
    'route r_gbp GBP fee 0.25',
    'route r_pln PLN fee 1%',
  ];
  for (const service of SERVICES) {
    const own = rules.filter((r) => r.service === service);
    lines.push('', `service ${service} {`);
    own.forEach((r, i) => {
      lines.push(`  ${i === 0 ? '' : '} else '}when ${condition(r)} {`, `    optimal ${r.routes.join(', ')}`);
    });
    lines.push(own.length ? '  } else {' : '  when amount > 0 {', '    optimal r_eur_a', '  }', '}');
  }
  return `${lines.join('\n')}\n`;
}

export interface BenchRequest {
  readonly amount: string;
  readonly currency: string;
  readonly service: string;
  readonly country: string;
  readonly fields: { readonly tier: number; readonly segment: string };
}

export function generateRequests(count: number, seed = 2): BenchRequest[] {
  const rand = mulberry32(seed);
  return Array.from({ length: count }, () => ({
    amount: `${Math.floor(rand() * 600000) / 100}`,
    currency: pick(rand, CURRENCIES),
    service: pick(rand, SERVICES),
    country: pick(rand, COUNTRIES),
    fields: { tier: Math.floor(rand() * 4), segment: pick(rand, SEGMENTS) },
  }));
}
