// The simulation view's pure parts: JSONL and state input, sample traffic, the worker's run
// (the CLI's summary, two versions with their diff) and the chart data and bar geometry.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from '../grammar/parse.js';
import { CATEGORY_CHAR, LABEL_GAP, layoutBars, MAX_CATEGORY, resolutionCounts, routeShares, statusShares, VALUE_CHAR, type Series } from '../editor/console-model/charts.js';
import { runSimulation } from '../editor/console-model/simulate.js';
import { parseJsonl, parseStateText, sampleTraffic } from '../editor/console-model/simulation-input.js';
import { compile } from '../index.js';
import { Simulation } from '../runtime/simulation.js';
import { toRequest } from '../runtime/request.js';
import { parseState } from '../runtime/state.js';

const SOURCE = readFileSync(new URL('../examples/eu_payouts.sluice', import.meta.url), 'utf8');
const STATE = JSON.stringify({ routes: { acme_eur: { balance: '500000.00' }, bankco_eur: { balance: '900000.00' }, global_usd: { balance: '100000.00' } }, rates: { 'EUR/USD': '1.0850' } });
const req = (amount: string, over: Record<string, unknown> = {}) =>
  JSON.stringify({ amount, currency: 'EUR', service: 'sepa_eur', country: 'FR', fields: { kyc_level: 3, segment: 'retail' }, ...over });

describe('simulation input', () => {
  it('reads JSONL, skipping blank lines, naming the line of a mistake', () => {
    expect(parseJsonl('{"a":1}\r\n\n  \n{"b":2}\n')).toEqual({ ok: true, requests: [{ line: 1, json: { a: 1 } }, { line: 4, json: { b: 2 } }] });
    expect(parseJsonl('{"a":1}\n{oops\n')).toMatchObject({ ok: false, line: 2, message: expect.stringMatching(/^line 2 is not valid JSON/) });
    expect(parseJsonl('[1]')).toMatchObject({ ok: false, line: 1, message: 'line 1 is not a JSON object' });
    expect(parseJsonl('')).toEqual({ ok: true, requests: [] });
  });

  it('reads a state: empty is none, else an object', () => {
    expect(parseStateText('  ')).toEqual({ ok: true, state: undefined });
    expect(parseStateText('{"routes":{}}')).toEqual({ ok: true, state: { routes: {} } });
    expect(parseStateText('[]')).toMatchObject({ ok: false });
    expect(parseStateText('{')).toMatchObject({ ok: false, message: expect.stringMatching(/not valid JSON/) });
  });

  it('makes reproducible sample traffic the scheme accepts', () => {
    const ast = parse(SOURCE).ast;
    const text = sampleTraffic(ast, 50);
    expect(sampleTraffic(ast, 50)).toBe(text);
    const lines = parseJsonl(text);
    if (!lines.ok) throw new Error(lines.message);
    expect(lines.requests).toHaveLength(50);
    const scheme = compile(SOURCE).scheme!;
    for (const { json } of lines.requests) expect(scheme.validate(json)).toEqual([]);
    expect(new Set(lines.requests.map((r) => (r.json as { service: string }).service))).toEqual(new Set(['sepa_eur', 'p2p_card']));
  });
});

