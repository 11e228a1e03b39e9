// The test connector: each test outcome's answers to a send and to later status queries, on an
// injected clock; and the outcome grammar shared by the parser and the route schema.
import { describe, expect, it } from 'vitest';
import type { PayoutOrder, ProviderAnswer } from '../server/connectors/connector.js';
import { parseTestOutcome, TEST_OUTCOME_PATTERN } from '../runtime/test-outcome.js';
import { testConnector } from '../server/connectors/test.js';
import { checkBody } from '../server/schemas.js';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const order = (o: Partial<PayoutOrder> = {}): PayoutOrder => ({ id: 'po_1', mode: 'test', route: 'acme_eur', amount: '100.00', currency: 'EUR', reference: null, sentAt: null, ...o });

/** Sends at T0, then asks for the status at each offset (ms after T0). */
async function run(outcome: string, offsets: readonly number[], amount = '100.00'): Promise<{ send: ProviderAnswer; statuses: string[] }> {
  let now = T0;
  const connector = testConnector(outcome, () => now);
  const send = await connector.send(order({ amount }));
  const reference = 'reference' in send ? (send.reference ?? null) : null;
  const statuses: string[] = [];
  for (const offset of offsets) {
    now = T0 + offset;
    statuses.push(describeAnswer(await connector.status(order({ amount, reference, sentAt: T0 }))));
  }
  return { send, statuses };
}

function describeAnswer(a: ProviderAnswer): string {
  if (a.kind === 'failed') return `failed:${a.code}`;
  if (a.kind === 'succeeded' && a.processed) return `succeeded:${a.processed}`;
  return a.kind;
}

describe('test connector outcomes', () => {
  // outcome, the send's answer, then the status at 0 s, just before the duration, at it, an hour later.
  const cases: readonly [string, string, readonly string[]][] = [
    ['success', 'succeeded', ['succeeded', 'succeeded', 'succeeded', 'succeeded']],
    ['fail:insufficient_funds', 'failed:insufficient_funds', ['failed:insufficient_funds', 'failed:insufficient_funds', 'failed:insufficient_funds', 'failed:insufficient_funds']],
    ['partial:40.00', 'succeeded:40.00', ['succeeded:40.00', 'succeeded:40.00', 'succeeded:40.00', 'succeeded:40.00']],
    ['partial:250', 'succeeded', ['succeeded', 'succeeded', 'succeeded', 'succeeded']],
    ['pending:2s', 'accepted', ['accepted', 'accepted', 'succeeded', 'succeeded']],
    ['pending-fail:2s:account_closed', 'accepted', ['accepted', 'accepted', 'failed:account_closed', 'failed:account_closed']],
    ['timeout', 'unknown', ['succeeded', 'succeeded', 'succeeded', 'succeeded']],
    ['reverse:2s', 'succeeded', ['succeeded', 'succeeded', 'reversed', 'reversed']],
  ];
  it.each(cases)('%s: the send answers %s, then the statuses follow the clock', async (outcome, send, statuses) => {
    const result = await run(outcome, [0, 1_999, 2_000, 3_600_000]);
    expect(describeAnswer(result.send)).toBe(send);
    expect(result.statuses).toEqual(statuses);
  });

  it('reads durations in ms, s, m and h', () => {
    expect(parseTestOutcome('pending:250ms')).toEqual({ kind: 'pending', afterMs: 250 });
    expect(parseTestOutcome('pending:5m')).toEqual({ kind: 'pending', afterMs: 300_000 });
    expect(parseTestOutcome('reverse:1h')).toEqual({ kind: 'reverse', afterMs: 3_600_000 });
    expect(parseTestOutcome('pending-fail:2s:x.y-z')).toEqual({ kind: 'pending-fail', afterMs: 2_000, code: 'x.y-z' });
  });

  it('answers a status from the reference alone, whatever the route says now', async () => {
    let now = T0;
    const sent = await testConnector('pending-fail:1m:limit', () => now).send(order());
    expect(sent.kind).toBe('accepted');
    const reference = (sent as { reference: string }).reference;
    now = T0 + 60_000;
    // The route now says success; the payout was sent under pending-fail, and its reference says so.
    expect(await testConnector('success', () => now).status(order({ reference, sentAt: T0 }))).toEqual({ kind: 'failed', code: 'limit', reference });
  });

  it('gives each payout its own reference, and answers a resend as the first send', async () => {
    const connector = testConnector('pending:1m', () => T0 + 5);
    const a = await connector.send(order({ id: 'a:1', sentAt: T0 }));
    const again = await connector.send(order({ id: 'a:1', sentAt: T0 }));
    const b = await connector.send(order({ id: 'b', sentAt: T0 }));
    expect(again).toEqual(a);
    expect((a as { reference: string }).reference).not.toBe((b as { reference: string }).reference);
  });

  it('does not guess about a reference it did not give', async () => {
    expect((await testConnector('success').status(order({ reference: 'prov_123' }))).kind).toBe('unknown');
  });

  it('is polled: it takes no webhooks', () => {
    expect(testConnector('success').webhook({}, '{}').ok).toBe(false);
  });
});

describe('test outcome grammar', () => {
  const valid = ['success', 'timeout', 'fail:provider_timeout', 'partial:0.5', 'pending:2s', 'pending:100ms', 'pending-fail:5m:declined', 'reverse:1h'];
  const invalid = ['', 'succes', 'fail:', 'fail:a b', 'partial:1e3', 'pending:2', 'pending:2d', 'pending-fail:2s', 'reverse', 'timeout:1s', 'pending:1234567s', 'success ', 'fail:x\n'];

  it.each(valid)('accepts %j in the parser and the route schema', (text) => {
    expect(parseTestOutcome(text)).toBeDefined();
    expect(new RegExp(TEST_OUTCOME_PATTERN, 'u').test(text)).toBe(true);
    expect(() => checkBody('RoutePut', { test_outcome: text })).not.toThrow();
  });

  it.each(invalid)('refuses %j in the parser and the route schema', (text) => {
    expect(parseTestOutcome(text)).toBeUndefined();
    expect(() => checkBody('RoutePut', { test_outcome: text })).toThrow(/test_outcome/);
  });
});
