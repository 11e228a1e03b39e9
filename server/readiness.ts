// Readiness: whether this instance should get traffic. The database answers, its migrations are
// this code's, and the active schemes were compiled once at start (so the first decisions do not
// pay for it). Liveness asks none of this.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { within } from './awaitable.js';
import type { Store } from './db/connect.js';
import { pendingMigrations } from './db/migrations.js';
import { Problem } from './problem.js';
import type { Schemes } from './schemes.js';

/** How long a readiness check waits for the active schemes to finish loading. */
const LOAD_WAIT_MS = 1_000;

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: { readonly database: boolean; readonly migrations: boolean; readonly schemes: boolean };
}

export class Readiness {
  private loaded = false;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly schemes: Schemes,
    private readonly schema: string | undefined,
    private readonly log: (line: string) => void,
  ) {}

  /** Compiles every active version, a turn of the event loop between two; again on the next check if the database failed. */
  load(): Promise<void> {
    return (this.loading ??= this.compileActive().then(
      () => void (this.loaded = true),
      (e: unknown) => {
        this.loading = undefined;
        this.log(`loading the active schemes failed: ${e instanceof Error ? e.message : String(e)}`);
      },
    ));
  }

  private async compileActive(): Promise<void> {
    const rows = await this.store.db.selectFrom('schemes').select(['mode', 'name']).where('active_version', 'is not', null).execute();
    for (const r of rows) {
      // A version that cannot be had (a problem, not the database) is reported and left for its first decision.
      await Promise.resolve(this.schemes.resolve(r.mode, r.name)).catch((e: unknown) => {
        if (!(e instanceof Problem)) throw e;
        this.log(`scheme ${r.name} (${r.mode}) not loaded: ${e.detail}`);
      });
      await nextTurn();
    }
  }

  async check(): Promise<ReadinessReport> {
    const database = await this.store.ping();
    const migrations = database && (await pendingMigrations(this.store.db as Kysely<unknown>, this.schema).catch(() => 1)) === 0;
    // A load under way (or started now) is waited for a moment, so a probe right after start sees it end.
    if (database && !this.loaded) await within(LOAD_WAIT_MS, this.load());
    return { ready: database && migrations && this.loaded, checks: { database, migrations, schemes: this.loaded } };
  }
}
