// What a compiled scheme carries besides its programs: its settings (LANGUAGE.md §2's defaults
// where a line is missing; the checker reads the same ones), its fields' kinds, its routes and
// its p2p pools, each lowered once in compileAst.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../compiler/check.js';
import { compile } from '../compiler/compile.js';

const src = (...lines: string[]) => `${lines.join('\n')}\n`;
const example = (name: string) => readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8');

describe('a compiled scheme carries its settings', () => {
  it('with the defaults of LANGUAGE.md §2 where a line is missing: mode test, base EUR, attempts 1', () => {
    expect(compile(src('scheme s')).scheme!.settings).toEqual({ name: 's', mode: 'test', base: 'EUR', attempts: 1, rates: null, p2pFirst: false });
  });

  it('as written where every line is given', () => {
    const source = src('scheme s', 'mode live', 'rates fx', 'base USD', 'attempts 3', 'p2p first');
    expect(compile(source).scheme!.settings).toEqual({ name: 's', mode: 'live', base: 'USD', attempts: 3, rates: 'fx', p2pFirst: true });
  });

  it('which the checker reads as well: the first of a duplicate line, the default for an invalid value', () => {
    const checked = checkSource(src('scheme s', 'mode live', 'mode test', 'base EUX', 'attempts 0', 'attempts 2'));
    expect(checked.diagnostics.map((d) => d.code).sort()).toEqual(['E_DUPLICATE', 'E_DUPLICATE', 'E_INVALID_CURRENCY', 'E_INVALID_NUMBER']);
    expect(checked.symbols.settings).toEqual({ name: 's', mode: 'live', base: 'EUR', attempts: 1, rates: null, p2pFirst: false });
  });
});

describe('a compiled scheme carries its fields, routes and pools', () => {
  it('fields with the kind their JSON value is read as', () => {
    const scheme = compile(src('scheme s', 'field k int', 'field seg one_of "a", "b"', 'field d decimal')).scheme!;
    expect([...scheme.fieldKinds]).toEqual([['k', 'int'], ['seg', 'one_of'], ['d', 'decimal']]);
  });

  it('routes by name in declaration order, each as the runtime reads it; the p2p ones as its pools', () => {
    const scheme = compile(example('global_payouts.sluice')).scheme!;
    expect([...scheme.routes.keys()]).toEqual(['sepa_a', 'sepa_b', 'usd_wire', 'jpy_bank', 'kwd_bank', 'p2p_pool']);
    expect(scheme.pools).toEqual(['p2p_pool']);
    const sepa = scheme.routes.get('sepa_a')!;
    expect([sepa.currency, sepa.max, sepa.p2p, sepa.disabled]).toEqual(['EUR', { n: 5000n, d: 1n }, false, false]);
    expect(compile(example('language_section2.sluice')).scheme!.routes.get('old_eur')!.disabled).toBe(true);
  });

  it('no pools without p2p routes', () => {
    expect(compile(src('scheme s', 'route a EUR')).scheme!.pools).toEqual([]);
  });
});
