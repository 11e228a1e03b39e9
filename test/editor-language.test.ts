// The language support (language/, and the editor's editor/language/): pure functions over the project's own
// grammar, run here in node without a browser.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, decide, expandTrace } from '../index.js';
import { parse } from '../grammar/parse.js';
import { completionsAt } from '../language/completion.js';
import { analyze, countText, diagnose } from '../language/diagnose.js';
import { hoverAt } from '../language/hover.js';
import { outline } from '../language/outline.js';
import { prefillRequest, prefillState } from '../editor/language/prefill.js';
import { classifyLine, tokenClass } from '../language/tokens.js';
import { traceMarks } from '../editor/language/trace.js';

const SCHEME = `scheme demo
field kyc_level int required
field segment one_of "retail", "business"
route acme_eur EUR fee 0.5% + 0.20
route bankco_eur EUR fee 1.00
route p2p_eur EUR p2p

block sanctions when country in [KP, IR]

service sepa_eur {
  when amount >= 10000 EUR and fields.segment = "business" {
    balance acme_eur, bankco_eur
  } else {
    optimal acme_eur, bankco_eur
  }
}
service p2p_card {
  optimal p2p_eur
}
`;

/** Completion labels with the cursor at the end of `line` (1-based) after replacing it by `text`. */
function labelsAfter(text: string, line: number): string[] {
  const lines = SCHEME.split('\n');
  lines[line - 1] = text;
  const source = lines.join('\n');
  return completionsAt(source, line, text.length + 1).items.map((i) => i.label);
}

describe('token classes', () => {
  it('classifies a line with the grammar lexer', () => {
    const toks = classifyLine('route acme_eur EUR fee 0.5% + 0.20 # cheap');
    expect(toks.map((t) => t.cls)).toEqual(['keyword', 'identifier', 'code', 'keyword', 'number', 'operator', 'number', 'comment']);
    expect(toks[1]).toEqual({ start: 6, length: 8, cls: 'identifier' });
  });
  it('knows strategies, fields, strings and longest-match names', () => {
    const toks = classifyLine('  weight p2p_eur 70%, min_amount_x 30% when fields.segment = "vip"');
    expect(toks.map((t) => t.cls)).toEqual(['strategy', 'identifier', 'number', 'delimiter', 'identifier', 'number', 'keyword', 'field', 'operator', 'string']);
  });
  it('marks unreadable characters invalid and keeps going', () => {
    expect(classifyLine('route a $ EUR').map((t) => t.cls)).toEqual(['keyword', 'identifier', 'invalid', 'code']);
    expect(tokenClass('Kw_cost')).toBe('strategy');
    expect(tokenClass('LBrace')).toBe('delimiter');
  });
});

