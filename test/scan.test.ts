// The hand-written scanner (grammar/scan.ts) must give exactly Chevrotain's tokens wherever it
// answers, and answer wherever Chevrotain lexes without errors.
import type { IToken } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { chevrotainLex } from '../grammar/lexer.js';
import { scan } from '../grammar/scan.js';
import { agreeOnGenerated, BENCHMARK_SCHEMES, EXAMPLES } from './agreement.js';

function fields(t: IToken) {
  return [t.tokenType.name, t.image, t.startOffset, t.endOffset, t.startLine, t.endLine, t.startColumn, t.endColumn, t.tokenTypeIdx];
}

/** Both lexers on `text`: equal tokens and comments when the scanner answers; it answers exactly when Chevrotain has no errors. */
function agree(text: string): void {
  const reference = chevrotainLex(text);
  const fast = scan(text);
  expect(fast === undefined, `scanner ${fast ? 'answered' : 'gave up'} on ${JSON.stringify(text.slice(0, 200))}`).toBe(reference.errors.length > 0);
  if (!fast) return;
  expect(fast.tokens.map(fields)).toEqual(reference.tokens.map(fields));
  expect((fast.groups['comments'] ?? []).map(fields)).toEqual((reference.groups['comments'] ?? []).map(fields));
}

describe('the hand-written scanner', () => {
  it('equals Chevrotain on the examples and the generated benchmark schemes', () => {
    for (const text of [...EXAMPLES, ...BENCHMARK_SCHEMES]) agree(text);
  });

  it('equals Chevrotain on tricky pieces: numbers, codes, strings, line ends, spaces', () => {
    const pieces = [
      '12abc', '3d', '3dx', '3d%', '3.5d', '1.%', '1.25%', '4.25', '4.', '12h ', 'EUR', 'EURx', 'EUR_', 'X1', 'fields.a', 'fields.',
      'fields.A', 'fieldsx', '"a\\"b"', '"abc', '"a\\', '"\\\r"', 'a\rb', 'a\r\nb', '\uFEFFa', 'a\tb\fc\vd', '# c \r\nx', '#', '!=', '!',
      '<=<>=>=', 'é', '😀', 'min_amount', '_x', 'aB', '1_000', '0x10', '', '\n\n',
    ];
    for (const p of pieces) agree(p);
    for (const a of pieces) for (const b of pieces) agree(`${a} ${b}${a}\n${b}`);
  });

  it('equals Chevrotain on generated and mutated schemes', () => {
    agreeOnGenerated(agree);
  });
});
