// Four-eyes activation: a mode's require_approval setting, activation requests that another key
// with the approver role accepts (activating in the same transaction) or rejects, and rollback to
// the version active before. The audit trail records each step.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { audit } from './audit.js';
import type { ActivationStatus, Database, Mode } from './db/schema.js';
import type { KeyIdentity } from './keys.js';
import { notFound, Problem } from './problem.js';
import { rightsOf, type Actor } from './roles.js';
import type { Schemes } from './schemes.js';

/** Pending requests a mode may hold: each waits on a person, so more would be noise. */
export const MAX_PENDING = 20;

type RequestRow = Awaited<ReturnType<Activations['row']>>;

function requestJson(r: NonNullable<RequestRow>): Record<string, unknown> {
  return {
    id: r.id,
    mode: r.mode,
    scheme: r.scheme,
    version: r.version,
    from_version: r.from_version,
    rollback: r.rollback,
    status: r.status,
    message: r.message,
    requested_by: { id: r.requested_by_id, name: r.requested_by_name },
    created_at: new Date(r.created_at).toISOString(),
    decided_by: r.decided_by_id === null ? null : { id: r.decided_by_id, name: r.decided_by_name },
    decided_at: r.decided_at === null ? null : new Date(r.decided_at).toISOString(),
    decision_message: r.decision_message,
  };
}

export type ActivationOutcome = { readonly kind: 'activated'; readonly from: number | null } | { readonly kind: 'requested'; readonly request: Record<string, unknown> };

