// The route state page's pure parts: route lines read with the grammar, usage against caps,
// the rate-table form, test outcomes, connectors, balances and currency lists.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balanceInput, connectorSummary, currencyList, parseRateLines, rateLines, schemeRoutes, testOutcome, usage } from '../editor/console-model/routes-model.js';

describe('route state model', () => {
  it('reads each route line: currency, caps, p2p, disabled; the rates table and base', () => {
    const m = schemeRoutes(readFileSync(new URL('../examples/eu_payouts.sluice', import.meta.url), 'utf8'));
    expect(m.rates).toBe('ecb_daily');
    expect(m.base).toBe('EUR');
    expect(m.routes).toEqual([
      { name: 'acme_eur', currency: 'EUR', daily: '200000', monthly: null, p2p: false, disabled: false, line: 11 },
      { name: 'bankco_eur', currency: 'EUR', daily: null, monthly: null, p2p: false, disabled: false, line: 12 },
      { name: 'p2p_eur', currency: 'EUR', daily: null, monthly: null, p2p: true, disabled: false, line: 13 },
      { name: 'global_usd', currency: 'USD', daily: null, monthly: '5000000', p2p: false, disabled: false, line: 14 },
    ]);
    expect(schemeRoutes(readFileSync(new URL('../examples/language_section2.sluice', import.meta.url), 'utf8')).routes.at(-1)).toEqual({
      name: 'old_eur', currency: 'EUR', daily: null, monthly: null, p2p: false, disabled: true, line: 15,
    });
  });

  it('reads what it can of a broken scheme; no rates line means `default`', () => {
    const m = schemeRoutes('scheme x\nroute a EUR daily 100\nroute a USD\nroute b GBP fee\n');
    expect(m.rates).toBe('default');
    expect(m.routes[0]).toMatchObject({ name: 'a', currency: 'EUR', daily: '100' });
    expect(m.routes.filter((r) => r.name === 'a')).toHaveLength(1);
  });

  it('says how full a cap is', () => {
    expect(usage('50.00', '200')).toEqual({ percent: 25, text: '50.00 of 200 (25.0%)', over: false });
    expect(usage(undefined, '200')).toEqual({ percent: 0, text: '0 of 200 (0.0%)', over: false });
    expect(usage('300', '200')).toMatchObject({ percent: 100, over: true });
    expect(usage('12.00', null)).toEqual({ percent: null, text: '12.00 (no cap)', over: false });
    expect(usage('1', '0')).toMatchObject({ percent: 100, over: true });
  });

  it('reads the rate-table form', () => {
    expect(parseRateLines('EUR/USD 1.0850\n# comment\n\ngbp/eur = 1.17\nUSD/JPY: 150\n')).toEqual({ ok: true, rates: { 'EUR/USD': '1.0850', 'GBP/EUR': '1.17', 'USD/JPY': '150' } });
    expect(parseRateLines('EUR/USD 1.08\nEURUSD 1\n')).toMatchObject({ ok: false, line: 2 });
    expect(parseRateLines('EUR/USD 0')).toMatchObject({ ok: false, message: expect.stringMatching(/more than zero/) });
    expect(parseRateLines('\n')).toMatchObject({ ok: false });
  });

  it('shows a stored rate table as lines that read back to the same table', () => {
    expect(rateLines({ 'GBP/EUR': '1.17', 'EUR/USD': '1.0850' })).toBe('EUR/USD 1.0850\nGBP/EUR 1.17');
    const code = fc.stringMatching(/^[A-Z]{3}$/);
    const rate = fc.stringMatching(/^[1-9]\d{0,5}(\.\d{1,6})?$/);
    const table = fc.dictionary(fc.tuple(code, code).map(([a, b]) => `${a}/${b}`), rate, { minKeys: 1 });
    fc.assert(fc.property(table, (rates) => {
      expect(parseRateLines(rateLines(rates))).toEqual({ ok: true, rates });
    }), { seed: 20261123, numRuns: 200 });
  });

  it('takes every test outcome the service takes, and refuses what it refuses', () => {
    const outcomes = ['success', 'fail:provider_down', 'partial:40.00', 'pending:2s', 'pending-fail:250ms:provider_down', 'timeout', 'reverse:1h'];
    for (const outcome of outcomes) expect(testOutcome(` ${outcome} `)).toBe(outcome);
    for (const text of ['', 'fail:', 'fail:no spaces', 'pending', 'pending:2', 'pending:soon', 'pending-fail:2s', 'reverse:1d', 'partial:-1', 'Success']) expect(testOutcome(text)).toBeNull();
  });

  it('shows a route’s connector: its kind, where it sends and which secrets are set, never a value', () => {
    expect(connectorSummary({ kind: 'test', configured: false, config: null, secrets: {} })).toEqual({ kind: 'test', details: ['the test outcome answers'] });
    expect(connectorSummary({ kind: 'none', configured: false, config: null, secrets: {} })).toEqual({ kind: 'none', details: ['nothing configured: sends fail with provider_not_configured'] });
    const http = { kind: 'http', configured: true, config: { base_url: 'http://127.0.0.1:4010', credentials_header: 'authorization' }, secrets: { webhook_secret: 'set', credentials: 'set' } };
    expect(connectorSummary(http)).toEqual({ kind: 'http', details: ['http://127.0.0.1:4010', 'credentials, webhook_secret set'] });
    expect(connectorSummary({ ...http, secrets: {} }).details).toEqual(['http://127.0.0.1:4010', 'no secrets set']);
    // Were a value ever in the answer, the summary names the secret and never shows it.
    expect(JSON.stringify(connectorSummary({ ...http, secrets: { credentials: 'Bearer sk_live_x' } }))).not.toContain('sk_live_x');
  });

  it('checks balances and currency lists as the service will', () => {
    expect(balanceInput(' 50000.00 ')).toEqual({ ok: true, balance: '50000.00' });
    expect(balanceInput('')).toEqual({ ok: true, balance: null });
    expect(balanceInput('-1')).toMatchObject({ ok: false });
    expect(balanceInput('1e5')).toMatchObject({ ok: false });
    expect(currencyList('eur, USD  eur,,gbp')).toEqual(['EUR', 'USD', 'GBP']);
  });
});
