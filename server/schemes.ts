// Schemes and their immutable numbered versions, activation, and the compiled-scheme cache.
// A version never changes, so its compiled form is cached forever; which version is active is
// cached per instance and dropped when any instance activates another.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { compile, type CompiledScheme } from '../compiler/compile.js';
import { diagnosticToJSON, hasErrors, type DiagnosticJSON } from '../grammar/diagnostics.js';
import { andThen, type Awaitable } from './awaitable.js';
import type { Database, Mode } from './db/schema.js';
import { publish, type Change, type ChangeHandler } from './notifications.js';
import { notFound, Problem } from './problem.js';

export interface VersionCreated {
  readonly name: string;
  readonly version: number;
  readonly hash: string;
  readonly diagnostics: DiagnosticJSON[];
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

/** Compiles a source for storage: 422 on errors, on a name that differs from the URL's, or a mode that differs from the key's. */
function compileFor(mode: Mode, name: string, source: string): { scheme: CompiledScheme; diagnostics: DiagnosticJSON[] } {
  const result = compile(source);
  const diagnostics = result.diagnostics.map(diagnosticToJSON);
  if (!result.scheme || hasErrors(result.diagnostics)) throw new Problem(422, 'scheme-errors', `the scheme has ${diagnostics.filter((d) => d.severity === 'error').length} error(s)`, { diagnostics });
  const { settings } = result.scheme;
  if (settings.name !== name) throw new Problem(422, 'scheme-name-mismatch', `the source says 'scheme ${settings.name}' but the URL names '${name}'`, { diagnostics });
  if (settings.mode !== mode) throw new Problem(422, 'mode-mismatch', `the scheme says 'mode ${settings.mode}' but this is a ${mode} key`, { diagnostics });
  return { scheme: result.scheme, diagnostics };
}

export class Schemes implements ChangeHandler {
  private readonly compiled = new Map<string, CompiledScheme>();
  /** mode and name → the active version, compiled (null: none), until an activation. */
  private readonly active = new Map<string, ActiveScheme | null>();
  /** Bumped by every change, so a read that raced a change is not cached. */
  private generation = 0;

  constructor(private readonly db: Kysely<Database>) {}

  async createVersion(mode: Mode, name: string, source: string, message: string | undefined): Promise<VersionCreated> {
    const { scheme, diagnostics } = compileFor(mode, name, source);
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
      const version = (latest?.version ?? 0) + 1;
      await trx.insertInto('scheme_versions').values({ mode, name, version, source, hash, message: message ?? null }).execute();
      return { version, created: true };
    });
    this.compiled.set(`${key(mode, name)}\u0000${result.version}`, scheme);
    return { name, hash, diagnostics, ...result };
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
      .select(['version', 'hash', 'message', 'created_at'])
      .where('mode', '=', mode)
      .where('name', '=', name)
      .orderBy('version')
      .execute();
    if (!rows.length) throw notFound(`no scheme '${name}'`);
    return rows;
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

  /** One transaction; every instance drops its cached active version when it commits. */
  async activate(mode: Mode, name: string, version: number): Promise<void> {
    await this.version(mode, name, version);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('schemes').set({ active_version: version }).where('mode', '=', mode).where('name', '=', name).execute();
      await publish(trx, { kind: 'active', mode, name });
    });
    this.changed({ kind: 'active', mode, name });
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
      const result = compile(row.source);
      if (!result.scheme) throw new Problem(500, 'internal', `stored version ${v} of '${name}' no longer compiles`);
      scheme = result.scheme;
      this.compiled.set(cacheKey, scheme);
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
}
