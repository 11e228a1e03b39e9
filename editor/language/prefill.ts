// The Try panel's starting request and state, derived from the scheme's declarations: every
// declared field with a value of its type, the first service, and each route with a balance.
import type * as A from '../../grammar/ast.js';
import { requiredAttributes } from '../../compiler/schema.js';
import { symbolsOf } from '../../language/symbols.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function fieldValue(f: A.FieldStmt): Json {
  switch (f.type) {
    case 'int':
      return 1;
    case 'decimal':
      return '1.0';
    case 'bool':
      return false;
    case 'one_of':
      return f.values[0]?.value ?? '';
    default:
      return '';
  }
}

function baseOf(file: A.SchemeFile): string {
  const base = file.statements.find((s): s is A.BaseStmt => s.kind === 'BaseStmt');
  return base?.currency.code || 'EUR';
}

/** A request that the scheme's schema accepts: standard attributes and every declared field. */
export function prefillRequest(file: A.SchemeFile, createdAt = '2026-01-15T10:00:00Z'): { [key: string]: Json } {
  const sym = symbolsOf(file);
  const service = sym.services.keys().next().value ?? 'default';
  const routes = [...sym.routes.values()];
  const currency = routes[0]?.currency.code || baseOf(file);
  const fields: { [key: string]: Json } = {};
  for (const f of sym.fields.values()) fields[f.name.name] = fieldValue(f);
  const required = requiredAttributes(file);
  return {
    amount: '100.00',
    currency,
    service,
    country: 'DE',
    created_at: createdAt,
    ...(required.has('point') ? { point: 'pop_1' } : {}),
    ...(required.has('last_error') ? { last_error: 'provider_timeout' } : {}),
    fields,
  };
}

/** A state with a generous balance on every route and no rates. */
export function prefillState(file: A.SchemeFile): { [key: string]: Json } {
  const routes: { [key: string]: Json } = {};
  for (const r of symbolsOf(file).routes.values()) routes[r.name.name] = { balance: '100000.00', enabled: true };
  return { routes, rates: {} };
}
