// The strategies, p2p sort orders and field types the runtime implements, by name. The
// language's keywords for them are read from here (grammar/tokens.ts), since the runtime may
// not import grammar/.
export const STRATEGY_KINDS = ['optimal', 'weight', 'balance', 'conversion', 'cost'] as const;
export type StrategyKind = (typeof STRATEGY_KINDS)[number];

export const P2P_SORT_ORDERS = ['oldest', 'biggest', 'min_remainder'] as const;
export type P2PSortOrder = (typeof P2P_SORT_ORDERS)[number];

/** The field types read as one keyword; `one_of` takes its values after it. */
export const SCALAR_FIELD_KINDS = ['int', 'decimal', 'string', 'bool'] as const;
/** How a declared field's JSON value is read: decimals exactly, ints as safe integers. */
export type FieldKind = (typeof SCALAR_FIELD_KINDS)[number] | 'one_of';
