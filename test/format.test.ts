// The canonical layout of LANGUAGE.md §7: properties over generated schemes, then one table
// of examples per layout rule.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format, formatFile } from '../grammar/format.js';
import { LIMITS, parse } from '../grammar/parse.js';
import { arbSchemeFile, arbSource, stripSpans } from './arbitraries.js';

const SEED = { seed: 20261122, numRuns: 200 };

/** The formatted text; fails the test on a refusal. */
function fmt(source: string): string {
  const result = format(source);
  if (!result.ok) throw new Error(`refused: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  return result.text;
}

/** Lines joined with LF, ending with one. */
function lines(...ls: string[]): string {
  return `${ls.join('\n')}\n`;
}

function commentTexts(source: string): string[] {
  return parse(source).comments.map((c) => c.text);
}

describe('format: properties', () => {
  it('prints a generated AST as text that parses back to the same AST', () => {
    fc.assert(
      fc.property(arbSchemeFile(), (ast) => {
        const back = parse(formatFile(ast, []));
        expect(back.diagnostics).toEqual([]);
        expect(stripSpans(back.ast)).toEqual(stripSpans(ast));
      }),
      SEED,
    );
  });

  it('is idempotent on sources with comments, blank lines and stray layout', () => {
    fc.assert(
      fc.property(arbSource(), (source) => {
        const once = fmt(source);
        expect(fmt(once)).toBe(once);
      }),
      SEED,
    );
  });

  it('keeps every comment, in order, and the AST up to positions', () => {
    fc.assert(
      fc.property(arbSource(), (source) => {
        const once = fmt(source);
        expect(commentTexts(once)).toEqual(commentTexts(source));
        expect(stripSpans(parse(once).ast)).toEqual(stripSpans(parse(source).ast));
      }),
      SEED,
    );
  });
});

describe('format: robustness', () => {
  it('never throws, and is idempotent, on whatever parses among line-level mutations', () => {
    const mutation = fc.record({ at: fc.nat(), op: fc.constantFrom('drop', 'dup', 'swap') });
    const mutated = fc.tuple(arbSource(), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([source, ms]) => {
      const ls = source.split('\n');
      for (const m of ms) {
        const at = m.at % ls.length;
        if (m.op === 'drop') ls.splice(at, 1);
        else if (m.op === 'dup') ls.splice(at, 0, ls[at]!);
        else ls.splice(at, 2, ...ls.slice(at, at + 2).reverse());
      }
      return ls.join('\n');
    });
    fc.assert(
      fc.property(mutated, (source) => {
        const once = format(source);
        if (once.ok) expect(fmt(once.text)).toBe(once.text);
      }),
      SEED,
    );
  });

  it('prints a condition of as many `and`s as the limit allows, and refuses more', () => {
    const condition = (n: number) => Array.from({ length: n }, (_, i) => `a${i} = 1`).join(' and ');
    const source = lines('scheme x', `block b when ${condition(LIMITS.conditionOperators)} or b = 2`);
    expect(fmt(source)).toBe(source);
    const over = format(lines('scheme x', `block b when ${condition(20_000)} or b = 2`));
    expect(over.ok ? [] : over.diagnostics.map((d) => d.code)).toEqual(['E_TOO_LONG']);
  });
});

describe('format: the committed examples are canonical', () => {
  it.each(['eu_payouts.sluice', 'language_section2.sluice'])('%s', (file) => {
    const source = readFileSync(new URL(`../examples/${file}`, import.meta.url), 'utf8');
    expect(format(source)).toEqual({ ok: true, text: source });
  });
});

describe('format: refusals', () => {
  it.each([
    ['a missing name', 'scheme x\nroute\n'],
    ['an unclosed block', 'scheme x\nservice s {\n  optimal a\n'],
    ['a bad escape', 'scheme x\nservice s {\n  reject "\\q"\n}\n'],
    ['an unknown character', 'scheme x $\n'],
  ])('refuses %s with the parse diagnostics', (_, source) => {
    const result = format(source);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.diagnostics).toEqual(parse(source).diagnostics);
  });
});

describe('format: layout rules', () => {
  it.each([
    [
      'two spaces of indent per open brace',
      lines('scheme x', 'service s {', 'when amount > 1 {', '        cascade {', 'optimal a', '}', '}', '}'),
      lines('scheme x', 'service s {', '  when amount > 1 {', '    cascade {', '      optimal a', '    }', '  }', '}'),
    ],
    [
      'a p2p option line one level deeper than its strategy',
      lines('scheme x', 'service s {', 'optimal p', 'p2p sort biggest,urgent 3d , min_amount 35', '}'),
      lines('scheme x', 'service s {', '  optimal p', '    p2p sort biggest, urgent 3d, min_amount 35', '}'),
    ],
    [
      'single spaces between tokens, one after a comma, none before',
      lines('scheme   x', 'route  a   EUR fee 1', 'service s {', '  weight a 70%,b 30% ,c 0%   split', '}'),
      lines('scheme x', 'route a EUR fee 1', 'service s {', '  weight a 70%, b 30%, c 0% split', '}'),
    ],
    [
      'fees as P%, FIXED and P% + FIXED',
      lines('scheme x', 'route a EUR fee 0.5%+0.20 markup 1%', 'route b EUR fee 2', 'route c EUR fee 3%'),
      lines('scheme x', 'route a EUR fee 0.5% + 0.20 markup 1%', 'route b EUR fee 2', 'route c EUR fee 3%'),
    ],
    [
      'route options in the order written',
      lines('scheme x', 'route a EUR disabled daily 5 p2p min 1 fee 1'),
      lines('scheme x', 'route a EUR disabled daily 5 p2p min 1 fee 1'),
    ],
    [
      'lists as [A, B], none after ( or before )',
      lines('scheme x', 'block b when ( country in[ DE ,AT ] or not(amount<10 EUR) ) and fields.f not in [ ]'),
      lines('scheme x', 'block b when (country in [DE, AT] or not (amount < 10 EUR)) and fields.f not in []'),
    ],
    [
      'parentheses kept exactly as written, never added or dropped',
      lines('scheme x', 'block b when ((a = 1)) or b = 2 and c = 3 or (d = 4 or e = 5)'),
      lines('scheme x', 'block b when ((a = 1)) or b = 2 and c = 3 or (d = 4 or e = 5)'),
    ],
    [
      'literals kept as written',
      lines('scheme x', 'attempts 03', 'route a EUR fee 0.50% + 0.20 max 1000000.00', 'field f one_of "a\\u{1F600}","b\\"\\\\\\n\\t"'),
      lines('scheme x', 'attempts 03', 'route a EUR fee 0.50% + 0.20 max 1000000.00', 'field f one_of "a\\u{1F600}", "b\\"\\\\\\n\\t"'),
    ],
    [
      'fields.NAME and keyword field names',
      lines('scheme x', 'field min int  required', 'block b when fields.min >= 2 and service = s'),
      lines('scheme x', 'field min int required', 'block b when fields.min >= 2 and service = s'),
    ],
  ])('%s', (_, input, expected) => {
    expect(fmt(input)).toBe(expected);
  });
});

describe('format: else joins the closing brace', () => {
  const expected = lines('scheme x', 'service s {', '  when a = 1 {', '    optimal r', '  } else when a = 2 {', '    cost r', '  } else {', '    reject "no"', '  }', '}');
  it.each([
    ['on the same line, spaced oddly', lines('scheme x', 'service s {', 'when a = 1 {', 'optimal r', '}   else   when a = 2 {', 'cost r', '}else{', 'reject "no"', '}', '}')],
    ['on the next line', lines('scheme x', 'service s {', 'when a = 1 {', 'optimal r', '}', 'else when a = 2 {', 'cost r', '}', '  else {', 'reject "no"', '}', '}')],
    ['after blank lines', lines('scheme x', 'service s {', 'when a = 1 {', 'optimal r', '}', '', '', 'else when a = 2 {', 'cost r', '}', '', 'else {', 'reject "no"', '}', '}')],
  ])('%s', (_, input) => {
    expect(fmt(input)).toBe(expected);
  });
});

describe('format: blank lines', () => {
  it.each([
    [
      'at most one in a row',
      lines('scheme x', '', '', '', 'route a EUR', 'route b EUR', '  ', '\t', 'route c EUR'),
      lines('scheme x', '', 'route a EUR', 'route b EUR', '', 'route c EUR'),
    ],
    [
      'none after { or before }',
      lines('scheme x', 'service s {', '', '  cascade {', '', '    optimal a', '', '    cost a', '', '  }', '', '}'),
      lines('scheme x', 'service s {', '  cascade {', '    optimal a', '', '    cost a', '  }', '}'),
    ],
    [
      'none at the file ends',
      '\n\n\nscheme x\n\n\n',
      lines('scheme x'),
    ],
    [
      'none between a strategy and its p2p line',
      lines('scheme x', 'service s {', '  optimal p', '', '    p2p sort oldest', '}'),
      lines('scheme x', 'service s {', '  optimal p', '    p2p sort oldest', '}'),
    ],
    ['none for an empty file', '\n\n', ''],
  ])('%s', (_, input, expected) => {
    expect(fmt(input)).toBe(expected);
  });
});

describe('format: comments', () => {
  it.each([
    [
      'a trailing comment one space after its statement, trailing spaces dropped',
      lines('scheme x     # the name   ', 'route a EUR fee 1#tight'),
      lines('scheme x # the name', 'route a EUR fee 1 #tight'),
    ],
    [
      'a comment line indented to its block',
      lines('# head', 'scheme x', 'service s {', '# about the chain', 'when a = 1 {', '        # about the plan', 'optimal r', '}', '}'),
      lines('# head', 'scheme x', 'service s {', '  # about the chain', '  when a = 1 {', '    # about the plan', '    optimal r', '  }', '}'),
    ],
    [
      'a comment after { stays on the { line',
      lines('scheme x', 'service s {   # open', '  cascade { # c', '    optimal r', '  }', '}'),
      lines('scheme x', 'service s { # open', '  cascade { # c', '    optimal r', '  }', '}'),
    ],
    [
      'a comment before } is indented as the block contents',
      lines('scheme x', 'service s {', '  optimal r', '# last words', '}', '  # after all'),
      lines('scheme x', 'service s {', '  optimal r', '  # last words', '}', '# after all'),
    ],
    [
      'comments on a } and on its else line keep their order',
      lines('scheme x', 'service s {', 'when a = 1 {', 'optimal r', '} # close', '# between', 'else { # open', 'cost r', '}', '}'),
      lines('scheme x', 'service s {', '  when a = 1 {', '    optimal r', '    # close', '    # between', '  } else { # open', '    cost r', '  }', '}'),
    ],
    [
      'a comment on a } moves to the joined else line',
      lines('scheme x', 'service s {', 'when a = 1 {', 'optimal r', '} # close', 'else {', 'cost r', '}', '}'),
      lines('scheme x', 'service s {', '  when a = 1 {', '    optimal r', '  } else { # close', '    cost r', '  }', '}'),
    ],
    [
      'blank lines around comment lines',
      lines('scheme x', '', '', '# routes', '', 'route a EUR', '# end', '', ''),
      lines('scheme x', '', '# routes', '', 'route a EUR', '# end'),
    ],
    [
      'a comment before a p2p line',
      lines('scheme x', 'service s {', '  optimal p', '# pool rules', '    p2p urgent 12h # soon', '}'),
      lines('scheme x', 'service s {', '  optimal p', '    # pool rules', '    p2p urgent 12h # soon', '}'),
    ],
    ['a file of comments', lines('  # one', '', '', '# two  '), lines('# one', '', '# two')],
  ])('%s', (_, input, expected) => {
    expect(fmt(input)).toBe(expected);
  });
});

describe('format: line endings', () => {
  it('turns CRLF into LF and ends with exactly one LF', () => {
    const input = 'scheme x # c\r\n\r\n\r\nservice s {\r\n  when amount > 1 {\r\n    optimal a\r\n  }\r\n  else {\r\n    optimal b\r\n  }\r\n}';
    expect(fmt(input)).toBe(lines('scheme x # c', '', 'service s {', '  when amount > 1 {', '    optimal a', '  } else {', '    optimal b', '  }', '}'));
  });
});
