// The route state page's model: a scheme's route lines (currency, daily and monthly caps) read
// with the project's grammar, usage against a cap, the rate-table text form, test outcomes.
import { parse } from '../../grammar/parse.js';

export interface SchemeRoute {
  readonly name: string;
  readonly currency: string;
  readonly daily: string | null;
  readonly monthly: string | null;
  readonly p2p: boolean;
  readonly disabled: boolean;
  readonly line: number;
}

export interface SchemeRoutes {
  readonly routes: readonly SchemeRoute[];
  /** The scheme's `rates` table, or `default` without a rates line. */
  readonly rates: string;
  readonly base: string;
}

export function schemeRoutes(source: string): SchemeRoutes {
  const { ast } = parse(source);
  const routes: SchemeRoute[] = [];
  let rates = 'default';
  let base = 'EUR';
  for (const s of ast.statements) {
    if (s.kind === 'RatesStmt' && s.name.name) rates = s.name.name;
    if (s.kind === 'BaseStmt' && s.currency.code) base = s.currency.code;
    if (s.kind !== 'RouteStmt' || !s.name.name || routes.some((r) => r.name === s.name.name)) continue;
    const cap = (kind: 'daily' | 'monthly'): string | null => {
      const o = s.options.find((x) => x.kind === kind);
      return o && 'amount' in o ? o.amount.text : null;
    };
    routes.push({
      name: s.name.name,
      currency: s.currency.code,
      daily: cap('daily'),
      monthly: cap('monthly'),
      p2p: s.options.some((o) => o.kind === 'p2p'),
      disabled: s.options.some((o) => o.kind === 'disabled'),
      line: s.span.start.line,
    });
  }
  return { routes, rates, base };
}

export interface Usage {
  /** 0..100 (capped for the bar); null without a cap. */
  readonly percent: number | null;
  readonly text: string;
  readonly over: boolean;
}

/** `used` against `cap` (decimal strings): how full, in words. */
export function usage(used: string | null | undefined, cap: string | null): Usage {
  const u = used ?? '0';
  if (cap === null) return { percent: null, text: `${u} (no cap)`, over: false };
  const c = Number(cap);
  const ratio = c > 0 ? (Number(u) * 100) / c : Number(u) > 0 ? Infinity : 0;
  const shown = Number.isFinite(ratio) ? ratio : 100;
  return { percent: Math.min(100, shown), text: `${u} of ${cap} (${Number.isFinite(ratio) ? ratio.toFixed(1) : '∞'}%)`, over: ratio >= 100 };
}

export type RatesParse = { readonly ok: true; readonly rates: Record<string, string> } | { readonly ok: false; readonly line: number; readonly message: string };

/**
 * The rate-table form: one pair a line, `EUR/USD 1.0850` (or `EUR/USD = 1.0850`, `EUR/USD: 1.0850`);
 * blank lines and `#` comments ignored.
 */
export function parseRateLines(text: string): RatesParse {
  const rates: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.replace(/#.*/, '').trim();
    if (!t) continue;
    const m = /^([A-Za-z]{3})\s*\/\s*([A-Za-z]{3})\s*[=:]?\s*(\d{1,18}(?:\.\d{1,18})?)$/.exec(t);
    if (!m) return { ok: false, line: i + 1, message: `line ${i + 1}: expected a pair and a rate, such as EUR/USD 1.0850` };
    if (Number(m[3]) === 0) return { ok: false, line: i + 1, message: `line ${i + 1}: a rate must be more than zero` };
    rates[`${m[1]!.toUpperCase()}/${m[2]!.toUpperCase()}`] = m[3]!;
  }
  if (Object.keys(rates).length === 0) return { ok: false, line: 1, message: 'no rates: write one pair a line, such as EUR/USD 1.0850' };
  return { ok: true, rates };
}

/** A stored rate table as the form's lines (`EUR/USD 1.0850`), sorted by pair; parseRateLines reads them back. */
export function rateLines(rates: Readonly<Record<string, string>>): string {
  return Object.keys(rates)
    .sort()
    .map((pair) => `${pair} ${rates[pair]}`)
    .join('\n');
}

/** `success` or `fail:CODE`, as the service accepts it; null when it does not. */
export function testOutcome(kind: string, code: string): string | null {
  if (kind === 'success') return 'success';
  const c = code.trim();
  return /^[A-Za-z0-9_.-]{1,100}$/.test(c) ? `fail:${c}` : null;
}

/** A balance as typed: empty means unknown (null); otherwise a non-negative decimal. */
export function balanceInput(text: string): { ok: true; balance: string | null } | { ok: false; message: string } {
  const t = text.trim();
  if (!t) return { ok: true, balance: null };
  if (!/^\d{1,18}(\.\d{1,18})?$/.test(t)) return { ok: false, message: `“${t}” is not a balance: write a decimal such as 50000.00, or leave it empty for unknown` };
  return { ok: true, balance: t };
}

/** A comma- or space-separated list of currency codes, upper-cased, without repeats. */
export function currencyList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean).map((c) => c.toUpperCase()))];
}