describe('runSimulation', () => {
  const traffic = [
    req('100.00'),
    req('200.00', { country: 'DE', fields: { kyc_level: 3, segment: 'business' } }),
    req('15000.00'),
    req('50.00', { country: 'IR' }),
    req('70.00', { service: 'swift_usd' }),
  ].join('\n');

  it('gives the CLI summary of the same run', () => {
    const out = runSimulation({ scheme: { label: 'editor', source: SOURCE }, requests: traffic, state: STATE });
    if (!out.ok) throw new Error(out.message);
    const scheme = compile(SOURCE).scheme!;
    const sim = new Simulation(scheme.program, parseState(JSON.parse(STATE)).state);
    for (const line of traffic.split('\n')) sim.step(toRequest(JSON.parse(line) as Record<string, unknown>, scheme.fieldKinds));
    expect(out.runs).toEqual([{ label: 'editor', summary: sim.summary(), invalid: 0, invalidExamples: [], notRouted: expect.any(Array) }]);
    expect(out.requests).toBe(5);
    expect(out.diff).toBeNull();
    expect(out.runs[0]!.summary.statuses).toEqual({ routed: 3, blocked: 1, failed: 1 });
    // Why the two were not routed, most first (then by name).
    expect(out.runs[0]!.notRouted).toEqual([
      { reason: 'STRATEGY_RECEIVED_NO_ROUTES (service not configured in this scheme)', count: 1 },
      { reason: 'blocked by sanctions', count: 1 },
    ]);
  });

  it('runs a second version and renders the semantic diff with the decisions it moves', () => {
    const older = SOURCE.replace('optimal acme_eur, bankco_eur\n  }\n}', 'optimal bankco_eur\n  }\n}');
    expect(older).not.toBe(SOURCE);
    const progress: number[] = [];
    const out = runSimulation({ scheme: { label: 'editor', source: SOURCE }, other: { label: 'v1', source: older }, requests: traffic, state: STATE }, (done) => progress.push(done));
    if (!out.ok) throw new Error(out.message);
    expect(out.runs.map((r) => r.label)).toEqual(['editor', 'v1']);
    expect(out.runs[1]!.summary.routes['bankco_eur']!.count).toBeGreaterThan(out.runs[0]!.summary.routes['bankco_eur']?.count ?? 0);
    expect(out.diff).toMatch(/^## sluice diff: v1 → editor/);
    expect(out.diff).toMatch(/acme_eur/);
    expect(progress.at(-1)).toBe(10);
  });

  it('skips invalid requests and says which; refuses bad input in words', () => {
    const out = runSimulation({ scheme: { label: 'editor', source: SOURCE }, requests: `${req('100.00')}\n{"amount":"x","currency":"EUR","service":"sepa_eur"}\n`, state: '' });
    if (!out.ok) throw new Error(out.message);
    expect(out.runs[0]).toMatchObject({ invalid: 1, invalidExamples: [expect.stringMatching(/^line 2: /)] });
    expect(runSimulation({ scheme: { label: 'editor', source: SOURCE }, requests: '', state: '' })).toMatchObject({ ok: false, message: expect.stringMatching(/No requests/) });
    expect(runSimulation({ scheme: { label: 'editor', source: SOURCE }, requests: '{x', state: '' })).toMatchObject({
      ok: false,
      message: "Requests: line 1 is not valid JSON (column 2: expected a double-quoted property name, found 'x').",
    });
    expect(runSimulation({ scheme: { label: 'editor', source: SOURCE }, requests: req('1.00'), state: '{"routes":5}' })).toMatchObject({ ok: false, message: expect.stringMatching(/^State: /) });
    expect(runSimulation({ scheme: { label: 'editor', source: SOURCE }, requests: req('1.00'), state: '{\n  "routes": {}\n  "rates": {}\n}' })).toMatchObject({
      ok: false,
      message: `State: the state is not valid JSON (line 3, column 3: expected ',' or '}', found '"').`,
    });
    expect(runSimulation({ scheme: { label: 'editor', source: 'scheme x\nroute a EUR fee\n' }, requests: req('1.00'), state: '' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^editor has errors \(line 2/),
    });
  });
});

describe('charts', () => {
  const a: Series = {
    label: 'editor',
    summary: {
      routes: { acme_eur: { count: 3, volume: '300.00' }, bankco_eur: { count: 1, volume: '700.00' } },
      statuses: { routed: 4, blocked: 1, failed: 0 },
      resolutions: {},
    },
  };
  const b: Series = {
    label: 'v1',
    summary: {
      routes: { bankco_eur: { count: 4, volume: '1000.00' } },
      statuses: { routed: 4, blocked: 0, failed: 1 },
      resolutions: { STRATEGY_RECEIVED_NO_ROUTES: 1 },
    },
  };

  it('gives each route its share per series, by count and by volume', () => {
    const byCount = routeShares([a, b]);
    expect(byCount.series).toEqual(['editor', 'v1']);
    expect(byCount.rows).toEqual([
      { category: 'acme_eur', values: [75, 0], labels: ['3 · 75.0%', '0 · 0.0%'] },
      { category: 'bankco_eur', values: [25, 100], labels: ['1 · 25.0%', '4 · 100.0%'] },
    ]);
    expect(routeShares([a], 'volume').rows.map((r) => r.values[0])).toEqual([30, 70]);
    expect(routeShares([{ label: 'x', summary: { routes: {}, statuses: {}, resolutions: {} } }]).rows).toEqual([]);
  });

  it('gives statuses as shares and resolutions as counts', () => {
    expect(statusShares([a]).rows.map((r) => [r.category, r.values[0]])).toEqual([['routed', 80], ['blocked', 20], ['failed', 0]]);
    const res = resolutionCounts([a, b]);
    expect(res).toMatchObject({ unit: 'count', max: 1, rows: [{ category: 'STRATEGY_RECEIVED_NO_ROUTES', values: [0, 1] }] });
  });

  it('lays out grouped bars proportional to the maximum', () => {
    const chart = routeShares([a, b]);
    const l = layoutBars(chart, { width: 400, labelWidth: 100, barHeight: 10, gap: 10 });
    // Right of the track, room for the longest value label.
    const track = 400 - 100 - (LABEL_GAP + Math.ceil('4 · 100.0%'.length * VALUE_CHAR));
    expect(l.bars).toHaveLength(4);
    expect(l.bars[0]).toMatchObject({ row: 0, series: 0, x: 100, w: track * 0.75, h: 10, label: '3 · 75.0%' });
    expect(l.bars[1]).toMatchObject({ row: 0, series: 1, w: 0 });
    expect(l.bars[3]!.w).toBe(track);
    expect(l.bars[1]!.y).toBe(l.bars[0]!.y + 12);
    expect(l.bars[2]!.y).toBeGreaterThan(l.bars[1]!.y + 10);
    expect(l.categories.map((c) => c.text)).toEqual(['acme_eur', 'bankco_eur']);
    expect(l.height).toBe(2 * (22 + 10));
    // Without a label width, it fits the longest category.
    expect(layoutBars(chart).labelWidth).toBe(Math.round('bankco_eur'.length * CATEGORY_CHAR + 2 * LABEL_GAP));
    expect(layoutBars({ ...chart, rows: [] }).labelWidth).toBe(80);
    const long = resolutionCounts([b]);
    expect(layoutBars(long, { width: 520 }).labelWidth).toBe(Math.round('STRATEGY_RECEIVED_NO_ROUTES'.length * CATEGORY_CHAR + 2 * LABEL_GAP));
  });

  it('leaves room for every label: categories left of the axis, values right of the longest bar (seed 31)', () => {
    const name = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 1, maxLength: 70 });
    const row = fc.record({ category: name, values: fc.array(fc.double({ min: 0, max: 120, noNaN: true }), { minLength: 2, maxLength: 2 }), labels: fc.array(fc.string({ maxLength: 30 }), { minLength: 2, maxLength: 2 }) });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 6 }), fc.integer({ min: 200, max: 900 }), (rows, width) => {
        const l = layoutBars({ title: 't', series: ['a', 'b'], rows, max: 100, unit: 'percent' }, { width });
        expect(l.width).toBeGreaterThanOrEqual(width);
        for (const c of l.categories) {
          expect(c.text.length * CATEGORY_CHAR).toBeLessThanOrEqual(l.labelWidth - LABEL_GAP);
          expect(c.text === c.full || (c.text.endsWith('…') && c.full.startsWith(c.text.slice(0, -1)))).toBe(true);
        }
        for (const bar of l.bars) expect(bar.x + bar.w + LABEL_GAP + bar.label.length * VALUE_CHAR).toBeLessThanOrEqual(l.width);
      }),
      { seed: 31, numRuns: 300, verbose: true },
    );
    const longName = 'r'.repeat(MAX_CATEGORY + 5);
    expect(layoutBars({ title: 't', series: ['a'], rows: [{ category: longName, values: [1], labels: ['1'] }], max: 1, unit: 'count' }).categories[0]).toMatchObject({ text: `${'r'.repeat(MAX_CATEGORY - 1)}…`, full: longName });
  });
});
