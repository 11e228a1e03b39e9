// Indexed dispatch: which branches each value keeps, and what is left to test of each branch.
// (That compiled decisions equal interpreted ones on dispatched chains is a property in
// test/decide.test.ts; this pins down the index itself.)
import { describe, expect, it } from 'vitest';
import type * as A from '../grammar/ast.js';
import { checkSource } from '../compiler/check.js';
import { chainIndex, type ChainIndex } from '../compiler/dispatch.js';
import { exprText } from '../grammar/format-expr.js';

const SOURCE = `scheme d
field seg one_of "a", "b"
route r EUR

service s {
  when currency = EUR and amount > 10 {
    optimal r
  } else when country in [DE, FR] and fields.seg = "a" {
    optimal r
  } else when currency = USD or currency = GBP {
    optimal r
  } else when country = DE and currency in [EUR, USD] {
    optimal r
  } else when not (currency = GBP) {
    optimal r
  } else {
    optimal r
  }
}
`;

function index(): ChainIndex {
  const { ast, diagnostics } = checkSource(SOURCE);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const service = ast.statements.find((s): s is A.ServiceStmt => s.kind === 'ServiceStmt')!;
  const body = service.body as A.Chain;
  const fields = new Map<string, A.FieldType>([['seg', 'one_of']]);
  return chainIndex(
    body.branches.map((b) => b.condition),
    fields,
  )!;
}

/** The branch numbers a key's bitset holds for `value` (undefined: any other value). */
function kept(idx: ChainIndex, key: string, value: string | undefined): number[] {
  const k = idx.keys.find((x) => x.key.name === key)!;
  const bits = (value !== undefined ? k.byValue.get(value) : undefined) ?? k.other;
  return [0, 1, 2, 3, 4, 5].filter((i) => (bits[i >>> 5]! & (1 << (i & 31))) !== 0);
}

describe('indexed dispatch', () => {
  it('keeps, per value, exactly the branches that can hold for it, in order', () => {
    const idx = index();
    expect(idx.keys.map((k) => k.key.name)).toEqual(['currency', 'country']);
    expect(kept(idx, 'currency', 'EUR')).toEqual([0, 1, 3, 4, 5]);
    expect(kept(idx, 'currency', 'USD')).toEqual([1, 2, 3, 4, 5]);
    expect(kept(idx, 'currency', 'GBP')).toEqual([1, 2, 4, 5]);
    expect(kept(idx, 'currency', 'JPY')).toEqual([1, 4, 5]);
    expect(kept(idx, 'country', 'DE')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(kept(idx, 'country', 'FR')).toEqual([0, 1, 2, 4, 5]);
    expect(kept(idx, 'country', undefined)).toEqual([0, 2, 4, 5]);
  });

  it('drops from a test only the conjuncts an index decides exactly', () => {
    const residuals = index().residuals.map((e) => (e ? exprText(e) : null));
    expect(residuals).toEqual([
      'amount > 10',
      // one_of `seg` is constrained by one branch only, so it has no index and stays tested
      'fields.seg = "a"',
      // an `or` only narrows the values (the index keeps the branch for USD and GBP): still tested
      'currency = USD or currency = GBP',
      null,
      'not (currency = GBP)',
      null,
    ]);
  });
});
