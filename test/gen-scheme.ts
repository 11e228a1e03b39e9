// fast-check generators of valid schemes (as source text), requests and states over a
// small fixed vocabulary, for the decision properties.
import fc from 'fast-check';

export const ROUTES = ['eur_a', 'eur_b', 'usd_c', 'gbp_d', 'p2p_e'] as const;
const CURRENCY: Record<string, string> = { eur_a: 'EUR', eur_b: 'EUR', usd_c: 'USD', gbp_d: 'GBP', p2p_e: 'EUR' };
export const SERVICES = ['s1', 's2'];

const cents = (max: number) => fc.integer({ min: 1, max }).map((c) => (c / 100).toFixed(2));
const amount = cents(3_000_000);
// Requests mostly small enough for every route's limits, some above most routes' `max` (so split).
const requestAmount = fc.oneof(
  { arbitrary: cents(50_000), weight: 4 },
  { arbitrary: cents(500_000), weight: 2 },
  { arbitrary: fc.integer({ min: 1_000_001, max: 2_000_000 }).map((c) => (c / 100).toFixed(2)), weight: 4 },
);
// Balances mostly cover a request: `balance` and every split need funded routes.
const balance = fc.oneof({ arbitrary: cents(10_000_000), weight: 4 }, { arbitrary: amount, weight: 1 });
const smallNum = fc.integer({ min: 0, max: 30000 }).map(String);

// `tight` routes all have a max below the large requests, which must then be split.
const routeLine = (name: string, tight: boolean) =>
  fc
    .record({
      fee: fc.option(fc.constantFrom('fee 0.5%', 'fee 1.00', 'fee 0.3% + 0.10', 'fee 2%'), { nil: undefined }),
      markup: fc.option(fc.constantFrom('markup 0.1%', 'markup 1%'), { nil: undefined }),
      min: fc.constantFrom(undefined, undefined, undefined, 'min 1.00', 'min 50'),
      max: tight ? fc.constantFrom('max 8000', 'max 12000') : fc.constantFrom(undefined, 'max 500', 'max 10000', 'max 25000'),
      daily: fc.constantFrom(undefined, undefined, undefined, 'daily 1000', 'daily 200000'),
      disabled: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
    })
    .map((o) =>
      [`route ${name} ${CURRENCY[name]}`, o.fee, o.markup, o.min, o.max, o.daily, name.startsWith('p2p') ? 'p2p' : undefined, o.disabled ? 'disabled' : undefined]
        .filter(Boolean)
        .join(' '),
    );

const atom = fc.oneof(
  fc.tuple(fc.constantFrom('>', '>=', '<', '<=', '=', '!='), smallNum).map(([op, n]) => `amount ${op} ${n}`),
  fc.tuple(fc.constantFrom('>', '<='), smallNum, fc.constantFrom('EUR', 'USD')).map(([op, n, c]) => `amount ${op} ${n} ${c}`),
  fc.constantFrom('EUR', 'USD', 'GBP').map((c) => `currency = ${c}`),
  fc.constantFrom('[EUR, USD]', '[GBP]').map((l) => `currency in ${l}`),
  fc.constantFrom('[DE, FR]', '[US]', '[DE]').map((l) => `country in ${l}`),
  fc.constantFrom('[DE]', '[FR, US]').map((l) => `country not in ${l}`),
  fc.constantFrom('DE', 'FR').map((c) => `country != ${c}`),
  fc.integer({ min: 0, max: 3 }).map((n) => `fields.tier >= ${n}`),
  fc.constantFrom('"a"', '"b"', '"c"').map((v) => `fields.seg = ${v}`),
  fc.constantFrom('[["a", "b"]]').map(() => 'fields.seg in ["a", "b"]'),
  fc.constantFrom('true', 'false').map((v) => `fields.vip = ${v}`),
  fc.constantFrom('1.5', '10').map((v) => `fields.score > ${v}`),
  fc.integer({ min: 0, max: 23 }).map((h) => `hour < ${h}`),
  fc.constant('weekday in [sat, sun]'),
  fc.constant('attempt > 1'),
  fc.constant('last_error = "timeout"'),
);

const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `${a} and ${b}`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `${a} or ${b}`),
    tie('e').map((a) => `not (${a})`),
    tie('e').map((a) => `(${a})`),
  ),
})).e;

// Blocks that hold for a few requests only, so most requests reach routing.
const blockExpr = fc.constantFrom('country = US and amount > 20000', 'fields.vip = true and fields.tier < 1', 'weekday = sun and hour < 2');

const strategy = fc
  .record({
    kind: fc.constantFrom('optimal', 'weight', 'balance', 'conversion', 'cost'),
    routes: fc.subarray([...ROUTES], { minLength: 1 }),
    split: fc.constantFrom(true, true, false),
    p2p: fc.option(fc.constantFrom('p2p sort min_remainder, min_remainder 35', 'p2p sort biggest, min_amount 35', 'p2p urgent 3d'), { nil: undefined }),
  })
  .map((s) => {
    const weights = s.routes.map((_, i) => (i === s.routes.length - 1 ? 100 - Math.floor(100 / s.routes.length) * (s.routes.length - 1) : Math.floor(100 / s.routes.length)));
    const list = s.routes.map((r, i) => (s.kind === 'weight' ? `${r} ${weights[i]}%` : r)).join(', ');
    const lines = [`${s.kind} ${list}${s.split ? ' split' : ''}`];
    if (s.p2p && s.routes.includes('p2p_e')) lines.push(`  ${s.p2p}`);
    return lines;
  });

