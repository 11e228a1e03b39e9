// /v1/compile and /v1/schemes: versions, activation, decisions.
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { decide } from '../../index.js';
import { decideParsedState, type InvalidRequest } from '../../runtime/decide-request.js';
import { parseState } from '../../runtime/state.js';
import type { Decision } from '../../runtime/types.js';
import { andThen } from '../awaitable.js';
import { MAX_BATCH_BODY, MAX_LINE } from '../batch-limits.js';
import { batchDecider, jsonBatch, ndjsonBatch } from '../decide-batch.js';
import { decisionAnswer, type DecisionContext, type Decisions, type NamedDecision } from '../decisions.js';
import type { Endpoint } from '../metrics.js';
import { requestInfo } from '../request-log.js';
import { body, bodyChunks, nameParam, parseVersion, versionParam, type AppContext, type AppEnv, type Intake } from '../http.js';
import { securedJson } from '../guards.js';
import { isNdjson, ndjsonLines } from '../ndjson.js';
import { Problem } from '../problem.js';
import type { ActiveScheme, Schemes } from '../schemes.js';
import type { Activations } from '../activations.js';
import { auditPage } from '../audit.js';
import type { Database } from '../db/schema.js';
import type { KeyIdentity } from '../keys.js';
import type { StateSnapshots } from '../state-snapshots.js';

/** Checked in the compile pool, off the request thread: 503 when the pool is full or the check passes its deadline. */
export function compileRoute(schemes: Schemes): Hono<AppEnv> {
  return new Hono<AppEnv>().post('/', async (c) => {
    const { source } = await body<{ source: string }>(c, 'Compile');
    const { diagnostics, errors } = await schemes.pool.check(source);
    return jsonWithRaw({ ok: errors === 0 }, 'diagnostics', diagnostics, 200);
  });
}

/** `value` as JSON with one more member whose value is JSON text already (diagnostics from the compile pool), not parsed and stringified again. */
function jsonWithRaw(value: Record<string, unknown>, name: string, raw: string, status: 200 | 201): Response {
  const head = JSON.stringify(value);
  const body = `${head.slice(0, -1)}${head === '{}' ? '' : ','}${JSON.stringify(name)}:${raw}}`;
  return new Response(body, { status, headers: { 'content-type': 'application/json' } });
}

interface DecideBody {
  readonly request: Record<string, unknown>;
  readonly state?: Record<string, unknown>;
  readonly version?: number;
  /** true adds the trace; without it the answer has `"trace": []` (the trace is most of a decision's time and of the answer's size). */
  readonly trace?: boolean;
}

/** The Decision JSON with its id and the version that decided it; 422 for a request the scheme's schema refuses. */
function answer(active: ActiveScheme, decision: NamedDecision | InvalidRequest): Response {
  if (decision.status === 'invalid') {
    const details = decision.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    throw new Problem(422, 'invalid-request', details, { errors: decision.errors });
  }
  // Added to the Decision JSON rather than spread into a copy: the copy cost as much as the stringify.
  const json = decisionAnswer(decision);
  json['version'] = active.version;
  return securedJson(json);
}

/** Who made a decision, for its id, metrics and log entry. */
const contextOf = (c: AppContext, endpoint: Endpoint, name: string, active: ActiveScheme): DecisionContext => ({
  endpoint,
  mode: c.get('mode'),
  scheme: name,
  version: active.version,
  requestId: requestInfo(c.env?.incoming)?.id,
});

/** 200 with the version now active, or 202 with the activation request four-eyes asks for. */
async function answerActivation(c: AppContext, activations: Activations, name: string, version: number, message: string | undefined, rollback: boolean): Promise<Response> {
  const outcome = await activations.activate(c.get('mode'), name, version, c.get('actor') as KeyIdentity, message, rollback);
  if (outcome.kind === 'requested') return c.json({ activation_request: outcome.request }, 202);
  return c.json({ name, active_version: version, previous_version: outcome.from });
}

