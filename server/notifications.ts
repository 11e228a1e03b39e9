// One channel tells every instance what changed (a key revoked, a version activated, stored state
// written), so their caches never serve stale answers. A gap in listening clears every cache.
import { sql, type Kysely } from 'kysely';
import type { Store } from './db/connect.js';
import type { Database } from './db/schema.js';

const CHANNEL = 'sluice_changes';

export type Change =
  | { readonly kind: 'key'; readonly id: string }
  | { readonly kind: 'active'; readonly mode: string; readonly name: string }
  | { readonly kind: 'state' }
  | { readonly kind: 'connector'; readonly mode: string; readonly route: string };

export interface ChangeHandler {
  changed(change: Change): void;
  /** Some changes may have been missed: forget everything cached. */
  reset(): void;
}

export async function subscribe(store: Store, handlers: readonly ChangeHandler[]): Promise<void> {
  await store.listen(
    CHANNEL,
    (payload) => {
      const change = parse(payload);
      for (const h of handlers) change ? h.changed(change) : h.reset();
    },
    () => handlers.forEach((h) => h.reset()),
  );
}

/** Sent inside the caller's transaction: delivered to every instance when it commits. */
export async function publish(db: Kysely<Database>, change: Change): Promise<void> {
  await sql`select pg_notify(${CHANNEL}, ${JSON.stringify(change)})`.execute(db);
}

function parse(payload: string): Change | undefined {
  try {
    const v = JSON.parse(payload) as Change;
    return v.kind === 'key' || v.kind === 'active' || v.kind === 'state' || v.kind === 'connector' ? v : undefined;
  } catch {
    return undefined;
  }
}
