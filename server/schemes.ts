// Schemes and their immutable numbered versions, activation, and the compiled-scheme cache.
// Sources are checked in the compile pool's workers; a version is compiled on the request
// thread when first used, and kept in a cache bounded by bytes (a version never changes, so an
// evicted one compiles again the same). Which version is active is cached per instance and
// dropped when any instance activates another. What a mode may store is bounded by SchemeLimits.
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { compileAst, type CompiledScheme } from '../compiler/compile.js';
import { hasErrors, type DiagnosticJSON } from '../grammar/diagnostics.js';
import { parse } from '../grammar/parse.js';
import { andThen, type Awaitable } from './awaitable.js';
import { CompilePool, type CheckReply } from './compile-pool.js';
import { CompiledCache } from './compiled-cache.js';
import type { Database, Mode } from './db/schema.js';
import { publish, type Change, type ChangeHandler } from './notifications.js';
import { notFound, Problem } from './problem.js';
import { audit } from './audit.js';
import type { Actor } from './roles.js';

export interface VersionCreated {
  readonly name: string;
  readonly version: number;
  readonly hash: string;
  /** DiagnosticJSON[] as JSON text (see CheckReply). */
  readonly diagnostics: string;
  /** False when the source equals the latest version, which is returned instead. */
  readonly created: boolean;
}

export interface ActiveScheme {
  readonly name: string;
  readonly version: number;
  readonly scheme: CompiledScheme;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const key = (mode: string, name: string): string => `${mode}\u0000${name}`;

/** What one mode (all its keys) may store, per scheme and in all; a save past one answers 409. */
export interface SchemeLimits {
  readonly versionsPerScheme: number;
  /** Source bytes (UTF-8) of all of a scheme's versions. */
  readonly bytesPerScheme: number;
  readonly versionsPerMode: number;
  readonly bytesPerMode: number;
}

export const DEFAULT_LIMITS: SchemeLimits = {
  versionsPerScheme: 1_000,
  bytesPerScheme: 128 * 1024 * 1024,
  versionsPerMode: 10_000,
  bytesPerMode: 1024 * 1024 * 1024,
};

export interface SchemesOptions {
  /** Where sources are checked (default: a pool of its own, closed with close()). */
  readonly pool?: CompilePool;
  readonly limits?: Partial<SchemeLimits>;
  /** The compiled-version cache's budget in estimated bytes (compiled-cache.ts). */
  readonly cacheBytes?: number;
  /** Told how long each stored version took to compile (the metrics). */
  readonly onCompile?: (seconds: number) => void;
}

/** A checked source fit for storage: 422 on errors, on a name that differs from the URL's, or a mode that differs from the key's. */
function acceptable(mode: Mode, name: string, checked: CheckReply): string {
  const { settings, errors } = checked;
  // Problems carry the diagnostics parsed: refusals are rarer than saves, and Problem takes values.
  const diagnostics = (): { diagnostics: DiagnosticJSON[] } => ({ diagnostics: JSON.parse(checked.diagnostics) as DiagnosticJSON[] });
  if (!settings || errors > 0) throw new Problem(422, 'scheme-errors', `the scheme has ${errors} error(s)`, diagnostics());
  if (settings.name !== name) throw new Problem(422, 'scheme-name-mismatch', `the source says 'scheme ${settings.name}' but the URL names '${name}'`, diagnostics());
  if (settings.mode !== mode) throw new Problem(422, 'mode-mismatch', `the scheme says 'mode ${settings.mode}' but this is a ${mode} key`, diagnostics());
  return checked.diagnostics;
}

/** Compiles a stored version, which was checked clean when saved: parse and generate, no check. */
function compileStored(source: string): CompiledScheme {
  const parsed = parse(source);
  if (hasErrors(parsed.diagnostics)) throw new Problem(500, 'internal', 'a stored version no longer parses');
  return compileAst(parsed.ast);
}

/** Who activates, and as what: the audit entry an activation writes. */
export interface Activation {
  readonly actor: Actor;
  readonly action: 'activated' | 'rolled-back' | 'activation-approved';
  readonly message?: string | undefined;
  readonly detail?: Record<string, unknown>;
}

export class Schemes implements ChangeHandler {
  readonly pool: CompilePool;
  private readonly ownsPool: boolean;
  private readonly limits: SchemeLimits;
  private readonly compiled: CompiledCache;
  /** mode and name → the active version, compiled (null: none), until an activation. */
  private readonly active = new Map<string, ActiveScheme | null>();
  /** Bumped by every change, so a read that raced a change is not cached. */
  private generation = 0;
  private readonly onCompile: ((seconds: number) => void) | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    options: SchemesOptions = {},
  ) {
    this.pool = options.pool ?? new CompilePool();
    this.ownsPool = !options.pool;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.compiled = new CompiledCache(options.cacheBytes);
    this.onCompile = options.onCompile;
  }

