// The declarations of a (possibly broken) scheme that completion and hover offer: what the
// parser recovered of routes, fields and services.
import type * as A from '../grammar/ast.js';

export interface SchemeSymbols {
  readonly routes: ReadonlyMap<string, A.RouteStmt>;
  readonly fields: ReadonlyMap<string, A.FieldStmt>;
  readonly services: ReadonlyMap<string, A.ServiceStmt>;
  readonly blocks: ReadonlyMap<string, A.BlockStmt>;
}

export function symbolsOf(file: A.SchemeFile): SchemeSymbols {
  const routes = new Map<string, A.RouteStmt>();
  const fields = new Map<string, A.FieldStmt>();
  const services = new Map<string, A.ServiceStmt>();
  const blocks = new Map<string, A.BlockStmt>();
  const add = <T>(m: Map<string, T>, name: string, s: T) => {
    if (name !== '' && !m.has(name)) m.set(name, s);
  };
  for (const s of file.statements) {
    if (s.kind === 'RouteStmt') add(routes, s.name.name, s);
    else if (s.kind === 'FieldStmt') add(fields, s.name.name, s);
    else if (s.kind === 'ServiceStmt') add(services, s.name.name, s);
    else if (s.kind === 'BlockStmt') add(blocks, s.name.name, s);
  }
  return { routes, fields, services, blocks };
}

/** What completion needs of the declarations, small and serializable (the worker sends it). */
export interface SymbolSummary {
  readonly routes: readonly { readonly name: string; readonly currency: string; readonly p2p: boolean; readonly disabled: boolean }[];
  readonly fields: readonly { readonly name: string; readonly type: A.FieldType; readonly required: boolean; readonly values: readonly string[] }[];
  readonly services: readonly string[];
}

export function summarize(file: A.SchemeFile): SymbolSummary {
  const sym = symbolsOf(file);
  return {
    routes: [...sym.routes.values()].map((r) => ({
      name: r.name.name,
      currency: r.currency.code,
      p2p: r.options.some((o) => o.kind === 'p2p'),
      disabled: r.options.some((o) => o.kind === 'disabled'),
    })),
    // `values` as written, quotes included: completion inserts them as they are.
    fields: [...sym.fields.values()].map((f) => ({ name: f.name.name, type: f.type, required: f.required, values: f.values.map((v) => v.raw) })),
    services: [...sym.services.keys()],
  };
}
