// The payout requests pages' model: the list's query string from the filter form, each event
// of a request's log in one line of words, and the marks and tones of the statuses.
import { PAYOUT_STATUSES, REQUEST_STATUSES, type PayoutStatus, type RequestStatus } from '../../runtime/payout-status.js';

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

/** How a status or an event is coloured: paid, failed, an outcome still to come, money come back, or plain. */
export type Tone = 'ok' | 'fail' | 'wait' | 'reversed' | 'neutral';

/** A payout status's mark in the list (read with its word: the mark is never the only sign). */
export interface StatusMark {
  readonly mark: string;
  readonly tone: Tone;
}

const PAYOUT_MARKS: Readonly<Record<PayoutStatus, StatusMark>> = {
  created: { mark: '○', tone: 'wait' },
  sent: { mark: '→', tone: 'wait' },
  pending: { mark: '◔', tone: 'wait' },
  unknown: { mark: '?', tone: 'wait' },
  succeeded: { mark: '✓', tone: 'ok' },
  failed: { mark: '✗', tone: 'fail' },
  reversed: { mark: '↩', tone: 'reversed' },
};

const isPayoutStatus = (s: string): s is PayoutStatus => (PAYOUT_STATUSES as readonly string[]).includes(s);

/** A payout status's mark and tone; a status this page does not know is plain. */
export function payoutMark(status: string): StatusMark {
  return isPayoutStatus(status) ? PAYOUT_MARKS[status] : { mark: '·', tone: 'neutral' };
}

const REQUEST_TONES: Readonly<Record<RequestStatus, Tone>> = { processing: 'wait', processed: 'ok', failed: 'fail', blocked: 'fail', reversed: 'reversed' };

/** A payout request status's tone. */
export function requestTone(status: string): Tone {
  return (REQUEST_STATUSES as readonly string[]).includes(status) ? REQUEST_TONES[status as RequestStatus] : 'neutral';
}

const t = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));
/** `, excluding a, b` for a non-empty list of routes; nothing otherwise. */
const excluding = (v: unknown): string => (Array.isArray(v) && v.length ? `, excluding ${v.map(t).join(', ')}` : '');

/** How a provider's answer reached the gateway, as the end of "acme_eur answered …". */
const VIA: Readonly<Record<string, string>> = { send: 'the send', status: 'a status query', webhook: 'by webhook' };

/** `acme_eur answered a status query: failed (provider_down)`; `not_found` means sent again. */
function providerAnswer(e: EventLike): string {
  const via = VIA[t(e['via'])] ?? t(e['via']);
  const head = `${t(e['route'])} answered ${via}`;
  if (e['status'] === 'not_found') return `${head}: it never received the payout, which is sent again (same id)`;
  const detail = e['error'] ? ` (${t(e['error'])})` : e['processed'] !== undefined ? `, paid ${t(e['processed'])} of it` : e['reason'] ? ` (${t(e['reason'])})` : '';
  return `${head}: ${t(e['status'])}${detail}`;
}

/** One line for an event of the log. */
export function eventSummary(e: EventLike): string {
  switch (e.type) {
    case 'decision': {
      const d = (typeof e['decision'] === 'object' && e['decision'] !== null ? e['decision'] : {}) as Record<string, unknown>;
      const what = d['status'] === 'routed' ? `routed → ${t(d['route'])} (${t(d['strategy'])})` : d['status'] === 'blocked' ? `blocked by ${t(d['block'])}` : `failed: ${t(d['resolution'])}`;
      return `attempt ${t(e['attempt'])}, ${t(e['amount'])}${excluding(e['exclude'])}: ${what}`;
    }
    case 'reservation_refused':
      return `${t(e['route'])} refused the reservation: ${t(e['reason'])}`;
    case 'payout_created':
      return `payout to ${t(e['route'])}: ${t(e['amount'])} ${t(e['currency'])}, fee ${t(e['fee'])}${e['attempt'] !== undefined ? ` (attempt ${t(e['attempt'])})` : ''}`;
    case 'provider_answer':
      return typeof e['status'] === 'string' ? providerAnswer(e) : rest(e);
    case 'failover':
      return `failover to attempt ${t(e['next_attempt'])}: ${t(e['remaining'])} left${e['last_error'] ? `, last error ${t(e['last_error'])}` : ''}${excluding(e['exclude'])}`;
    case 'error':
      return t(e['message']);
    case 'final_status':
      if (e['status'] === 'reversed') return 'reversed: the money of every paid payout came back';
      return `${t(e['status'])}${e['resolution'] ? `: ${t(e['resolution'])}` : ''}${e['block'] ? ` by ${t(e['block'])}` : ''}`;
    default:
      return rest(e);
  }
}

/** An event of a type (or shape) this page does not know: its fields as JSON. */
function rest(e: EventLike): string {
  const { type: _type, at: _at, ...fields } = e;
  return JSON.stringify(fields);
}

/** The colour of an event's marker. */
export function eventTone(e: EventLike): Tone {
  switch (e.type) {
    case 'decision': {
      const d = e['decision'] as { status?: unknown } | undefined;
      return d?.status === 'routed' ? 'ok' : 'fail';
    }
    case 'provider_answer':
      return e['status'] === 'not_found' ? 'wait' : typeof e['status'] === 'string' ? payoutMark(e['status']).tone : 'neutral';
    case 'reservation_refused':
    case 'failover':
    case 'error':
      return 'fail';
    case 'final_status':
      return requestTone(t(e['status']));
    default:
      return 'neutral';
  }
}
