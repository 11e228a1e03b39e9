// Sends the outbox's deliveries to merchants' endpoints: signed POSTs over HTTP, at least once,
// retried with exponential backoff and jitter until a 2xx or the give-up window ends. Every
// instance runs a worker; a delivery is claimed (SKIP LOCKED, with a lease and a token) by one.
import { createHmac, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from './db/schema.js';
import type { Metrics } from './metrics.js';

export interface DeliveryOptions {
  /** The first retry's delay; each further one doubles (default 1 min). */
  readonly baseDelayMs: number;
  /** The longest delay between two attempts (default 1 h). */
  readonly maxDelayMs: number;
  /** Retries stop once this long has passed since the first attempt or the last resend (default 24 h). */
  readonly giveUpAfterMs: number;
  /** One attempt, its answer's start included (default 10 s). */
  readonly timeoutMs: number;
  /** How often each instance looks for due deliveries (default 1 s). */
  readonly pollMs: number;
  /** Deliveries claimed at a time (default 50) and sent at once (default 8). */
  readonly batchSize: number;
  readonly concurrency: number;
}

export const DELIVERY_DEFAULTS: DeliveryOptions = {
  baseDelayMs: 60_000,
  maxDelayMs: 3_600_000,
  giveUpAfterMs: 24 * 3_600_000,
  timeoutMs: 10_000,
  pollMs: 1_000,
  batchSize: 50,
  concurrency: 8,
};

export const SIGNATURE_HEADER = 'Sluice-Signature';
/** How much of a receiver's answer is read and kept for the console. */
export const RESPONSE_EXCERPT = 1024;
/** Attempts kept per delivery (the newest). */
const ATTEMPTS_KEPT = 50;

/** `t=UNIX_SECONDS,v1=HEX`, HEX the HMAC-SHA256 of `t.body` under the endpoint's secret. */
export function signature(secret: string, t: number, body: string): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** The wait before attempt `attempt + 1`: base doubling per attempt, capped, less up to a quarter so one outage's retries spread out. */
export function retryDelay(attempt: number, o: Pick<DeliveryOptions, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const full = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  return Math.round(full * (1 - 0.25 * random()));
}

export interface AttemptResult {
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly response: string | null;
  readonly durationMs: number;
}

/** Reads at most `max` bytes of the answer, then lets the rest go. */
async function excerpt(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < max) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => {});
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

function describeError(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const text = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : e instanceof Error ? e.message : String(e);
  return text.slice(0, 200);
}

/** One signed POST; never throws. Redirects are not followed (a 3xx is not a delivery). */
export async function postEvent(url: string, secret: string, body: string, timeoutMs: number, stop?: AbortSignal): Promise<AttemptResult> {
  const started = performance.now();
  const duration = () => Math.round(performance.now() - started);
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: stop ? AbortSignal.any([timeout, stop]) : timeout,
      headers: { 'content-type': 'application/json', 'user-agent': 'Sluice-Webhooks/1', [SIGNATURE_HEADER]: signature(secret, Math.floor(Date.now() / 1000), body) },
      body,
    });
    const response = await excerpt(res, RESPONSE_EXCERPT);
    return { statusCode: res.status, error: null, response, durationMs: duration() };
  } catch (e) {
    return { statusCode: null, error: describeError(e, timeoutMs), response: null, durationMs: duration() };
  }
}

export interface WebhookDelivery {
  /** Sends every due delivery now; returns how many were claimed. */
  sweep(): Promise<number>;
  /** Stops; deliveries in flight are given back, due at once, for whichever instance runs next. */
  stop(): Promise<void>;
}

