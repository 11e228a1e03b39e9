// The declarations of a (possibly broken) scheme that completion and hover offer: what the
// parser recovered of routes, fields and services.
import type * as A from '../../grammar/ast.js';

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
