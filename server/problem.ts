// Every error answer is an RFC 9457 problem document with a stable `type`, never a stack trace.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ProblemType =
  | 'unauthorized'
  | 'forbidden'
  | 'self-approval'
  | 'not-found'
  | 'invalid-body'
  | 'invalid-request'
  | 'scheme-errors'
  | 'scheme-name-mismatch'
  | 'mode-mismatch'
  | 'scheme-too-complex'
  | 'scheme-limit'
  | 'compile-unavailable'
  | 'unknown-currency'
  | 'conflict'
  | 'stale'
  | 'already-decided'
  | 'too-many-pending'
  | 'nothing-to-roll-back'
  | 'idempotency-key-reused'
  | 'invalid-signature'
  | 'body-too-large'
  | 'too-deep'
  | 'invalid-parameter'
  | 'busy'
  | 'rate-limited'
  | 'unavailable'
  | 'shutting-down'
  | 'internal';

const TITLES: Record<ProblemType, string> = {
  unauthorized: 'Missing, unknown or revoked API key',
  forbidden: 'This key may not do that',
  'self-approval': 'The key that asked may not decide its own request',
  'not-found': 'Not found',
  'invalid-body': 'The request body is not valid',
  'invalid-request': 'The payout request is not valid for the scheme',
  'scheme-errors': 'The scheme has errors',
  'scheme-name-mismatch': "The scheme line does not match the URL's name",
  'mode-mismatch': "The scheme's mode differs from the key's mode",
  'scheme-too-complex': 'The scheme is too costly to check',
  'scheme-limit': 'The scheme versions stored are at their limit',
  'compile-unavailable': 'No checker is free to take the scheme',
  'unknown-currency': 'The payout point does not take this currency',
  conflict: 'Conflict',
  stale: 'The activation request was asked against a version no longer active',
  'already-decided': 'The activation request was approved or rejected already',
  'too-many-pending': 'Too many activation requests are waiting',
  'nothing-to-roll-back': 'There is no earlier active version',
  'idempotency-key-reused': 'The Idempotency-Key was used with a different body',
  'invalid-signature': 'The webhook signature does not verify',
  'body-too-large': 'The request body is over its size limit',
  'too-deep': 'The request body nests too deeply',
  'invalid-parameter': 'A path or query parameter is not valid',
  busy: 'The service is busy',
  'rate-limited': 'Too many requests',
  unavailable: 'The database cannot be reached',
  'shutting-down': 'The service is shutting down',
  internal: 'Internal error',
};

export const PROBLEM_BASE = 'https://sluice.dev/problems/';

/** A problem raised anywhere in a handler; the app's error handler turns it into the answer. */
export class Problem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly type: ProblemType,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    /** Seconds, sent as Retry-After (429 and 503). */
    readonly retryAfter?: number,
  ) {
    super(detail);
  }
}

export function problemBody(p: Problem): Record<string, unknown> {
  return { type: PROBLEM_BASE + p.type, title: TITLES[p.type], status: p.status, detail: p.detail, ...p.extra };
}

export function sendProblem(c: Context, p: Problem): Response {
  return c.body(JSON.stringify(problemBody(p)), p.status, problemHeaders(p));
}

export function problemHeaders(p: Problem): Record<string, string> {
  return { 'content-type': 'application/problem+json', ...(p.retryAfter === undefined ? {} : { 'retry-after': String(p.retryAfter) }) };
}

export const notFound = (what: string): Problem => new Problem(404, 'not-found', what);
