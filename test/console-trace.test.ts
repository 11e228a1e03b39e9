// The console's routing tree (editor/console-model/trace-tree.ts) from real decisions' traces, and
// the request pages' pure helpers (query string, views).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, decide, expandTrace, type Decision } from '../index.js';
import { listQuery, utcInstant } from '../editor/console-model/requests-model.js';
import { flatten, traceTree, whyNotRouted, type TreeNode } from '../editor/console-model/trace-tree.js';
import { tabOf, viewOf } from '../editor/console-model/views.js';

const source = readFileSync(new URL('../examples/eu_payouts.sluice', import.meta.url), 'utf8');
const scheme = compile(source).scheme!;
const state = { routes: { acme_eur: { balance: '100.00' }, bankco_eur: { balance: '90000.00' } }, rates: { 'EUR/USD': '1.0850' } };
const request = (over: Record<string, unknown>) => ({ amount: '100.00', currency: 'EUR', service: 'sepa_eur', country: 'FR', fields: { kyc_level: 3, segment: 'retail' }, ...over });

function decided(over: Record<string, unknown>): Decision {
  const d = decide(scheme, request(over), state, { trace: true });
  if (d.status === 'invalid') throw new Error('invalid request');
  // As the gateway's event log keeps it: expanded.
  return { ...d, trace: expandTrace(scheme, d.trace) };
}

const shape = (t: TreeNode) => flatten(t).map(({ node, depth }) => `${'  '.repeat(depth)}${node.tone} ${node.title} — ${node.outcome}`);

describe('traceTree', () => {
  it('nests the taken branch, marks failed ones red, and lists the strategy candidates', () => {
    const tree = traceTree(decided({ amount: '12000.00', country: 'DE', attempt: 2, exclude: ['acme_eur'] }), 'sepa_eur');
    expect(shape(tree)).toEqual([
      'ok decision — routed → bankco_eur',
      '  ok block sanctions when country in [KP, IR, SY, CU] — passed',
      '  ok block unverified when amount > 10000 EUR and fields.kyc_level < 2 — passed',
      '  ok service sepa_eur — routed',
      '    ok when amount >= 10000 EUR — taken',
      '      ok balance — chose bankco_eur',
    ]);
    const strategy = flatten(tree).find((n) => n.node.kind === 'strategy')!.node;
    expect(strategy.line).toBe(22);
    expect(strategy.candidates).toEqual([
      { route: 'bankco_eur', state: 'chosen' },
      { route: 'acme_eur', state: 'filtered', reason: 'excluded by failover' },
    ]);
    const branch = flatten(tree).find((n) => n.node.kind === 'branch')!.node;
    expect(branch.values).toEqual([['amount', '12000.00 EUR']]);
  });

  it('keeps not-taken branches as siblings of the taken one', () => {
    const tree = traceTree(decided({}), 'sepa_eur');
    const service = tree.children.find((c) => c.kind === 'service')!;
    expect(service.children.map((c) => `${c.tone} ${c.title}`)).toEqual([
      'fail when amount >= 10000 EUR',
      'fail when country in [DE, AT] and fields.segment = "business"',
      'ok else',
    ]);
    expect(service.children[2]!.children.map((c) => `${c.kind} ${c.outcome}`)).toEqual(['strategy chose acme_eur']);
  });

  it('shows a matched block red and stops there', () => {
    const tree = traceTree(decided({ country: 'IR' }), 'sepa_eur');
    expect(tree.tone).toBe('fail');
    expect(tree.outcome).toBe('blocked by sanctions');
    expect(tree.children).toHaveLength(1);
    expect(tree.children[0]).toMatchObject({ kind: 'block', tone: 'fail', outcome: 'matched: blocked' });
  });

  it('marks a strategy that chose nothing, an unknown service and spent attempts red', () => {
    const noRoute = traceTree(decided({ attempt: 2, exclude: ['acme_eur', 'bankco_eur'] }), 'sepa_eur');
    const strategy = flatten(noRoute).find((n) => n.node.kind === 'strategy')!.node;
    expect(strategy).toMatchObject({ tone: 'fail', outcome: 'no route' });
    expect(strategy.candidates.map((c) => c.state)).toEqual(['filtered', 'filtered']);
    expect(noRoute.children.find((c) => c.kind === 'service')!.tone).toBe('fail');

    const unknown = traceTree(decided({ service: 'nope' }), 'nope');
    expect(unknown.children.at(-1)).toMatchObject({ kind: 'service', tone: 'fail', outcome: 'not configured in this scheme' });

    const spent = traceTree(decided({ attempt: 3 }));
    expect(spent.children).toEqual([expect.objectContaining({ kind: 'note', tone: 'fail', outcome: 'attempt 3 of 2: none left' })]);
  });

  it('says in one line why a decision was not routed', () => {
    expect(whyNotRouted(decided({ attempt: 2, exclude: ['acme_eur', 'bankco_eur'] }))).toBe(
      'STRATEGY_CONFIGURED_ROUTES_WERE_FILTERED (acme_eur: excluded by failover; bankco_eur: excluded by failover)',
    );
    expect(whyNotRouted(decided({ country: 'IR' }))).toBe('blocked by sanctions');
    expect(whyNotRouted(decided({ service: 'nope' }))).toBe('STRATEGY_RECEIVED_NO_ROUTES (service not configured in this scheme)');
    expect(whyNotRouted(decided({ attempt: 3 }))).toBe('ATTEMPTS_EXHAUSTED (attempt 3 of 2: none left)');
    expect(whyNotRouted({ ...decided({ attempt: 3 }), trace: [] })).toBe('ATTEMPTS_EXHAUSTED');
  });

  it('reads the decision JSON a payout request event carries, and survives junk', () => {
    const json = JSON.parse(JSON.stringify(decided({}))) as unknown as Record<string, unknown>;
    expect(flatten(traceTree(json, 'sepa_eur')).length).toBe(flatten(traceTree(decided({}), 'sepa_eur')).length);
    expect(traceTree({ status: 'failed', resolution: 'X', trace: [null, 3, { nope: 1 }, { step: 'mystery', x: 1 }] })).toMatchObject({
      tone: 'fail',
      children: [{ kind: 'note', tone: 'neutral', title: 'mystery' }],
    });
    expect(traceTree({})).toMatchObject({ children: [] });
  });
});

