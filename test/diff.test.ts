import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, type CompiledScheme } from '../compiler/compile.js';
import { decisionImpact, parseJsonLines } from '../compiler/diff/impact.js';
import { renderDiff } from '../compiler/diff/render.js';
import { diffSchemes, hasChanges, type SchemeDiff } from '../compiler/diff/diff.js';
import { main } from '../cli/main.js';

function compiled(source: string): CompiledScheme {
  const r = compile(source);
  if (!r.scheme) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.scheme;
}

function diff(before: string, after: string): SchemeDiff {
  return diffSchemes(compiled(before).ast, compiled(after).ast);
}

const BASE = `scheme demo
attempts 1

field segment one_of "retail", "business"

route a EUR fee 0.5% + 0.20 max 5000
route b EUR fee 1.00
route c EUR

block sanctions when country in [KP, IR]
block big when amount > 100000 EUR

service s {
  when amount >= 1000 EUR {
    weight a 70%, b 30%
  } else when country in [DE, AT] {
    cost a, b
  } else {
    optimal a, b
  }
}

service t {
  optimal c
}
`;

function edit(...pairs: [string, string][]): string {
  let text = BASE;
  for (const [from, to] of pairs) {
    if (!text.includes(from)) throw new Error(`not in the base scheme: ${from}`);
    text = text.replace(from, to);
  }
  return text;
}