export function schemeRoutes(schemes: Schemes, activations: Activations, db: Kysely<Database>, states: StateSnapshots, now: () => Date, decisions: Decisions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const activated = (c: AppContext, name: string, version: number, message: string | undefined, rollback: boolean) => answerActivation(c, activations, name, version, message, rollback);
  /** Decides (the clock started just before), then names and records the decision. */
  const recorded = (c: AppContext, name: string, active: ActiveScheme, input: unknown, decideNow: () => Decision | InvalidRequest) => {
    const started = performance.now();
    return decisions.record(contextOf(c, 'decide', name, active), input, decideNow(), started);
  };

  app.get('/', async (c) => {
    const rows = await schemes.list(c.get('mode'));
    return c.json({ data: rows.map((r) => ({ name: r.name, latest_version: r.latest_version, active_version: r.active_version })) });
  });

  app.post('/:name/versions', async (c) => {
    const b = await body<{ source: string; message?: string }>(c, 'VersionCreate');
    const { created, diagnostics, ...v } = await schemes.createVersion(c.get('mode'), nameParam(c, 'name'), b.source, b.message, c.get('actor'));
    return jsonWithRaw(v, 'diagnostics', diagnostics, created ? 201 : 200);
  });

  app.get('/:name/versions', async (c) => c.json({ data: await schemes.versions(c.get('mode'), nameParam(c, 'name')) }));

  app.get('/:name/versions/:version', async (c) => c.json(await schemes.version(c.get('mode'), nameParam(c, 'name'), versionParam(c))));

  app.post('/:name/activate', async (c) => {
    const { version, message } = await body<{ version: number; message?: string }>(c, 'Activate');
    return activated(c, nameParam(c, 'name'), version, message, false);
  });

  app.post('/:name/rollback', async (c) => {
    const { message } = await body<{ message?: string }>(c, 'Rollback');
    const name = nameParam(c, 'name');
    return activated(c, name, await activations.previous(c.get('mode'), name), message, true);
  });

  app.get('/:name/history', async (c) => {
    const name = nameParam(c, 'name');
    await schemes.versions(c.get('mode'), name); // 404 for a scheme that does not exist
    return c.json(await auditPage(db, { mode: c.get('mode'), scheme: name, limit: 200 }));
  });

  // Synchronous while key, active version, stored state and body are at hand: no promise per request.
  app.post('/:name/decide', (c) =>
    andThen(body<DecideBody>(c, 'Decide'), (b) => {
      const mode = c.get('mode');
      const name = nameParam(c, 'name');
      const trace = b.trace === true;
      return andThen(schemes.resolve(mode, name, b.version), (active) =>
        b.state
          ? answer(active, recorded(c, name, active, b.request, () => decide(active.scheme, b.request, b.state!, { trace })))
          : andThen(states.read(mode, name, active.scheme, now()), (parsed) =>
              answer(active, recorded(c, name, active, b.request, () => decideParsedState(active.scheme, b.request, parsed, { trace }))),
            ),
      );
    }),
  );

  // One version and one parsed state for the whole batch.
  app.post('/:name/decide-batch', (c) => {
    const mode = c.get('mode');
    const name = nameParam(c, 'name');
    const stored = (active: ActiveScheme) => states.read(mode, name, active.scheme, now());
    const decider = (active: ActiveScheme, parsed: Parameters<typeof batchDecider>[1], trace: boolean) =>
      decisions.recorded(contextOf(c, 'decide-batch', name, active), batchDecider(active.scheme, parsed, trace));
    if (isNdjson(c.req.header('content-type'))) {
      const { version, trace } = batchQuery(c);
      return andThen(schemes.resolve(mode, name, version), (active) =>
        andThen(stored(active), (parsed) => ndjsonBatch(ndjsonLines(bodyChunks(c), MAX_LINE), decider(active, parsed, trace))),
      );
    }
    if (c.req.url.includes('?')) throw new Problem(400, 'invalid-parameter', 'a JSON batch takes its options in the body; the query is for NDJSON');
    return andThen(body<DecideBatchBody>(c, 'DecideBatch', MAX_BATCH_BODY), (b) =>
      andThen(schemes.resolve(mode, name, b.version), (active) =>
        andThen(b.state ? parseState(b.state) : stored(active), (parsed) => jsonBatch(active.version, b.requests, decider(active, parsed, b.trace === true))),
      ),
    );
  });

  return app;
}

interface DecideBatchBody extends Omit<DecideBody, 'request'> {
  readonly requests: readonly unknown[];
}

/** The edge reads a JSON batch whole, up to MAX_BATCH_BODY; NDJSON is left to the route, a line at a time. */
export const batchIntake = (contentType: string | undefined): Intake => (isNdjson(contentType) ? { max: MAX_LINE, streamed: true } : { max: MAX_BATCH_BODY, streamed: false });

/** An NDJSON batch's options: `version=N` and `trace=true|false`; nothing else. */
function batchQuery(c: AppContext): { version: number | undefined; trace: boolean } {
  const query = c.req.query();
  const unknown = Object.keys(query).find((k) => k !== 'version' && k !== 'trace');
  if (unknown !== undefined) throw new Problem(400, 'invalid-parameter', `unknown query parameter '${unknown.slice(0, 50)}': an NDJSON batch takes version and trace`);
  const version = query['version'] === undefined ? undefined : parseVersion(query['version']);
  if (version === undefined && query['version'] !== undefined) throw new Problem(400, 'invalid-parameter', 'version must be a version number');
  const trace = query['trace'];
  if (trace !== undefined && trace !== 'true' && trace !== 'false') throw new Problem(400, 'invalid-parameter', 'trace must be true or false');
  return { version, trace: trace === 'true' };
}
