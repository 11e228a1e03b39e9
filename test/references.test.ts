// Names and their occurrences (language/references.ts): what go to definition, find references
// and rename read.
import { describe, expect, it } from 'vitest';
import { parse } from '../grammar/parse.js';
import { occurrenceAt, occurrences, rename, sameName } from '../language/references.js';

const src = (...lines: string[]) => `${lines.join('\n')}\n`;
const SCHEME = src(
  'scheme x',
  'field tier one_of "a", "b" required',
  'route r1 EUR',
  'route r2 EUR',
  'block b1 when fields.tier = "a"',
  'service s1 {',
  '  when service = s1 and fields.tier in ["a", "b"] {',
  '    cascade {',
  '      optimal r1, r2',
  '      cost r2',
  '    }',
  '  } else {',
  '    reject "no"',
  '  }',
  '}',
  'service s2 {',
  '  when service in [s1, s2] {',
  '    cost r1',
  '  } else {',
  '    cost r2',
  '  }',
  '}',
);
const file = parse(SCHEME).ast;

/** `line:column-endColumn` of each occurrence of the name under a position. */
function where(line: number, column: number): string[] {
  const all = occurrences(file);
  const o = occurrenceAt(all, line, column);
  return o ? sameName(all, o).map((x) => `${x.range.startLine}:${x.range.startColumn}-${x.range.endColumn}${x.declaration ? ' decl' : ''}`) : [];
}

/** The source with the name under a position renamed, or the refusal. */
function renamed(line: number, column: number, to: string): string {
  const r = rename(file, line, column, to);
  if (!r.ok) return r.message;
  const lines = SCHEME.split('\n');
  for (const range of [...r.ranges].reverse()) {
    const l = lines[range.startLine - 1]!;
    lines[range.startLine - 1] = l.slice(0, range.startColumn - 1) + to + l.slice(range.endColumn - 1);
  }
  return lines.join('\n');
}

describe('occurrences of names', () => {
  it('finds a route in every strategy, cascades included', () => {
    expect(where(3, 7)).toEqual(['3:7-9 decl', '9:15-17', '18:10-12']);
    expect(where(10, 12)).toEqual(['4:7-9 decl', '9:19-21', '10:12-14', '20:10-12']);
  });

  it('finds a field as fields.NAME (the name only) and a service as a value of `service`', () => {
    expect(where(5, 23)).toEqual(['2:7-11 decl', '5:22-26', '7:32-36']);
    expect(where(17, 20)).toEqual(['6:9-11 decl', '7:18-20', '17:20-22']);
    expect(where(5, 8)).toEqual(['5:7-9 decl']);
  });

  it('finds nothing on a keyword, an attribute or a value', () => {
    expect(where(9, 8)).toEqual([]);
    expect(where(7, 9)).toEqual([]);
    expect(where(5, 30)).toEqual([]);
  });
});

describe('rename', () => {
  it('rewrites every occurrence', () => {
    expect(renamed(9, 15, 'main')).toBe(SCHEME.replace('route r1', 'route main').replace('optimal r1', 'optimal main').replace('    cost r1', '    cost main'));
    expect(renamed(2, 8, 'level')).toBe(SCHEME.replaceAll('tier', 'level'));
  });

  it('lets a field take a keyword for its name (LANGUAGE.md §1), and nothing else', () => {
    expect(renamed(2, 8, 'route')).toBe(SCHEME.replaceAll('tier', 'route'));
    expect(renamed(3, 7, 'route')).toBe('route is a keyword, and keywords cannot name a route');
    expect(renamed(6, 9, 'when')).toBe('when is a keyword, and keywords cannot name a service');
  });

  it('refuses a clash, a non-name and a place without a name', () => {
    expect(renamed(3, 7, 'r2')).toBe('there is already a route r2, on line 4');
    expect(renamed(16, 9, 's1')).toBe('there is already a service s1, on line 6');
    expect(renamed(3, 7, 'R2')).toBe('"R2" is not a name: lowercase letters, digits and _, not starting with a digit');
    expect(renamed(3, 7, 'a b')).toMatch(/is not a name/);
    expect(renamed(3, 7, '1a')).toMatch(/is not a name/);
    expect(renamed(1, 2, 'y')).toBe('only a route, field, block or service name can be renamed');
  });

  it('allows a name of another kind, and the same name', () => {
    expect(renamed(3, 7, 's1')).toContain('route s1 EUR');
    expect(renamed(3, 7, 'r1')).toBe(SCHEME);
  });
});
