// The payout request pages' words: each event of a request's log in one line with its tone, as
// the gateway writes them, and every payout and request status with a distinct mark or tone.
import { describe, expect, it } from 'vitest';
import { eventSummary, eventTone, payoutMark, requestTone } from '../editor/console-model/requests-model.js';
import { PAYOUT_STATUSES, REQUEST_STATUSES } from '../runtime/payout-status.js';

const answer = (over: Record<string, unknown>) => ({ type: 'provider_answer', at: '2026-12-02T16:53:55.120Z', payout: 'po_1', route: 'acme_eur', ...over });

describe('payout request events', () => {
  it('says how each provider answer came, and what it said', () => {
    expect(eventSummary(answer({ via: 'send', status: 'pending' }))).toBe('acme_eur answered the send: pending');
    expect(eventSummary(answer({ via: 'status', status: 'succeeded', processed: '40.00' }))).toBe('acme_eur answered a status query: succeeded, paid 40.00 of it');
    expect(eventSummary(answer({ via: 'webhook', status: 'failed', error: 'provider_down' }))).toBe('acme_eur answered by webhook: failed (provider_down)');
    expect(eventSummary(answer({ via: 'send', status: 'unknown', reason: 'no answer within 2000 ms' }))).toBe('acme_eur answered the send: unknown (no answer within 2000 ms)');
    expect(eventSummary(answer({ via: 'status', status: 'reversed' }))).toBe('acme_eur answered a status query: reversed');
    expect(eventSummary(answer({ via: 'status', status: 'not_found' }))).toBe('acme_eur answered a status query: it never received the payout, which is sent again (same id)');
  });

  it('colours a provider answer by the status it gave: paid, failed, still to come, or come back', () => {
    expect(eventTone(answer({ via: 'send', status: 'succeeded' }))).toBe('ok');
    expect(eventTone(answer({ via: 'send', status: 'failed', error: 'x' }))).toBe('fail');
    expect(eventTone(answer({ via: 'send', status: 'pending' }))).toBe('wait');
    expect(eventTone(answer({ via: 'send', status: 'unknown', reason: 'x' }))).toBe('wait');
    expect(eventTone(answer({ via: 'status', status: 'not_found' }))).toBe('wait');
    expect(eventTone(answer({ via: 'webhook', status: 'reversed' }))).toBe('reversed');
  });

  it('shows an answer in a shape it does not know as its fields, never as a made-up status', () => {
    expect(eventSummary({ type: 'provider_answer', at: 'x', route: 'acme_eur', ok: true })).toBe('{"route":"acme_eur","ok":true}');
    expect(eventTone({ type: 'provider_answer', route: 'acme_eur', ok: true })).toBe('neutral');
  });

  it('says the run’s other events in one line, with a tone', () => {
    const decision = { type: 'decision', attempt: 2, amount: '100.00', exclude: ['acme_eur'], decision: { status: 'routed', route: 'bankco_eur', strategy: 'optimal' } };
    expect(eventSummary(decision)).toBe('attempt 2, 100.00, excluding acme_eur: routed → bankco_eur (optimal)');
    expect(eventTone(decision)).toBe('ok');
    const blocked = { type: 'decision', attempt: 1, amount: '100.00', exclude: [], decision: { status: 'blocked', block: 'sanctions' } };
    expect(eventSummary(blocked)).toBe('attempt 1, 100.00: blocked by sanctions');
    expect(eventTone(blocked)).toBe('fail');

    const created = { type: 'payout_created', payout: 'po_1', attempt: 1, route: 'acme_eur', amount: '100.00', currency: 'EUR', fee: '0.70', p2p: [] };
    expect(eventSummary(created)).toBe('payout to acme_eur: 100.00 EUR, fee 0.70 (attempt 1)');
    expect(eventTone(created)).toBe('neutral');
    // The payout operation's payouts have no attempt.
    expect(eventSummary({ type: 'payout_created', payout: 'po_2', route: 'acme_eur', amount: '25.00', currency: 'EUR', fee: '0.33' })).toBe('payout to acme_eur: 25.00 EUR, fee 0.33');

    const failover = { type: 'failover', next_attempt: 2, exclude: ['acme_eur'], last_error: 'provider_down', remaining: '100.00' };
    expect(eventSummary(failover)).toBe('failover to attempt 2: 100.00 left, last error provider_down, excluding acme_eur');
    expect(eventTone(failover)).toBe('fail');
    // A payout that paid only part fails over without an error, its route excluded.
    expect(eventSummary({ type: 'failover', next_attempt: 2, exclude: ['acme_eur'], last_error: null, remaining: '60.00' })).toBe('failover to attempt 2: 60.00 left, excluding acme_eur');

    const refused = { type: 'reservation_refused', route: 'acme_eur', reason: 'the balance does not cover 100.70' };
    expect(eventSummary(refused)).toBe('acme_eur refused the reservation: the balance does not cover 100.70');
    expect(eventTone(refused)).toBe('fail');

    const error = { type: 'error', message: 'an internal error occurred before any payout was sent' };
    expect(eventSummary(error)).toBe('an internal error occurred before any payout was sent');
    expect(eventTone(error)).toBe('fail');

    expect(eventSummary({ type: 'something_new', at: 'x', n: 1 })).toBe('{"n":1}');
    expect(eventTone({ type: 'something_new' })).toBe('neutral');
  });

  it('says each final status with its tone: processed, failed, blocked, reversed', () => {
    const final = (status: string, resolution: string | null = null, block: string | null = null) => ({ type: 'final_status', status, resolution, block });
    expect(eventSummary(final('processed'))).toBe('processed');
    expect(eventTone(final('processed'))).toBe('ok');
    expect(eventSummary(final('failed', 'ATTEMPTS_EXHAUSTED'))).toBe('failed: ATTEMPTS_EXHAUSTED');
    expect(eventTone(final('failed', 'ATTEMPTS_EXHAUSTED'))).toBe('fail');
    expect(eventSummary(final('blocked', null, 'sanctions'))).toBe('blocked by sanctions');
    expect(eventTone(final('blocked', null, 'sanctions'))).toBe('fail');
    expect(eventSummary(final('reversed'))).toBe('reversed: the money of every paid payout came back');
    expect(eventTone(final('reversed'))).toBe('reversed');
  });
});

describe('status marks', () => {
  it('gives each of the seven payout statuses its own mark', () => {
    const marks = PAYOUT_STATUSES.map((s) => payoutMark(s).mark);
    expect(new Set(marks).size).toBe(PAYOUT_STATUSES.length);
    expect(Object.fromEntries(PAYOUT_STATUSES.map((s) => [s, payoutMark(s).tone]))).toEqual({
      created: 'wait',
      sent: 'wait',
      pending: 'wait',
      unknown: 'wait',
      succeeded: 'ok',
      failed: 'fail',
      reversed: 'reversed',
    });
    expect(payoutMark('lost_in_space')).toEqual({ mark: '·', tone: 'neutral' });
  });

  it('tells a reversed request from a failed one, and a processing one waits', () => {
    expect(Object.fromEntries(REQUEST_STATUSES.map((s) => [s, requestTone(s)]))).toEqual({ processing: 'wait', processed: 'ok', failed: 'fail', blocked: 'fail', reversed: 'reversed' });
    expect(requestTone('paused')).toBe('neutral');
  });
});