describe('completion in context', () => {
  it('offers top-level statements at the start of a line outside services', () => {
    const labels = labelsAfter('', 7);
    expect(labels).toEqual(expect.arrayContaining(['route', 'field', 'block', 'service', 'scheme', 'mode']));
    expect(labels).not.toContain('when');
  });
  it('offers strategies and branches inside a service', () => {
    const labels = labelsAfter('    ', 12);
    expect(labels).toEqual(expect.arrayContaining(['optimal', 'weight', 'balance', 'conversion', 'cost', 'cascade', 'when', 'reject']));
    expect(labels).not.toContain('route');
  });
  it('offers attributes and declared fields after when / and', () => {
    const labels = labelsAfter('  when amount > 5 and ', 11);
    expect(labels).toEqual(expect.arrayContaining(['amount', 'country', 'currency', 'weekday', 'fields.kyc_level', 'fields.segment', 'not']));
  });
  it('offers only declared fields after fields.', () => {
    expect(labelsAfter('  when fields.', 11)).toEqual(['fields.kyc_level', 'fields.segment']);
    const r = completionsAt('scheme x\nfield kyc int\nblock b when fields.k', 3, 22);
    expect(r.from).toBe(14);
  });
  it('offers comparison operators after an attribute', () => {
    expect(labelsAfter('  when country ', 11)).toEqual(['=', '!=', '<', '<=', '>', '>=', 'in', 'not in']);
    expect(labelsAfter('  when country not ', 11)).toEqual(['in']);
  });
  it('offers one_of values, countries, currencies and services as values', () => {
    expect(labelsAfter('  when fields.segment = ', 11)).toEqual(['"retail"', '"business"']);
    expect(labelsAfter('  when fields.segment in ["retail", ', 11)).toEqual(['"retail"', '"business"']);
    expect(labelsAfter('block b when country in [DE, ', 8)).toContain('FR');
    expect(labelsAfter('block b when currency = ', 8)).toContain('JPY');
    expect(labelsAfter('block b when amount > 100 ', 8)).toContain('EUR');
    expect(labelsAfter('block b when service = ', 8)).toEqual(['sepa_eur', 'p2p_card']);
    expect(labelsAfter('block b when country = DE ', 8)).toEqual(['and', 'or']);
  });
  it('completes a partly typed one_of value from its quote', () => {
    const source = SCHEME.replace('fields.segment = "business"', 'fields.segment = "bu');
    const line = 11;
    const col = source.split('\n')[line - 1]!.length + 1;
    const r = completionsAt(source, line, col);
    expect(r.items.map((i) => i.label)).toEqual(['"retail"', '"business"']);
    expect(r.from).toBe(source.split('\n')[line - 1]!.indexOf('"') + 1);
  });
  it('offers route names after a strategy and unused route options on a route line', () => {
    expect(labelsAfter('    cost ', 12)).toEqual(['acme_eur', 'bankco_eur', 'p2p_eur']);
    expect(labelsAfter('    cost acme_eur, ', 12)).toEqual(['bankco_eur', 'p2p_eur']);
    expect(labelsAfter('route x EUR fee 1.00 ', 7)).toEqual(['markup', 'min', 'max', 'daily', 'monthly', 'p2p', 'disabled']);
    expect(labelsAfter('route x ', 7)).toContain('EUR');
    expect(labelsAfter('route x EUR fee ', 7)).toEqual([]);
  });
  it('offers strategies options, field types, modes and else', () => {
    expect(labelsAfter('    p2p sort ', 12)).toEqual(['oldest', 'biggest', 'min_remainder']);
    expect(labelsAfter('    p2p sort oldest, ', 12)).toEqual(['min_amount', 'urgent', 'min_remainder']);
    expect(labelsAfter('field x ', 7)).toEqual(['int', 'decimal', 'string', 'bool', 'one_of']);
    expect(labelsAfter('field x int ', 7)).toEqual(['required']);
    expect(labelsAfter('mode ', 7)).toEqual(['live', 'test']);
    expect(labelsAfter('  } ', 13)).toEqual(['else']);
    expect(labelsAfter('  } else ', 13)).toEqual(['when']);
  });
});

describe('outline', () => {
  it('lists the scheme, fields, routes, blocks and services with their branches and plans', () => {
    const items = outline(parse(SCHEME).ast, SCHEME);
    expect(items.map((i) => `${i.kind} ${i.name}`)).toEqual([
      'scheme demo', 'field kyc_level', 'field segment', 'route acme_eur', 'route bankco_eur', 'route p2p_eur',
      'block sanctions', 'service sepa_eur', 'service p2p_card',
    ]);
    const sepa = items[7]!;
    expect(sepa.children.map((c) => c.name)).toEqual(['when amount >= 10000 EUR and fields.segment = "business"', 'else']);
    expect(sepa.children[0]!.children[0]).toMatchObject({ kind: 'strategy', name: 'balance', detail: 'acme_eur, bankco_eur' });
    expect(sepa.range).toMatchObject({ startLine: 10, endLine: 16 });
    expect(sepa.selection).toMatchObject({ startLine: 10, startColumn: 9, endColumn: 17 });
    expect(items[6]!.detail).toBe('country in [KP, IR]');
  });
  it('survives a broken scheme', () => {
    const broken = 'scheme x\nroute a EUR\nservice s {\n  when country = {\n';
    expect(() => outline(parse(broken).ast, broken)).not.toThrow();
    expect(outline(parse(broken).ast, broken).map((i) => i.name)).toContain('a');
  });
});

describe('hover', () => {
  it('documents attributes, strategies and keywords', () => {
    expect(hoverAt(SCHEME, 11, 9)?.contents).toMatch(/\*\*amount\*\* — attribute, money/);
    expect(hoverAt(SCHEME, 12, 6)?.contents).toMatch(/\*\*balance\*\* — strategy[\s\S]*largest balance/);
    expect(hoverAt(SCHEME, 4, 2)?.contents).toMatch(/\*\*route\*\* — keyword/);
    expect(hoverAt(SCHEME, 8, 24)).toMatchObject({ range: { startLine: 8, startColumn: 22, endColumn: 29 } });
  });
  it('shows the declaration behind a route or field name', () => {
    expect(hoverAt(SCHEME, 12, 14)?.contents).toContain('route acme_eur EUR fee 0.5% + 0.20');
    expect(hoverAt(SCHEME, 11, 38)?.contents).toContain('field segment one_of "retail", "business"');
    expect(hoverAt(SCHEME, 4, 16)?.contents).toMatch(/EUR\*\* — ISO 4217 currency, 2 minor-unit/);
    expect(hoverAt(SCHEME, 9, 1)).toBeUndefined();
  });
});

