// Stored state as the runtime reads it, kept per compiled scheme between writes, so a decision
// on stored state reads no database and parses nothing while the state is unchanged. Every
// write to route state, rates, pools or volumes goes through `transaction`: this instance drops
// its snapshots when the write ends, before it is acknowledged, so no decision here sees state
// older than a write this instance acknowledged; other instances hear of it by notification.
import type { Kysely } from 'kysely';
import type { CompiledScheme } from '../compiler/compile.js';
import { parseState, type StateResult } from '../runtime/state.js';
import type { Awaitable } from './awaitable.js';
import type { Database, Mode } from './db/schema.js';
import { publish, type Change, type ChangeHandler } from './notifications.js';
import { loadState } from './route-state.js';

const DAY_MS = 86_400_000;

interface Snapshot {
  readonly mode: Mode;
  readonly name: string;
  /** The UTC day (days since 1970) it was read on: daily and monthly use count in it. */
  readonly day: number;
  readonly generation: number;
  readonly parsed: StateResult;
}

export class StateSnapshots implements ChangeHandler {
  private readonly snapshots = new WeakMap<CompiledScheme, Snapshot>();
  /** Bumped by every write, here or elsewhere: a snapshot of an older generation is stale, and a read that raced a write is not kept. */
  private generation = 0;

  /** `shared`: other instances may use the database too (PostgreSQL), so writes are announced. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly shared: boolean,
  ) {}

  /** The stored state of a scheme's routes, rates, pools and volumes, parsed as a State JSON would be. */
  read(mode: Mode, name: string, scheme: CompiledScheme, now: Date): Awaitable<StateResult> {
    // A number rather than period()'s text: no date formatting per decision.
    const day = Math.floor(now.getTime() / DAY_MS);
    const s = this.snapshots.get(scheme);
    if (s && s.generation === this.generation && s.day === day && s.mode === mode && s.name === name) return s.parsed;
    return this.load(mode, name, scheme, now, day);
  }

  private async load(mode: Mode, name: string, scheme: CompiledScheme, now: Date, day: number): Promise<StateResult> {
    const generation = this.generation;
    const parsed = parseState(await loadState(this.db, mode, name, scheme, now));
    if (generation === this.generation) this.snapshots.set(scheme, { mode, name, day, generation, parsed });
    return parsed;
  }

  /** A write to stored state, in one transaction that other instances hear of when it commits. */
  async transaction<T>(write: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const result = await write(trx);
        if (this.shared) await publish(trx, { kind: 'state' });
        return result;
      });
    } finally {
      // Committed or not, what was read before may be stale now.
      this.generation++;
    }
  }

  changed(change: Change): void {
    if (change.kind === 'state') this.generation++;
  }

  reset(): void {
    this.generation++;
  }
}
