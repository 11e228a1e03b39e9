// The test connector: a simulated provider whose answers follow the route's `test_outcome`. It
// keeps no state: the reference it gives encodes the outcome and when the payout was sent, so a
// status query is answered from the reference and the clock alone.
import { cmp, parseDecimal } from '../../runtime/rational.js';
import type { Connector, PayoutOrder, ProviderAnswer } from './connector.js';

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

/** What the provider says at `now` about a payout sent at `sentAt` with `outcome`. */
function answerAt(outcome: TestOutcome, order: PayoutOrder, sentAt: number, now: number, reference: string): ProviderAnswer {
  const due = 'afterMs' in outcome && now >= sentAt + outcome.afterMs;
  switch (outcome.kind) {
    case 'success':
    case 'timeout':
      return { kind: 'succeeded', reference };
    case 'fail':
      return { kind: 'failed', code: outcome.code, reference };
    case 'partial': {
      // Pays at most the outcome's amount of each payout.
      const less = cmp(parseDecimal(outcome.amount)!, parseDecimal(order.amount)!) < 0;
      return less ? { kind: 'succeeded', reference, processed: outcome.amount } : { kind: 'succeeded', reference };
    }
    case 'pending':
      return due ? { kind: 'succeeded', reference } : { kind: 'accepted', reference };
    case 'pending-fail':
      return due ? { kind: 'failed', code: outcome.code, reference } : { kind: 'accepted', reference };
    case 'reverse':
      // It sends no webhook: `watch` keeps its status asked for until the reversal comes.
      return due ? { kind: 'reversed', reference } : { kind: 'succeeded', reference, watch: true };
  }
}

const PREFIX = 'test:';

/** `test:SENT_AT:ID:OUTCOME`, the id URI-encoded (so it holds no `:`); the outcome text comes last. */
function testReference(order: PayoutOrder, sentAt: number, outcomeText: string): string {
  return `${PREFIX}${sentAt}:${encodeURIComponent(order.id)}:${outcomeText}`;
}

function readReference(reference: string): { sentAt: number; outcome: TestOutcome } | undefined {
  const m = /^test:(\d{1,16}):[^:]*:(.*)$/.exec(reference);
  const outcome = m ? parseTestOutcome(m[2]!) : undefined;
  return m && outcome ? { sentAt: Number(m[1]), outcome } : undefined;
}

/**
 * A connector answering as `outcomeText` says (an invalid text is read as `success`, the column's
 * default). `now` is the clock, in ms since the epoch.
 */
export function testConnector(outcomeText: string, now: () => number = Date.now): Connector {
  const text = parseTestOutcome(outcomeText) ? outcomeText : 'success';
  const outcome = parseTestOutcome(text)!;
  return {
    kind: 'test',
    async send(order) {
      const sentAt = order.sentAt ?? now();
      if (outcome.kind === 'timeout') return { kind: 'unknown', reason: 'the test provider did not answer (test outcome "timeout")' };
      const reference = testReference(order, sentAt, text);
      const answer = answerAt(outcome, order, sentAt, sentAt, reference);
      // A send is answered at once: an outcome due later is accepted now.
      return answer.kind === 'reversed' ? { kind: 'succeeded', reference, watch: true } : answer;
    },
    async status(order) {
      if (order.reference !== null) {
        const sent = readReference(order.reference);
        if (!sent) return { kind: 'unknown', reason: 'the reference was not given by the test connector' };
        return answerAt(sent.outcome, order, sent.sentAt, now(), order.reference);
      }
      // No reference: the send went unanswered (`timeout`) or its answer was lost. The outcome is
      // the route's current one, as of when the payout was sent.
      const sentAt = order.sentAt ?? now();
      return answerAt(outcome, order, sentAt, now(), testReference(order, sentAt, text));
    },
    webhook: () => ({ ok: false, reason: 'the test connector is polled; it sends no webhooks' }),
  };
}