describe('diagnostics, prefill and the routing tree', () => {
  it('reports problems with lines and counts them', () => {
    const d = diagnose(SCHEME.replace('optimal acme_eur, bankco_eur', 'optimal acme_eur, bankco_uer'));
    expect(d.filter((x) => x.severity === 'error')).toMatchObject([{ code: 'E_UNKNOWN_ROUTE', line: 14 }]);
    expect(countText(d)).toMatch(/^1 error/);
    expect(countText([])).toBe('no problems');
  });
  it('prefills a request the scheme accepts and a state with every route', () => {
    const { scheme } = compile(SCHEME);
    const ast = parse(SCHEME).ast;
    const request = prefillRequest(ast);
    expect(request).toMatchObject({ currency: 'EUR', service: 'sepa_eur', fields: { kyc_level: 1, segment: 'retail' } });
    expect(scheme!.validate(request)).toEqual([]);
    expect(Object.keys(prefillState(ast)['routes'] as object)).toEqual(['acme_eur', 'bankco_eur', 'p2p_eur']);
  });
  it('prefills what the scheme requires', () => {
    const source = 'scheme x\nrequire country, point, created_at, last_error\nroute a EUR\nservice s {\n  optimal a\n}\n';
    const request = prefillRequest(parse(source).ast);
    expect(compile(source).scheme!.validate(request)).toEqual([]);
    expect(request).toMatchObject({ point: 'pop_1', last_error: 'provider_timeout' });
  });
  it('marks taken branches green and failed conditions red from the trace', () => {
    const { scheme } = compile(SCHEME);
    const d = decide(scheme!, { amount: '100.00', currency: 'EUR', service: 'sepa_eur', country: 'DE', fields: { kyc_level: 1, segment: 'retail' } }, undefined, { trace: true });
    if (d.status === 'invalid') throw new Error('invalid');
    expect(traceMarks(expandTrace(scheme!, d.trace)).map((m) => [m.line, m.mark])).toEqual([[8, 'passed'], [11, 'failed'], [13, 'taken'], [14, 'chosen']]);
    const blocked = decide(scheme!, { amount: '1', currency: 'EUR', service: 'sepa_eur', country: 'KP', fields: { kyc_level: 1 } }, undefined, { trace: true });
    if (blocked.status === 'invalid') throw new Error('invalid');
    expect(traceMarks(expandTrace(scheme!, blocked.trace))).toMatchObject([{ line: 8, mark: 'blocked', note: 'blocked by sanctions (country = KP)' }]);
  });
  it('reads the example schemes', () => {
    const src = readFileSync('examples/eu_payouts.sluice', 'utf8');
    expect(diagnose(src).filter((d) => d.severity === 'error')).toEqual([]);
    expect(outline(parse(src).ast, src).length).toBeGreaterThan(5);
  });
});

describe('completion edge cases', () => {
  it('offers nothing inside a comment and handles escaped quotes', () => {
    expect(labelsAfter('# when country ', 8)).toEqual([]);
    expect(labelsAfter('  when fields.segment = "a\\"b', 11)).toEqual(['"retail"', '"business"']);
  });
});

describe('the language worker on a large scheme', () => {
  it('analyzes a 1,000-rule scheme: diagnostics and outline from one parse', async () => {
    const { generateRules, schemeSource } = await import('../bench/generate.js');
    const source = schemeSource(generateRules(1000));
    const { diagnostics, outline: items } = analyze(source);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(items.some((i) => i.kind === 'service' && i.children.length > 0)).toBe(true);
    const lines = source.split('\n');
    const line = lines.findIndex((l) => l.includes('when ')) + 1;
    const at = lines[line - 1]!.indexOf('when ') + 'when '.length + 1;
    expect(completionsAt(source, line, at).items.map((i) => i.label)).toContain('country');
  });
});

describe('completion from the worker\'s declarations', () => {
  it('uses a given symbol summary instead of parsing the source', () => {
    const symbols = { routes: [{ name: 'only_route', currency: 'USD', p2p: false, disabled: true }], fields: [], services: [] };
    const r = completionsAt('scheme x\nservice s {\n  cost \n}\n', 3, 8, symbols);
    expect(r.items).toEqual([{ label: 'only_route', kind: 'route', detail: 'route USD disabled' }]);
  });
});
