// The strategies and p2p sort orders the runtime implements, by name. The language's keywords
// for them are read from here (grammar/tokens.ts), since the runtime may not import grammar/.
export const STRATEGY_KINDS = ['optimal', 'weight', 'balance', 'conversion', 'cost'] as const;
export type StrategyKind = (typeof STRATEGY_KINDS)[number];

export const P2P_SORT_ORDERS = ['oldest', 'biggest', 'min_remainder'] as const;
export type P2PSortOrder = (typeof P2P_SORT_ORDERS)[number];