  /** The compiled-version cache's estimated bytes and entries (for tests and figures). */
  get cache(): { readonly bytes: number; readonly size: number; readonly budget: number } {
    return this.compiled;
  }

  async createVersion(mode: Mode, name: string, source: string, message: string | undefined, actor: Actor): Promise<VersionCreated> {
    const diagnostics = acceptable(mode, name, await this.pool.check(source));
    const hash = sha256(source);
    const result = await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('schemes').values({ mode, name }).onConflict((oc) => oc.doNothing()).execute();
      // The row lock numbers concurrent versions one after another.
      await trx.selectFrom('schemes').select('name').where('mode', '=', mode).where('name', '=', name).forUpdate().execute();
      const latest = await trx
        .selectFrom('scheme_versions')
        .select(['version', 'hash'])
        .where('mode', '=', mode)
        .where('name', '=', name)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (latest?.hash === hash) return { version: latest.version, created: false };
      await this.withinLimits(trx, mode, name, Buffer.byteLength(source));
      const version = (latest?.version ?? 0) + 1;
      const by = typeof actor === 'string' ? { created_by_id: null, created_by_name: actor } : { created_by_id: actor.id, created_by_name: actor.name };
      await trx.insertInto('scheme_versions').values({ mode, name, version, source, hash, message: message ?? null, ...by }).execute();
      await audit(trx, actor, { mode, action: 'version-saved', scheme: name, version, message });
      return { version, created: true };
    });
    return { name, hash, diagnostics, ...result };
  }

  /** 409 when one more version of `bytes` would pass a limit. Exact per scheme (its row is locked); per mode, concurrent saves to other schemes may pass it by their number. */
  private async withinLimits(trx: Transaction<Database>, mode: Mode, name: string, bytes: number): Promise<void> {
    const usage = (scheme: string | null) => {
      let q = trx
        .selectFrom('scheme_versions')
        .select(({ fn }) => [fn.countAll<string | number>().as('versions'), sql<string | number | null>`sum(octet_length(source))`.as('bytes')])
        .where('mode', '=', mode);
      if (scheme !== null) q = q.where('name', '=', scheme);
      return q.executeTakeFirstOrThrow();
    };
    const l = this.limits;
    const checks = [
      { used: await usage(name), versions: l.versionsPerScheme, bytesLimit: l.bytesPerScheme, what: `scheme '${name}'` },
      { used: await usage(null), versions: l.versionsPerMode, bytesLimit: l.bytesPerMode, what: `${mode} mode` },
    ];
    for (const { used, versions, bytesLimit, what } of checks) {
      const count = Number(used.versions);
      const stored = Number(used.bytes ?? 0);
      if (count + 1 > versions) throw new Problem(409, 'scheme-limit', `${what} has ${count} versions stored, the most it may keep`, { limit: versions });
      if (stored + bytes > bytesLimit) {
        throw new Problem(409, 'scheme-limit', `${what} stores ${stored} bytes of versions; this one's ${bytes} would pass its limit of ${bytesLimit}`, { limit: bytesLimit });
      }
    }
  }

  async list(mode: Mode) {
    return this.db
      .selectFrom('schemes as s')
      .leftJoin('scheme_versions as v', (j) => j.onRef('v.mode', '=', 's.mode').onRef('v.name', '=', 's.name'))
      .select(({ fn }) => ['s.name', 's.active_version', fn.max('v.version').as('latest_version')])
      .where('s.mode', '=', mode)
      .groupBy(['s.name', 's.active_version'])
      .orderBy('s.name')
      .execute();
  }

  async versions(mode: Mode, name: string) {
    const rows = await this.db
      .selectFrom('scheme_versions')
      .select(['version', 'hash', 'message', 'created_at', 'created_by_id', 'created_by_name'])
      .where('mode', '=', mode)
      .where('name', '=', name)
      .orderBy('version')
      .execute();
    if (!rows.length) throw notFound(`no scheme '${name}'`);
    const active = await this.activeVersion(this.db, mode, name);
    return rows.map(({ created_by_id, created_by_name, ...r }) => ({
      ...r,
      created_by: created_by_name === null ? null : { id: created_by_id, name: created_by_name },
      active: r.version === active,
    }));
  }

  async version(mode: Mode, name: string, version: number) {
    const row = await this.db
      .selectFrom('scheme_versions')
      .select(['name', 'version', 'source', 'hash', 'message', 'created_at'])
      .where('mode', '=', mode)
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!row) throw notFound(`scheme '${name}' has no version ${version}`);
    return row;
  }

  /** The active version's number (null: none), read in `db` (a transaction's, to lock the scheme's row first). */
  async activeVersion(db: Kysely<Database>, mode: Mode, name: string, lock = false): Promise<number | null> {
    let q = db.selectFrom('schemes').select('active_version').where('mode', '=', mode).where('name', '=', name);
    if (lock) q = q.forUpdate();
    return (await q.executeTakeFirst())?.active_version ?? null;
  }

  /**
   * One transaction, with its audit entry (and `also`, the caller's part of it: an approval's
   * status); every instance drops its cached active version when it commits. Returns the
   * version that was active before.
   */
  async activate(mode: Mode, name: string, version: number, how: Activation, also?: (trx: Transaction<Database>, from: number | null) => Promise<void>): Promise<number | null> {
    await this.version(mode, name, version);
    const from = await this.db.transaction().execute(async (trx) => {
      const before = await this.activeVersion(trx, mode, name, true);
      await also?.(trx, before);
      await trx.updateTable('schemes').set({ active_version: version }).where('mode', '=', mode).where('name', '=', name).execute();
      await audit(trx, how.actor, { mode, action: how.action, scheme: name, version, message: how.message, detail: { from_version: before, ...how.detail } });
      await publish(trx, { kind: 'active', mode, name });
      return before;
    });
    this.changed({ kind: 'active', mode, name });
    return from;
  }

  /** The compiled scheme of a version, or of the active one (at once when cached); 404 problems when there is none. */
  resolve(mode: Mode, name: string, version?: number): Awaitable<ActiveScheme> {
    if (version !== undefined) return this.compiledVersion(mode, name, version);
    const k = key(mode, name);
    const cached = this.active.get(k);
    return andThen(cached === undefined ? this.loadActive(mode, name, k) : cached, (active) => {
      if (active === null) throw notFound(`scheme '${name}' has no active version`);
      return active;
    });
  }

  private async compiledVersion(mode: Mode, name: string, v: number): Promise<ActiveScheme> {
    const cacheKey = `${key(mode, name)}\u0000${v}`;
    let scheme = this.compiled.get(cacheKey);
    if (!scheme) {
      const row = await this.version(mode, name, v);
      const started = performance.now();
      scheme = compileStored(row.source);
      this.onCompile?.((performance.now() - started) / 1000);
      this.compiled.set(cacheKey, scheme, row.source.length);
    }
    return { name, version: v, scheme };
  }

  private async loadActive(mode: Mode, name: string, k: string): Promise<ActiveScheme | null> {
    const generation = this.generation;
    const row = await this.db.selectFrom('schemes').select('active_version').where('mode', '=', mode).where('name', '=', name).executeTakeFirst();
    const v = row?.active_version ?? null;
    const active = v === null ? null : await this.compiledVersion(mode, name, v);
    if (generation === this.generation) this.active.set(k, active);
    return active;
  }

  changed(change: Change): void {
    if (change.kind !== 'active') return;
    this.generation++;
    this.active.delete(key(change.mode, change.name));
  }

  reset(): void {
    this.generation++;
    this.active.clear();
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close();
  }
}