const plan = fc.oneof(
  { arbitrary: strategy, weight: 6 },
  { arbitrary: fc.array(strategy, { minLength: 1, maxLength: 3 }).map((ss) => ['cascade {', ...ss.flat().map((l) => `  ${l}`), '}']), weight: 3 },
  { arbitrary: fc.constant<string[]>(['reject "no"']), weight: 1 },
);

const body: fc.Arbitrary<string[]> = fc.letrec<{ b: string[] }>((tie) => ({
  b: fc.oneof(
    { depthSize: 'small', maxDepth: 2 },
    plan,
    fc
      .tuple(fc.array(fc.tuple(expr, tie("b")), { minLength: 1, maxLength: 6 }), fc.option(tie('b'), { nil: undefined }))
      .map(([branches, otherwise]) => {
        const out: string[] = [];
        branches.forEach(([cond, b], i) => out.push(`${i ? '} else ' : ''}when ${cond} {`, ...b.map((l) => `  ${l}`)));
        if (otherwise) out.push('} else {', ...otherwise.map((l) => `  ${l}`));
        out.push('}');
        return out;
      }),
  ),
})).b;

export const schemeArb: fc.Arbitrary<string> = fc
  .record({
    routes: fc.constantFrom(true, true, false).chain((tight) => fc.tuple(...ROUTES.map((r) => routeLine(r, tight)))),
    blocks: fc.array(blockExpr, { maxLength: 1 }),
    services: fc.tuple(body, body),
    attempts: fc.integer({ min: 1, max: 3 }),
    base: fc.constantFrom('EUR', 'USD'),
    p2pFirst: fc.boolean(),
  })
  .map((s) =>
    [
      'scheme gen',
      `base ${s.base}`,
      `attempts ${s.attempts}`,
      ...(s.p2pFirst ? ['p2p first'] : []),
      'field tier int',
      'field seg one_of "a", "b", "c"',
      'field vip bool',
      'field score decimal',
      ...s.routes,
      ...s.blocks.map((b, i) => `block b${i} when ${b}`),
      ...s.services.flatMap((b, i) => [`service ${SERVICES[i]} {`, ...b.map((l) => `  ${l}`), '}']),
      '',
    ].join('\n'),
  );

const iso = fc.integer({ min: Date.UTC(2026, 10, 1), max: Date.UTC(2026, 11, 31) }).map((t) => new Date(t).toISOString());

export const requestArb = fc.record(
  {
    amount: requestAmount,
    currency: fc.constantFrom('EUR', 'EUR', 'USD', 'GBP'),
    service: fc.constantFrom('s1', 's1', 's1', 's2', 's2', 's2', 's3'),
    country: fc.constantFrom('DE', 'FR', 'US'),
    created_at: iso,
    fields: fc.record({ tier: fc.integer({ min: 0, max: 4 }), seg: fc.constantFrom('a', 'b', 'c'), vip: fc.boolean(), score: fc.constantFrom(1, 2.5, '11.25') }, { requiredKeys: [] }),
    attempt: fc.constantFrom(1, 1, 1, 1, 1, 1, 2, 3),
    exclude: fc.oneof(fc.constant([]), fc.constant([]), fc.subarray([...ROUTES], { maxLength: 2 })),
    last_error: fc.constant('timeout'),
  },
  { requiredKeys: ['amount', 'currency', 'service'] },
);

const pool = fc.array(
  fc.record({ id: fc.constantFrom('t1', 't2', 't3', 't4'), amount, created_at: iso, expires_at: iso }),
  { maxLength: 4 },
);

// Shaped so that most requests are routed and every strategy is seen (decide.test.ts counts
// them): most routes have a balance (`balance` needs one), and most states every rate.
const routeState = fc.oneof(
  {
    arbitrary: fc.record(
      { balance, enabled: fc.constantFrom(true, true, true, true, true, true, false), daily_used: fc.integer({ min: 0, max: 900 }).map(String) },
      { requiredKeys: ['balance'] },
    ),
    weight: 4,
  },
  { arbitrary: fc.record({ balance: amount, enabled: fc.constantFrom(true, false), daily_used: smallNum }, { requiredKeys: [] }), weight: 1 },
);

const RATES = { 'EUR/USD': fc.constantFrom('1.0850', '1.1'), 'GBP/EUR': fc.constantFrom('1.17', '1.2'), 'USD/GBP': fc.constant('0.79') };

export const stateArb = fc.record({
  routes: fc.record(Object.fromEntries(ROUTES.map((r) => [r, routeState])), { requiredKeys: ['eur_a', 'eur_b', 'usd_c', 'gbp_d'] }),
  rates: fc.oneof({ arbitrary: fc.record(RATES), weight: 3 }, { arbitrary: fc.record(RATES, { requiredKeys: [] }), weight: 1 }),
  p2p: fc.record({ p2p_e: pool }, { requiredKeys: [] }),
  // Volume history of a few strategies (keys are their places: service, branch, strategy).
  volumes: fc.record(
    Object.fromEntries(
      ['s1/0', 's2/0', 's1/0/0', 's1/1/0', 's2/0/0'].map((key) => [key, fc.record(Object.fromEntries(ROUTES.map((r) => [r, smallNum])), { requiredKeys: [] })]),
    ),
    { requiredKeys: [] },
  ),
});