export class Activations {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly schemes: Schemes,
  ) {}

  async settings(mode: Mode): Promise<{ mode: Mode; require_approval: boolean }> {
    const row = await this.db.selectFrom('mode_settings').select('require_approval').where('mode', '=', mode).executeTakeFirst();
    return { mode, require_approval: row?.require_approval ?? false };
  }

  async putSettings(mode: Mode, requireApproval: boolean, actor: Actor): Promise<{ mode: Mode; require_approval: boolean }> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('mode_settings')
        .values({ mode, require_approval: requireApproval })
        .onConflict((oc) => oc.column('mode').doUpdateSet({ require_approval: requireApproval }))
        .execute();
      await audit(trx, actor, { mode, action: 'settings-changed', detail: { require_approval: requireApproval } });
    });
    return { mode, require_approval: requireApproval };
  }

  /**
   * Activates at once for a key that may approve, when the mode does not ask for approval; under
   * require_approval, a key that may author or approve asks for it instead (202).
   */
  async activate(mode: Mode, scheme: string, version: number, key: KeyIdentity, message: string | undefined, rollback = false): Promise<ActivationOutcome> {
    const { require_approval } = await this.settings(mode);
    if (require_approval) return { kind: 'requested', request: await this.request(mode, scheme, version, key, message, rollback) };
    if (!rightsOf(key.role).includes('approve')) {
      throw new Problem(403, 'forbidden', `a key with the ${key.role} role may not activate; an approver may (or, with require_approval, it may ask for activation)`, { role: key.role, right: 'approve' });
    }
    const from = await this.schemes.activate(mode, scheme, version, { actor: key, action: rollback ? 'rolled-back' : 'activated', message });
    return { kind: 'activated', from };
  }

  /** The version active before the current one, as the last activation recorded it; 409 when there is none. */
  async previous(mode: Mode, scheme: string): Promise<number> {
    const last = await this.db
      .selectFrom('audit')
      .select('detail')
      .where('mode', '=', mode)
      .where('scheme', '=', scheme)
      .where('action', 'in', ['activated', 'rolled-back', 'activation-approved'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const detail = (typeof last?.detail === 'string' ? JSON.parse(last.detail) : last?.detail) as { from_version?: number | null } | undefined;
    const from = detail?.from_version;
    if (typeof from !== 'number') throw new Problem(409, 'nothing-to-roll-back', `scheme '${scheme}' has no earlier active version to go back to`);
    return from;
  }

  private async request(mode: Mode, scheme: string, version: number, key: KeyIdentity, message: string | undefined, rollback: boolean): Promise<Record<string, unknown>> {
    await this.schemes.version(mode, scheme, version);
    const id = `ar_${randomUUID()}`;
    await this.db.transaction().execute(async (trx) => {
      // The settings row (made if absent) serialises requests of a mode, so the cap holds.
      await trx.insertInto('mode_settings').values({ mode, require_approval: true }).onConflict((oc) => oc.column('mode').doNothing()).execute();
      await trx.selectFrom('mode_settings').select('mode').where('mode', '=', mode).forUpdate().execute();
      const pending = await trx.selectFrom('activation_requests').select(({ fn }) => fn.countAll<string | number>().as('n')).where('mode', '=', mode).where('status', '=', 'pending').executeTakeFirstOrThrow();
      if (Number(pending.n) >= MAX_PENDING) throw new Problem(409, 'too-many-pending', `${mode} mode has ${MAX_PENDING} activation requests waiting; approve or reject some first`);
      const from = await this.schemes.activeVersion(trx, mode, scheme);
      await trx
        .insertInto('activation_requests')
        .values({ id, mode, scheme, version, from_version: from, rollback, status: 'pending', message: message ?? null, requested_by_id: key.id, requested_by_name: key.name })
        .execute();
      await audit(trx, key, { mode, action: 'activation-requested', scheme, version, message, detail: { request: id, from_version: from, rollback } });
    });
    return requestJson((await this.row(mode, id))!);
  }

  async list(mode: Mode, status: ActivationStatus | undefined): Promise<Record<string, unknown>[]> {
    let q = this.db.selectFrom('activation_requests').selectAll().where('mode', '=', mode);
    if (status) q = q.where('status', '=', status);
    return (await q.orderBy('created_at', 'desc').orderBy('id').limit(200).execute()).map(requestJson);
  }

  async get(mode: Mode, id: string): Promise<Record<string, unknown>> {
    const row = await this.row(mode, id);
    if (!row) throw notFound(`no activation request '${id.slice(0, 100)}'`);
    return requestJson(row);
  }

  private row(mode: Mode, id: string) {
    return this.db.selectFrom('activation_requests').selectAll().where('mode', '=', mode).where('id', '=', id).executeTakeFirst();
  }

  /**
   * Approves and activates in one transaction: 403 for the key that asked, 409 when it was
   * decided already or another activation came first (stale: ask again against what is active).
   */
  async approve(mode: Mode, id: string, key: KeyIdentity, message: string | undefined): Promise<Record<string, unknown>> {
    const r = await this.undecided(mode, id, key, 'approve');
    await this.schemes.activate(mode, r.scheme, r.version, { actor: key, action: 'activation-approved', message, detail: { request: id, rollback: r.rollback, requested_by: { id: r.requested_by_id, name: r.requested_by_name } } }, async (trx, before) => {
      const current = await trx.selectFrom('activation_requests').select('status').where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
      if (current.status !== 'pending') throw new Problem(409, 'already-decided', `activation request '${id}' is ${current.status} already`);
      if (before !== r.from_version) {
        throw new Problem(409, 'stale', `scheme '${r.scheme}' is at version ${before ?? 'none'} now, not ${r.from_version ?? 'none'} as when this was asked; reject it and ask again`);
      }
      await trx.updateTable('activation_requests').set({ status: 'approved', decided_by_id: key.id, decided_by_name: key.name, decided_at: new Date(), decision_message: message ?? null }).where('id', '=', id).execute();
    });
    return this.get(mode, id);
  }

  async reject(mode: Mode, id: string, key: KeyIdentity, message: string | undefined): Promise<Record<string, unknown>> {
    const r = await this.undecided(mode, id, key, 'reject');
    await this.db.transaction().execute(async (trx) => {
      const done = await trx
        .updateTable('activation_requests')
        .set({ status: 'rejected', decided_by_id: key.id, decided_by_name: key.name, decided_at: new Date(), decision_message: message ?? null })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .returning('id')
        .executeTakeFirst();
      if (!done) throw new Problem(409, 'already-decided', `activation request '${id}' was decided already`);
      await audit(trx, key, { mode, action: 'activation-rejected', scheme: r.scheme, version: r.version, message, detail: { request: id } });
    });
    return this.get(mode, id);
  }

  /** A pending request another key may decide. */
  private async undecided(mode: Mode, id: string, key: KeyIdentity, verb: string) {
    const r = await this.row(mode, id);
    if (!r) throw notFound(`no activation request '${id.slice(0, 100)}'`);
    if (r.requested_by_id === key.id) throw new Problem(403, 'self-approval', `the key that asked for an activation may not ${verb} it; another approver must`);
    if (r.status !== 'pending') throw new Problem(409, 'already-decided', `activation request '${id}' is ${r.status} already`);
    return r;
  }
}

