// Hover documentation: attributes, strategies, keywords, and the declarations behind route,
// field and service names.
import { ATTRIBUTES } from '../compiler/attributes.js';
import { isCountry } from '../runtime/countries.js';
import { STRATEGY_NAMES, type StrategyName } from '../grammar/ast.js';
import { parse } from '../grammar/parse.js';
import { isCurrency, minorUnits } from '../runtime/currencies.js';
import { attributeDoc, KEYWORD_DOCS, STRATEGY_DOCS } from './docs.js';
import { lex } from './lexer.js';
import { textOf, type Range } from './outline.js';
import { symbolsOf } from './symbols.js';

export interface Hover {
  /** Markdown. */
  readonly contents: string;
  readonly range: Range;
}

/** The hover at a 1-based line and column, or undefined where there is nothing to say. */
export function hoverAt(source: string, line: number, column: number): Hover | undefined {
  const text = source.split(/\r?\n/)[line - 1] ?? '';
  const { tokens } = lex(text);
  const at = column - 1;
  const tok = tokens.find((t) => t.startOffset <= at && at < t.startOffset + t.image.length);
  if (!tok) return undefined;
  const range: Range = { startLine: line, startColumn: tok.startOffset + 1, endLine: line, endColumn: tok.startOffset + tok.image.length + 1 };
  const contents = describe(tok.tokenType.name, tok.image, source, tokens.some((t) => t.tokenType.name === 'Kw_when'));
  return contents === undefined ? undefined : { contents, range };
}

function describe(kind: string, image: string, source: string, inCondition: boolean): string | undefined {
  if (kind === 'Kw_service' && inCondition) return attributeDoc('service');
  if (kind.startsWith('Kw_')) {
    if ((STRATEGY_NAMES as readonly string[]).includes(image)) return `**${image}** — strategy\n\n${STRATEGY_DOCS[image as StrategyName]}`;
    const doc = KEYWORD_DOCS[image];
    return doc && `**${image}** — keyword\n\n${doc}`;
  }
  if (kind === 'Code') {
    if (isCurrency(image)) return `**${image}** — ISO 4217 currency, ${minorUnits(image)} minor-unit digits`;
    if (isCountry(image)) return `**${image}** — ISO 3166-1 country code`;
    return undefined;
  }
  if (kind === 'FieldRef') {
    const f = symbolsOf(parse(source).ast).fields.get(image.slice('fields.'.length));
    if (!f) return `**${image}** — not declared: add \`field ${image.slice(7)} TYPE\``;
    return `**${image}** — field (line ${f.span.start.line})\n\n\`\`\`sluice\n${textOf(source, f.span)}\n\`\`\``;
  }
  if (kind !== 'Identifier') return undefined;
  const sym = symbolsOf(parse(source).ast);
  const route = sym.routes.get(image);
  if (route && !(inCondition && ATTRIBUTES.has(image))) {
    return `**${image}** — route (line ${route.span.start.line})\n\n\`\`\`sluice\n${textOf(source, route.span)}\n\`\`\``;
  }
  if (inCondition && ATTRIBUTES.has(image)) return attributeDoc(image);
  const service = sym.services.get(image);
  if (service) return `**${image}** — service (line ${service.span.start.line})`;
  return undefined;
}
