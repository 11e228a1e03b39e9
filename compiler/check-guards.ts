// The checks of LANGUAGE.md §2 that keep a scheme failing closed: `require` names only what a
// request may leave out; a block should read only what every request carries (W_BLOCK_OPTIONAL:
// a request without it passes the block); `base` should be set where a strategy compares in base
// routes of another currency (W_BASE_DEFAULT: each such payout needs a rate to the default).
import type * as A from '../grammar/ast.js';
import { error, warning, type Diagnostic } from '../grammar/diagnostics.js';
import { ATTRIBUTES, REQUEST_PROPERTIES, REQUIRABLE } from '../runtime/attributes.js';
import { valueKey } from '../runtime/conditions.js';
import { attrRefs, DEFAULT_SETTINGS } from './lower.js';
import type { Symbols } from './check-context.js';
import { requiredAttributes } from './schema.js';

export const W_BLOCK_OPTIONAL = 'W_BLOCK_OPTIONAL';
export const W_BASE_DEFAULT = 'W_BASE_DEFAULT';

const REQUIRABLE_TEXT = REQUIRABLE.join(', ');

export function checkGuards(file: A.SchemeFile, symbols: Symbols, out: Diagnostic[]): void {
  checkRequire(file, out);
  const required = requiredAttributes(file);
  for (const s of file.statements) if (s.kind === 'BlockStmt') checkBlock(s, symbols, required, out);
  if (!file.statements.some((s) => s.kind === 'BaseStmt')) {
    for (const s of file.statements) if (s.kind === 'ServiceStmt') forEachStrategy(s.body, (st) => checkBase(st, symbols, out));
  }
}

function checkRequire(file: A.SchemeFile, out: Diagnostic[]): void {
  for (const s of file.statements) {
    if (s.kind !== 'RequireStmt') continue;
    for (const a of s.attributes) {
      if (REQUIRABLE.includes(a.name) || a.name === '') continue;
      const known = ATTRIBUTES.has(a.name) || Object.hasOwn(REQUEST_PROPERTIES, a.name);
      const message = known
        ? `${a.name} cannot be required: every request has it, or it is read from another attribute; require takes ${REQUIRABLE_TEXT}`
        : `${a.name} is not a standard attribute; require takes ${REQUIRABLE_TEXT}`;
      out.push(error(known ? 'E_NOT_REQUIRABLE' : 'E_UNKNOWN_ATTRIBUTE', message, a.span));
    }
  }
}

/** Each attribute or field the block reads that a request may leave out, once, at its first use. */
function checkBlock(b: A.BlockStmt, symbols: Symbols, required: ReadonlySet<string>, out: Diagnostic[]): void {
  const seen = new Set<string>();
  for (const ref of attrRefs(b.condition)) {
    const key = valueKey(ref);
    if (seen.has(key)) continue;
    seen.add(key);
    const fix = optionalFix(ref, symbols, required);
    if (!fix) continue;
    const message = `block ${b.name.name} reads ${key}, which a request may leave out, and a request without it passes the block; ${fix}`;
    out.push(warning(W_BLOCK_OPTIONAL, message, ref.span));
  }
}

/** How to make the attribute present in every request, or undefined when it already is (or is unknown: reported elsewhere). */
function optionalFix(ref: A.AttrRef, symbols: Symbols, required: ReadonlySet<string>): string | undefined {
  if (ref.isField) {
    const field = symbols.fields.get(ref.name);
    return field && !field.stmt.required ? `add required to field ${ref.name}` : undefined;
  }
  const attribute = ATTRIBUTES.get(ref.name);
  if (!attribute?.optional) return undefined;
  const source = attribute.from ?? ref.name;
  return required.has(source) ? undefined : `add \`require ${source}\``;
}

function forEachStrategy(body: A.Body, f: (s: A.StrategyStmt) => void): void {
  if (body.kind === 'Chain') for (const b of body.branches) forEachStrategy(b.body, f);
  else if (body.kind === 'StrategyStmt') f(body);
  else if (body.kind === 'CascadeStmt') body.strategies.forEach(f);
}

/** Strategies that compare candidates in `base` (LANGUAGE.md §3). */
const COMPARES_IN_BASE: ReadonlySet<A.StrategyName> = new Set(['optimal', 'weight', 'balance']);

function checkBase(s: A.StrategyStmt, symbols: Symbols, out: Diagnostic[]): void {
  if (!COMPARES_IN_BASE.has(s.strategy) && !s.split) return;
  const base = DEFAULT_SETTINGS.base;
  for (const ref of s.routes) {
    const currency = symbols.routes.get(ref.name.name)?.currency.code;
    if (!currency || currency === base) continue;
    const how = s.split ? `${s.strategy} ... split` : s.strategy;
    const message =
      `base is left to ${base}, but ${how} compares its routes in base and lists ${ref.name.name} (${currency}): ` +
      `each such payout needs a ${currency}/${base} rate, or the route is filtered out; set \`base ${currency}\`, or \`base ${base}\` to keep it`;
    out.push(warning(W_BASE_DEFAULT, message, ref.name.span));
    return;
  }
}