describe('request pages', () => {
  it('builds the list query from the filter form', () => {
    expect(listQuery({})).toBe('');
    expect(listQuery({ status: 'failed', service: ' sepa_eur ', point_id: '', from: '2026-11-20T10:00', to: '2026-11-21', limit: 20, cursor: 'abc' })).toBe(
      '?status=failed&service=sepa_eur&from=2026-11-20T10%3A00%3A00Z&to=2026-11-21T00%3A00%3A00Z&limit=20&cursor=abc',
    );
    expect(utcInstant('2026-11-20T10:00:05')).toBe('2026-11-20T10:00:05Z');
    expect(utcInstant('2026-11-20T10:00:05+02:00')).toBe('2026-11-20T10:00:05+02:00');
  });

  it('reads the views from the address', () => {
    expect(viewOf('')).toEqual({ name: 'editor' });
    expect(viewOf('#/requests')).toEqual({ name: 'requests' });
    expect(viewOf('#/requests/a%2Fb')).toEqual({ name: 'request', id: 'a/b' });
    expect(viewOf('#/requests/%E0%A4%A')).toEqual({ name: 'request', id: '%E0%A4%A' });
    expect(viewOf('#/routes')).toEqual({ name: 'routes' });
    expect(viewOf('#/simulation')).toEqual({ name: 'simulation' });
    expect(viewOf('#/webhooks')).toEqual({ name: 'webhooks' });
    expect(viewOf('#/nowhere')).toEqual({ name: 'editor' });
    expect(tabOf({ name: 'request', id: 'x' })).toBe('requests');
  });
});
