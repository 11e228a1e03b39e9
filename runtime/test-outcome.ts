// The grammar of a route's `test_outcome`: what the test connector (server/connectors/test.ts)
// answers for it. One definition, read by the connector, the API's schema and the console.

const CODE = '[A-Za-z0-9_.-]{1,100}';
const AMOUNT = '\\d{1,15}(?:\\.\\d{1,6})?';
const DURATION = '\\d{1,6}(?:ms|s|m|h)';

/** Every test outcome, as its text is written (`DURATION`: `250ms`, `2s`, `5m`, `1h`). */
const FORMS = [
  'success',
  `fail:(${CODE})`,
  `partial:(${AMOUNT})`,
  `pending:(${DURATION})`,
  `pending-fail:(${DURATION}):(${CODE})`,
  'timeout',
  `reverse:(${DURATION})`,
] as const;

/** The JSON-schema `pattern` of a route's `test_outcome`; parseTestOutcome reads the same grammar. */
export const TEST_OUTCOME_PATTERN = `^(?:${FORMS.join('|')})$`;
const OUTCOME = new RegExp(TEST_OUTCOME_PATTERN);

export type TestOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'fail'; readonly code: string }
  | { readonly kind: 'partial'; readonly amount: string }
  | { readonly kind: 'pending'; readonly afterMs: number }
  | { readonly kind: 'pending-fail'; readonly afterMs: number; readonly code: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'reverse'; readonly afterMs: number };

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

function durationMs(text: string): number {
  const [, digits, unit] = /^(\d+)(ms|s|m|h)$/.exec(text)!;
  return Number(digits) * UNIT_MS[unit!]!;
}

/** Reads a test outcome's text; undefined when it is not one (TEST_OUTCOME_PATTERN). */
export function parseTestOutcome(text: string): TestOutcome | undefined {
  const m = OUTCOME.exec(text);
  if (!m) return undefined;
  // The groups are numbered across FORMS in order: fail 1, partial 2, pending 3, pending-fail 4–5, reverse 6.
  if (m[1] !== undefined) return { kind: 'fail', code: m[1] };
  if (m[2] !== undefined) return { kind: 'partial', amount: m[2] };
  if (m[3] !== undefined) return { kind: 'pending', afterMs: durationMs(m[3]) };
  if (m[4] !== undefined) return { kind: 'pending-fail', afterMs: durationMs(m[4]), code: m[5]! };
  if (m[6] !== undefined) return { kind: 'reverse', afterMs: durationMs(m[6]) };
  return text === 'timeout' ? { kind: 'timeout' } : { kind: 'success' };
}
