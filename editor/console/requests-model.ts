// The payout requests pages' model: the list's query string from the filter form, and each
// event of a request's log in one line of words.

export interface RequestFilters {
  readonly status?: string;
  readonly service?: string;
  readonly point_id?: string;
  /** ISO 8601, or a `datetime-local` value (taken as UTC). */
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/** A `datetime-local` value (`2026-11-20T10:00`) as UTC ISO 8601; other text unchanged. */
export function utcInstant(text: string): string {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(t)) return `${t}:00Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(t)) return `${t}Z`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return `${t}T00:00:00Z`;
  return t;
}

export function listQuery(f: RequestFilters): string {
  const q = new URLSearchParams();
  for (const k of ['status', 'service', 'point_id'] as const) {
    const v = f[k]?.trim();
    if (v) q.set(k, v);
  }
  for (const k of ['from', 'to'] as const) {
    const v = f[k]?.trim();
    if (v) q.set(k, utcInstant(v));
  }
  if (f.limit !== undefined) q.set('limit', String(f.limit));
  if (f.cursor) q.set('cursor', f.cursor);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface EventLike {
  readonly type: string;
  readonly at?: string;
  readonly [key: string]: unknown;
}

const t = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/** One line for an event of the log. */
export function eventSummary(e: EventLike): string {
  switch (e.type) {
    case 'decision': {
      const d = (typeof e['decision'] === 'object' && e['decision'] !== null ? e['decision'] : {}) as Record<string, unknown>;
      const exclude = Array.isArray(e['exclude']) && e['exclude'].length ? `, excluding ${e['exclude'].map(t).join(', ')}` : '';
      const what = d['status'] === 'routed' ? `routed → ${t(d['route'])} (${t(d['strategy'])})` : d['status'] === 'blocked' ? `blocked by ${t(d['block'])}` : `failed: ${t(d['resolution'])}`;
      return `attempt ${t(e['attempt'])}, ${t(e['amount'])}${exclude}: ${what}`;
    }
    case 'reservation_refused':
      return `${t(e['route'])} refused the reservation: ${t(e['reason'])}`;
    case 'payout_created':
      return `payout to ${t(e['route'])}: ${t(e['amount'])} ${t(e['currency'])}, fee ${t(e['fee'])} (attempt ${t(e['attempt'])})`;
    case 'provider_answer':
      return e['ok'] === true ? `${t(e['route'])} answered: succeeded` : `${t(e['route'])} answered: failed (${t(e['error'])})`;
    case 'failover':
      return `failover to attempt ${t(e['next_attempt'])}: ${t(e['remaining'])} left, last error ${t(e['last_error'])}, excluding ${Array.isArray(e['exclude']) ? e['exclude'].map(t).join(', ') : ''}`;
    case 'resumed':
      return `resumed at attempt ${t(e['attempt'])}, ${t(e['remaining'])} left`;
    case 'final_status':
      return `${t(e['status'])}${e['resolution'] ? `: ${t(e['resolution'])}` : ''}${e['block'] ? ` by ${t(e['block'])}` : ''}`;
    default: {
      const { type: _type, at: _at, ...rest } = e;
      return JSON.stringify(rest);
    }
  }
}

/** Green, red or plain, for an event's marker. */
export function eventTone(e: EventLike): 'ok' | 'fail' | 'neutral' {
  switch (e.type) {
    case 'decision': {
      const d = e['decision'] as { status?: unknown } | undefined;
      return d?.status === 'routed' ? 'ok' : 'fail';
    }
    case 'provider_answer':
      return e['ok'] === true ? 'ok' : 'fail';
    case 'reservation_refused':
    case 'failover':
      return 'fail';
    case 'final_status':
      return e['status'] === 'processed' ? 'ok' : e['status'] === 'processing' ? 'neutral' : 'fail';
    default:
      return 'neutral';
  }
}