describe('semantic diff of two schemes', () => {
  it('names a changed route attribute with old → new', () => {
    const d = diff(BASE, edit(['route a EUR fee 0.5% + 0.20 max 5000', 'route a EUR fee 0.4% + 0.20 max 5000']));
    expect(d.routes).toEqual([
      {
        change: 'changed', name: 'a',
        old: 'route a EUR fee 0.5% + 0.20 max 5000', new: 'route a EUR fee 0.4% + 0.20 max 5000',
        details: [{ attribute: 'fee', old: '0.5% + 0.20', new: '0.4% + 0.20' }],
      },
    ]);
    expect(d.branches).toEqual([]);
  });

  it('reports a renamed route as removed plus added', () => {
    const d = diff(BASE, edit(['route c EUR', 'route c2 EUR'], ['optimal c\n', 'optimal c2\n']));
    expect(d.routes.map((r) => [r.change, r.name])).toEqual([['removed', 'c'], ['added', 'c2']]);
    expect(d.branches).toMatchObject([{ change: 'changed', name: 't', details: [{ attribute: 'routes', old: 'c', new: 'c2' }] }]);
  });

  it('names an added branch by its path', () => {
    const d = diff(BASE, edit(['  } else {\n    optimal a, b', '  } else when country = FR {\n    cost b, c\n  } else {\n    optimal a, b']));
    expect(d.branches).toEqual([
      { change: 'added', service: 's', path: ['when country = FR'], name: 's › when country = FR', old: null, new: 'cost b, c', details: [] },
    ]);
  });

  it('reports a changed condition on the branch it belongs to', () => {
    const d = diff(BASE, edit(['when country in [DE, AT]', 'when country in [DE, AT, FR]']));
    expect(d.branches).toEqual([
      {
        change: 'changed', service: 's', path: ['when country in [DE, AT]'], name: 's › when country in [DE, AT]',
        old: 'cost a, b', new: 'cost a, b',
        details: [{ attribute: 'condition', old: 'when country in [DE, AT]', new: 'when country in [DE, AT, FR]' }],
      },
    ]);
  });

  it('reports changed weights, strategy kind and route order within a branch', () => {
    const d = diff(BASE, edit(['weight a 70%, b 30%', 'weight a 60%, b 40%'], ['optimal a, b', 'balance b, a']));
    expect(d.branches.map((b) => [b.name, b.details])).toEqual([
      ['s › when amount >= 1000 EUR', [{ attribute: 'weights', old: 'a 70%, b 30%', new: 'a 60%, b 40%' }]],
      ['s › else', [{ attribute: 'strategy', old: 'optimal', new: 'balance' }, { attribute: 'routes', old: 'a, b', new: 'b, a' }]],
    ]);
  });

  it('sees no semantic change in layout, comments or equal literals', () => {
    const reformatted = edit(
      ['scheme demo', '# reviewed\nscheme   demo  # the demo'],
      ['route a EUR fee 0.5% + 0.20 max 5000', 'route a EUR max 5000.00 fee 0.50% + 0.2'],
      ['block sanctions when country in [KP, IR]', 'block sanctions when (country in [IR, KP])'],
      ['field segment one_of "retail", "business"', 'field segment one_of "business", "retail"'],
      ['attempts 1\n', 'base EUR\n'],
    );
    const d = diff(BASE, reformatted);
    expect(hasChanges(d)).toBe(false);
    expect(renderDiff(d, null, { old: 'a', new: 'b' })).toContain('No semantic change.');
  });

  it('reports settings, fields, blocks and services', () => {
    const d = diff(
      BASE,
      edit(
        ['attempts 1', 'attempts 2\np2p first'],
        ['field segment one_of "retail", "business"', 'field segment one_of "retail", "vip" required'],
        ['block big when amount > 100000 EUR', 'block big when amount > 50000 EUR'],
        ['service t {\n  optimal c\n}\n', 'service u {\n  reject "closed"\n}\n'],
      ),
    );
    expect(d.settings).toEqual([
      { attribute: 'attempts', old: '1', new: '2' },
      { attribute: 'p2p first', old: 'no', new: 'yes' },
    ]);
    expect(d.fields[0]!.details.map((x) => x.attribute)).toEqual(['values', 'required']);
    expect(d.blocks).toMatchObject([{ change: 'changed', name: 'big', details: [{ attribute: 'condition', old: 'amount > 100000 EUR', new: 'amount > 50000 EUR' }] }]);
    expect(d.services.map((s) => [s.change, s.name, s.old ?? s.new])).toEqual([['removed', 't', 'optimal c'], ['added', 'u', 'reject "closed"']]);
  });

  it('reports reordered blocks and branches, since the first match wins', () => {
    const d = diff(
      BASE,
      edit(
        ['block sanctions when country in [KP, IR]\nblock big when amount > 100000 EUR', 'block big when amount > 100000 EUR\nblock sanctions when country in [KP, IR]'],
        [
          'when amount >= 1000 EUR {\n    weight a 70%, b 30%\n  } else when country in [DE, AT] {\n    cost a, b',
          'when country in [DE, AT] {\n    cost a, b\n  } else when amount >= 1000 EUR {\n    weight a 70%, b 30%',
        ],
      ),
    );
    expect(d.blocks).toMatchObject([{ change: 'reordered', old: 'sanctions, big', new: 'big, sanctions' }]);
    expect(d.branches).toMatchObject([{ change: 'reordered', name: 's', old: 'when amount >= 1000 EUR, when country in [DE, AT], else' }]);
  });

  it('reads a plan turned into a chain as branches added around it', () => {
    const d = diff(BASE, edit(['  optimal c\n', '  when amount > 10 {\n    cost c\n  } else {\n    optimal c\n  }\n']));
    expect(d.branches.map((b) => [b.change, b.name])).toEqual([['added', 't › when amount > 10']]);
  });

  it('compares p2p options and cascade members by meaning', () => {
    const p2p = (opts: string) => `scheme p\nroute p EUR p2p\nroute q EUR\nservice s {\n  cascade {\n    optimal p\n      p2p ${opts}\n    optimal q\n  }\n}\n`;
    expect(hasChanges(diff(p2p('urgent 3d, min_amount 35'), p2p('min_amount 35.0, urgent 72h')))).toBe(false);
    expect(diff(p2p('urgent 3d'), p2p('urgent 3d, sort biggest')).branches[0]!.details).toEqual([
      { attribute: 'cascade #1 p2p sort', old: 'oldest', new: 'biggest' },
    ]);
  });
});

describe('decision impact', () => {
  const before = compiled(BASE);
  const after = compiled(edit(['when amount >= 1000 EUR', 'when amount >= 500 EUR'], ['route b EUR fee 1.00', 'route b EUR fee 0.90']));
  const requests = parseJsonLines(
    [
      { amount: '600.00', currency: 'EUR', service: 's', country: 'DE' }, // cost: b (1.00 < 3.20) → weight: a
      { amount: '300.00', currency: 'EUR', service: 's', country: 'DE' }, // cost: b, its fee 1.00 → 0.90
      { amount: '50.00', currency: 'EUR', service: 's', country: 'KP' }, // blocked either way
      { amount: '5.00', currency: 'EUR', service: 't' }, // c either way
      { amount: 'lots', currency: 'EUR', service: 's' }, // invalid in both
    ]
      .map((r) => JSON.stringify(r))
      .join('\n'),
  );

  it('counts changed decisions and groups them by transition', () => {
    if (!requests.ok) throw new Error('bad sample');
    const impact = decisionImpact(before, after, requests.requests);
    expect(impact).toMatchObject({ requests: 5, changed: 2, unchanged: 2, invalid: { old: 1, new: 1, both: 1 } });
    expect(impact.transitions).toEqual([
      { old: 'b', new: 'a', count: 1 },
      { old: 'b', new: 'b', count: 1 },
    ]);
    expect(impact.examples).toEqual([
      { line: 1, old: 'b 600.00 EUR fee 1.00', new: 'a 600.00 EUR fee 3.20' },
      { line: 2, old: 'b 300.00 EUR fee 1.00', new: 'b 300.00 EUR fee 0.90' },
    ]);
  });

  it('names the first line that is not JSON', () => {
    expect(parseJsonLines('{}\n\n{')).toEqual({ ok: false, line: 3 });
  });
});

