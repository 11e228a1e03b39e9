// The route state page's model: a scheme's route lines (currency, daily and monthly caps) read
// with the project's grammar, usage against a cap, the rate-table text form, test outcomes, and
// a route's connector in words.
import { parse } from '../../grammar/parse.js';
import { TEST_OUTCOME_PATTERN } from '../../runtime/test-outcome.js';

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

const OUTCOME = new RegExp(TEST_OUTCOME_PATTERN);

/** What a test outcome may be, for the form's hint and its refusal. */
export const TEST_OUTCOME_FORMS = 'success, fail:CODE, partial:AMOUNT, pending:DURATION, pending-fail:DURATION:CODE, timeout or reverse:DURATION (DURATION such as 250ms, 2s, 5m, 1h)';

/** A test outcome as typed, trimmed, when the service accepts it (its own pattern); null when not. */
export function testOutcome(text: string): string | null {
  const t = text.trim();
  return OUTCOME.test(t) ? t : null;
}

/** A route's connector as `GET /v1/routes/{route}/connector` shows it (secrets only as "set"). */
export interface ConnectorView {
  readonly kind: string;
  readonly configured: boolean;
  readonly config: { readonly base_url?: unknown } | null;
  readonly secrets: Readonly<Record<string, unknown>>;
}

/** The connector in words: its kind, and for a configured one where it sends and which secrets are set; never a value. */
export function connectorSummary(c: ConnectorView): { readonly kind: string; readonly details: readonly string[] } {
  if (c.kind === 'test') return { kind: 'test', details: ['the test outcome answers'] };
  if (c.kind === 'none') return { kind: 'none', details: ['nothing configured: sends fail with provider_not_configured'] };
  const base = typeof c.config?.base_url === 'string' ? [c.config.base_url] : [];
  const secrets = Object.keys(c.secrets).sort();
  return { kind: c.kind, details: [...base, secrets.length ? `${secrets.join(', ')} set` : 'no secrets set'] };
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
