// The test connector: a simulated provider whose answers follow the route's `test_outcome`. It
// keeps no state: the reference it gives encodes the outcome and when the payout was sent, so a
// status query is answered from the reference and the clock alone.
import { cmp, parseDecimal } from '../../runtime/rational.js';
import { parseTestOutcome, type TestOutcome } from '../../runtime/test-outcome.js';
import type { Connector, PayoutOrder, ProviderAnswer } from './connector.js';

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