describe('sluice diff', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-diff-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  async function sluice(...argv: string[]) {
    let out = '';
    let err = '';
    const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
    return { code, out, err };
  }
  const oldFile = file('old.sluice', BASE);
  const newFile = file('new.sluice', edit(['route b EUR fee 1.00', 'route b EUR fee 0.10'], ['route c EUR', 'route c EUR\nroute d EUR']));
  const reqs = file(
    'reqs.jsonl',
    `${[
      { amount: '50.00', currency: 'EUR', service: 's', country: 'DE' },
      { amount: '50.00', currency: 'EUR', service: 's', country: 'FR' },
      { amount: '50.00', currency: 'EUR', service: 's', country: 'AT' },
      { amount: 'x', currency: 'EUR', service: 's' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n')}\n`,
  );

  it('prints sections with +/-/~ markers and the impact table', async () => {
    const r = await sluice('diff', oldFile, newFile, '--requests', reqs);
    expect(r.code).toBe(0);
    expect(r.out).toContain('### Routes\n```diff\n~ route b\n    fee  1.00 → 0.10\n+ route d EUR\n```');
    expect(r.out).toContain('2 of 3 decisions change (1 unchanged). Invalid requests: 1 under the old scheme, 1 under the new (1 under both, not compared).');
    // DE and AT move to the now cheaper b; FR stays on a (optimal).
    expect(r.out).toMatch(/\| a +\| b +\| +2 \|/);
    expect(r.out).toMatch(/- line 1: `a 50.00 EUR fee 0.45` → `b 50.00 EUR fee 0.10`/);
  });

  it('prints a stable JSON shape with --json, from the built bin too', () => {
    const out = execFileSync('node', ['bin/sluice.mjs', 'diff', oldFile, newFile, '--requests', reqs, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const json = JSON.parse(out);
    expect(Object.keys(json)).toEqual(['old', 'new', 'changed', 'settings', 'fields', 'routes', 'blocks', 'services', 'branches', 'impact']);
    expect(json.changed).toBe(true);
    expect(json.routes.map((r: { change: string; name: string }) => `${r.change} ${r.name}`)).toEqual(['changed b', 'added d']);
    expect(json.impact).toMatchObject({ requests: 4, changed: 2, unchanged: 1, transitions: [{ old: 'a', new: 'b', count: 2 }] });
  });

  it('exits 0 with no semantic change and null impact without --requests', async () => {
    const r = await sluice('diff', oldFile, file('same.sluice', `# same\n${BASE}`), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ changed: false, routes: [], branches: [], impact: null });
  });

  it('exits 1 with diagnostics when a scheme does not compile, 2 on bad files or arguments', async () => {
    const bad = file('bad.sluice', 'scheme x\nservice s {\n  optimal zzz\n}\n');
    const r = await sluice('diff', oldFile, bad);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:11: error: `));
    expect((await sluice('diff', oldFile, join(dir, 'missing.sluice'))).code).toBe(2);
    expect((await sluice('diff', oldFile)).code).toBe(2);
    expect((await sluice('diff', oldFile, newFile, '--bogus')).code).toBe(2);
    expect((await sluice('diff', oldFile, newFile, '--requests', file('bad.jsonl', '{}\nnope\n'))).err).toContain('bad.jsonl:2: not valid JSON');
    const badState = await sluice('diff', oldFile, newFile, '--requests', reqs, '--state', file('state.json', '{"routes": {"a": {"balance": "lots"}}}'));
    expect(badState.code).toBe(2);
    expect(badState.err).toContain('invalid state:');
  });
});
