import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from '../grammar/parse.js';
import { KEYWORD_NAMES } from '../grammar/tokens.js';

const SEED = { seed: 20261122, numRuns: 300 };

const EXAMPLE = `scheme demo
route a EUR fee 0.5% + 0.20 min 1.00
route b EUR
field level int required
block big when amount > 10000 EUR and fields.level < 2
service s {
  when country in [DE, AT] {
    optimal a, b
  } else {
    weight a 70%, b 30%
  }
}
`;

function lineCol(source: string) {
  return parse(source).diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code}`);
}

describe('parse', () => {
  it('parses a valid scheme without diagnostics', () => {
    const { ast, diagnostics } = parse(EXAMPLE);
    expect(diagnostics).toEqual([]);
    expect(ast.statements.map((s) => s.kind)).toEqual([
      'SchemeStmt', 'RouteStmt', 'RouteStmt', 'FieldStmt', 'BlockStmt', 'ServiceStmt',
    ]);
  });

  it('keeps comments with their positions', () => {
    const { comments } = parse('scheme x # first\n# second\n');
    expect(comments.map((c) => [c.text, c.span.start.line, c.span.start.column])).toEqual([
      ['# first', 1, 10],
      ['# second', 2, 1],
    ]);
  });

  it('lexes longest matches: p2p_eur, test_mode and min_amount_eur are names', () => {
    const { diagnostics, ast } = parse('scheme x\nroute p2p_eur EUR\nroute min_amount_eur EUR\nblock b when test_mode = true\n');
    expect(diagnostics).toEqual([]);
    expect(ast.statements).toHaveLength(4);
  });

  it('lets keywords name fields', () => {
    const { diagnostics } = parse('scheme x\nfield min int\nblock b when fields.min > 2\n');
    expect(diagnostics).toEqual([]);
  });

  it('accepts else on the line after the closing brace, and CRLF', () => {
    const source = 'scheme x\r\nservice s {\r\n  when amount > 1 {\r\n    optimal a\r\n  }\r\n  else {\r\n    optimal b\r\n  }\r\n}\r\n';
    expect(parse(source).diagnostics).toEqual([]);
  });

  it('decodes string escapes and reports bad ones at the escape', () => {
    const ok = parse('scheme x\nservice s {\n  reject "a\\"b\\\\c\\n\\t\\u{1F600}"\n}\n');
    expect(ok.diagnostics).toEqual([]);
    expect(lineCol('scheme x\nservice s {\n  reject "bad \\q"\n}\n')).toEqual(['3:15 E_BAD_ESCAPE']);
  });

  it('reports every mistake of a file with several, and keeps a partial AST', () => {
    const source = 'scheme bad\nroute a EUR fee\nroute min EUR\nroute ok EUR\nfield q strin\nservice s {\n  optimal ok\n}\n';
    const { ast, diagnostics } = parse(source);
    expect(diagnostics.map((d) => d.span.start.line)).toEqual([2, 3, 5]);
    expect(diagnostics[1]!.message).toContain("expected a name but found the keyword 'min'");
    expect(ast.statements.map((s) => s.kind)).toEqual(['SchemeStmt', 'RouteStmt', 'ServiceStmt']);
  });

  it('says what was expected and what was found', () => {
    const { diagnostics } = parse('scheme x\nfield q strin\n');
    expect(diagnostics[0]!.message).toBe("expected 'int', 'decimal', 'string', 'bool' or 'one_of' but found 'strin'");
  });

  it('rejects too deep nesting and too large sources with a diagnostic', () => {
    const deep = `scheme x\nblock b when ${'('.repeat(200)}amount > 1${')'.repeat(200)}\n`;
    expect(parse(deep).diagnostics[0]!.code).toBe('E_TOO_DEEP');
    expect(parse('#'.repeat(4_000_001)).diagnostics[0]!.code).toBe('E_TOO_LARGE');
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => void parse(s)), SEED);
  });

  it('never throws on token soup of Sluice words', () => {
    const word = fc.constantFrom(
      ...KEYWORD_NAMES, '{', '}', '[', ']', '(', ')', ',', '+', '=', '!=', '<', '>=', '\n', '\n', 'EUR', 'DE',
      '10', '0.5%', '3d', '"s"', 'name', 'fields.f', '#c\n',
    );
    fc.assert(fc.property(fc.array(word, { maxLength: 80 }), (ws) => void parse(ws.join(' '))), SEED);
  });

  it('never throws on line-level mutations of a valid scheme', () => {
    const lines = EXAMPLE.split('\n');
    const mutation = fc.record({ at: fc.nat(lines.length - 1), op: fc.constantFrom('drop', 'dup', 'cut'), cut: fc.nat(40) });
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 5 }), (ms) => {
        const ls = [...lines];
        for (const m of ms) {
          const at = m.at % ls.length;
          if (m.op === 'drop') ls.splice(at, 1);
          else if (m.op === 'dup') ls.splice(at, 0, ls[at]!);
          else ls[at] = ls[at]!.slice(0, m.cut);
        }
        const result = parse(ls.join('\n'));
        expect(Array.isArray(result.ast.statements)).toBe(true);
      }),
      SEED,
    );
  });
});

describe('parse limits', () => {
  it('reports, not throws, on thousands of nested nots', () => {
    const r = parse(`scheme x\nblock b when ${'not '.repeat(20000)}amount > 1\n`);
    expect(r.diagnostics.length).toBeGreaterThan(0);
  });
});