interface Claimed {
  readonly id: string;
  readonly attempts: number;
  readonly retry_since: Date;
  readonly url: string;
  readonly secret: string;
  readonly deleted_at: Date | null;
  readonly body: string;
}

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function startWebhookDelivery(
  db: Kysely<Database>,
  options: Partial<DeliveryOptions> & { readonly metrics?: Metrics },
  log: (line: string) => void,
  now: () => Date = () => new Date(),
): WebhookDelivery {
  const o: DeliveryOptions = { ...DELIVERY_DEFAULTS, ...options };
  const stopping = new AbortController();
  let running: Promise<number> | undefined;

  /** A lease past the attempt's timeout: if this instance dies mid-attempt, another retries it then. */
  const claim = async (token: string): Promise<readonly Claimed[]> => {
    const t = now();
    const lease = new Date(t.getTime() + 2 * o.timeoutMs + 5_000);
    const claimed = await sql<Claimed>`
      update webhook_deliveries d set claim = ${token}, next_attempt_at = ${lease}
      from webhook_endpoints e, webhook_events v
      where d.id in (select id from webhook_deliveries where status = 'pending' and next_attempt_at <= ${t}
                     order by next_attempt_at limit ${o.batchSize} for update skip locked)
        and e.id = d.endpoint_id and v.id = d.event_id
      returning d.id, d.attempts, d.retry_since, e.url, e.secret, e.deleted_at, v.body`.execute(db);
    return claimed.rows;
  };

  const held = (id: string, token: string) => db.updateTable('webhook_deliveries').where('id', '=', id).where('claim', '=', token);

  const record = async (c: Claimed, token: string, r: AttemptResult): Promise<void> => {
    const at = now();
    const attempts = c.attempts + 1;
    const ok = r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300;
    const givesUp = !ok && at.getTime() - new Date(c.retry_since).getTime() >= o.giveUpAfterMs;
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({ delivery_id: c.id, at, status_code: r.statusCode, error: r.error, response: r.response, duration_ms: r.durationMs })
        .execute();
      if (attempts > ATTEMPTS_KEPT) {
        await sql`delete from webhook_attempts where delivery_id = ${c.id}
                  and id < (select min(id) from (select id from webhook_attempts where delivery_id = ${c.id} order by id desc limit ${ATTEMPTS_KEPT}) kept)`.execute(trx);
      }
      await trx
        .updateTable('webhook_deliveries')
        .where('id', '=', c.id)
        .where('claim', '=', token)
        .set({
          attempts,
          claim: null,
          status: ok ? 'delivered' : givesUp ? 'failed' : 'pending',
          delivered_at: ok ? at : null,
          next_attempt_at: ok || givesUp ? null : new Date(at.getTime() + retryDelay(attempts, o)),
        })
        .execute();
    });
    options.metrics?.webhookAttempt(ok ? 'delivered' : givesUp ? 'failed' : 'retry', attempts);
    if (givesUp) log(`webhook delivery ${c.id} gave up after ${attempts} attempts`);
  };

  const deliver = async (c: Claimed, token: string): Promise<void> => {
    try {
      if (c.deleted_at) {
        await held(c.id, token).set({ status: 'cancelled', claim: null, next_attempt_at: null }).execute();
        return;
      }
      const r = await postEvent(c.url, c.secret, c.body, o.timeoutMs, stopping.signal);
      // Cut short by stop(): given back rather than counted as the receiver's failure.
      if (r.statusCode === null && stopping.signal.aborted) await held(c.id, token).set({ claim: null, next_attempt_at: now() }).execute();
      else await record(c, token, r);
    } catch (e) {
      // The database failed: the lease runs out and the delivery is tried again.
      log(`webhook delivery ${c.id} not recorded: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const sweepOnce = async (): Promise<number> => {
    const token = randomUUID();
    let n = 0;
    while (!stopping.signal.aborted) {
      const claimed = await claim(token);
      await eachLimited(claimed, o.concurrency, (c) => deliver(c, token));
      n += claimed.length;
      if (claimed.length < o.batchSize) break;
    }
    return n;
  };

  const sweep = (): Promise<number> => (running ??= sweepOnce().finally(() => (running = undefined)));
  const timer = setInterval(() => void sweep().catch((e: unknown) => log(`webhook sweep failed: ${e instanceof Error ? e.message : String(e)}`)), o.pollMs);
  timer.unref();
  return {
    sweep,
    stop: async () => {
      clearInterval(timer);
      stopping.abort();
      await running?.catch(() => {});
    },
  };
}
