// JSON typed into the page, read with the line and column of its first mistake
// (editor/console-model/json-text.ts): the Try panel and the simulation's inputs say where.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonMistake, mistakeText, readJson } from '../editor/console-model/json-text.js';

describe('readJson', () => {
  it('reads JSON as JSON.parse does', () => {
    expect(readJson(' {"a": [1, -2.5e3, "x\\n\\u00e9", true, false, null]} ')).toEqual({ ok: true, value: { a: [1, -2.5e3, 'x\né', true, false, null] } });
  });

  it.each([
    ['{\n  "amount": "1.00"\n  "currency": "EUR"\n}', 3, 3, `expected ',' or '}', found '"'`],
    ['{"a":}', 1, 6, "expected a value, found '}'"],
    ['{"a": 1,}', 1, 9, "expected a double-quoted property name, found '}'"],
    ['{"a" 1}', 1, 6, "expected ':', found '1'"],
    ['[1, 2', 1, 6, "expected ',' or ']', found the end"],
    ['', 1, 1, 'expected a value, found the end'],
    ['{"a": tru}', 1, 7, "expected a value, found 't'"],
    ['{"a": "x\\q"}', 1, 9, "expected the rest of the string, found '\\'"],
    ['{"a": "line\nbreak"}', 1, 12, 'expected the rest of the string, found a line break'],
    ['{"a": "tab\tx"}', 1, 11, 'expected the rest of the string, found "\\t"'],
    ['{"a": 01}', 1, 8, "expected ',' or '}', found '1'"],
    ['{} {}', 1, 4, "expected the end of the text, found '{'"],
    ['\n\n  nul', 3, 3, "expected a value, found 'n'"],
  ])('%j: line %i, column %i', (text, line, column, message) => {
    const r = readJson(text);
    expect(r).toMatchObject({ ok: false, line, column, message });
    if (!r.ok) expect(mistakeText(r)).toBe(`line ${line}, column ${column}: ${message}`);
  });

  it('finds a mistake exactly where JSON.parse refuses, at any depth (seed 23)', () => {
    const deep = `${'['.repeat(100_000)}1${']'.repeat(99_999)}`;
    expect(jsonMistake(deep)).toMatchObject({ line: 1, column: 200_001 });
    const text = fc.oneof(
      fc.json(),
      fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))),
      fc.tuple(fc.json(), fc.nat(), fc.constantFrom(',', '}', ']', ':', '"', 'x', ' ', '\\')).map(([j, at, c]) => j.slice(0, at % (j.length + 1)) + c + j.slice(at % (j.length + 1))),
    );
    fc.assert(
      fc.property(text, (t) => {
        let parses = true;
        try {
          JSON.parse(t);
        } catch {
          parses = false;
        }
        expect(jsonMistake(t) === null).toBe(parses);
      }),
      { seed: 23, numRuns: 2000, verbose: true },
    );
  });
});
