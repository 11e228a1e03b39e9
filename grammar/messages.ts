// Parser error messages in a scheme author's words: what was expected, what was found.
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';

const LABELS: Record<string, string> = {
  Identifier: 'a name',
  Code: 'a code such as EUR or DE',
  Number: 'a number',
  Percent: 'a percentage such as 0.5%',
  Duration: 'a duration such as 3d or 12h',
  String: 'a string in double quotes',
  FieldRef: 'fields.NAME',
  Newline: 'the end of the line',
  EOF: 'the end of the file',
  AnyKeyword: 'a keyword',
};

export function describeTokenType(t: TokenType): string {
  if (t.name.startsWith('Kw_')) return `'${t.name.slice(3)}'`;
  return LABELS[t.name] ?? t.LABEL ?? t.name;
}

export function describeToken(t: IToken): string {
  if (t.tokenType.name === 'EOF') return 'the end of the file';
  if (t.tokenType.name === 'Newline') return 'the end of the line';
  if (t.tokenType.name.startsWith('Kw_')) return `the keyword '${t.image}'`;
  return `'${t.image}'`;
}

/** "a, b or c", without repeats. */
function oneOf(items: string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function firstTokens(paths: TokenType[][][]): string[] {
  return paths.flatMap((alt) => alt.map((path) => (path[0] ? describeTokenType(path[0]) : '')).filter(Boolean));
}

export const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    if (expected.name === 'EOF') return `unexpected ${describeToken(actual)}: expected a new statement`;
    const hint = expected.name === 'Identifier' && actual.tokenType.name.startsWith('Kw_') ? ' (keywords cannot be names)' : '';
    return `expected ${describeTokenType(expected)} but found ${describeToken(actual)}${hint}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)}: expected a new statement`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual }) {
    return `expected ${oneOf(firstTokens(expectedPathsPerAlt))} but found ${describeToken(actual[0]!)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    return `expected ${oneOf(firstTokens([expectedIterationPaths]))} but found ${describeToken(actual[0]!)}`;
  },
};
