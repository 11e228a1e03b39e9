// Edge guards: security headers with a CSP that still lets the editor's Monaco workers run, and a
// per-key request rate limit (a token bucket per key, per instance) answering 429.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './http.js';
import { Problem } from './problem.js';

const CSP = [
  "default-src 'self'",
  // The editor compiles and decides schemes in the page, as the service does: the compiler
  // and ajv generate functions. Nothing else is eval'd; no script comes from elsewhere.
  "script-src 'self' 'unsafe-eval'",
  // Monaco starts its workers from blob: URLs and injects its own styles.
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
].join('; ');

/** The editor's pages and files: hono/secure-headers' defaults and our CSP. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
  'content-security-policy': CSP,
};

/**
 * JSON answers, OWASP's set for REST services: nothing in them is rendered, framed or worth
 * caching. The browser-page headers above mean nothing to an API client, and every header is
 * validated and written per answer (a dozen cost more than a decision).
 */
export const API_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

const JSON_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/json', ...API_HEADERS };

/** Responses built with their security headers already in place. */
const SECURED = Symbol('secured');
type Secured = Response & { [SECURED]?: true };

/**
 * A JSON answer that carries the security headers from the start. Its headers stay a plain
 * object, which @hono/node-server writes as it is; setting them afterwards would make it build
 * a web Response and a Headers object first, which costs more than the decision itself.
 */
export function securedJson(value: unknown, status = 200): Response {
  const res = new Response(JSON.stringify(value), { status, headers: JSON_HEADERS });
  // A mark on the answer rather than a WeakSet entry: weak entries cost every garbage collection.
  (res as Secured)[SECURED] = true;
  return res;
}

/** The answer with its security headers: API_HEADERS on JSON, PAGE_HEADERS on the rest. */
export function withSecurityHeaders(res: Response): Response {
  if ((res as Secured)[SECURED]) return res;
  const headers = res.headers;
  const set = /json/.test(headers.get('content-type') ?? '') ? API_HEADERS : PAGE_HEADERS;
  for (const name in set) headers.set(name, set[name]!);
  return res;
}

/** Middleware for the editor's files and anything else outside the API's guarded routes. */
export const securityHeaders = (): MiddlewareHandler => async (c, next) => {
  await next();
  withSecurityHeaders(c.res);
};

export interface RateLimit {
  /** Sustained requests per second per key. */
  readonly perSecond: number;
  /** How many may come at once before the limit bites. */
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per id. At most `max` ids are kept: past that the one added first is forgotten
 * (its next request starts with a full bucket), so a caller inventing ids cannot grow the map.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly max = Infinity,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token: undefined when there was one, else the seconds to wait for the next. */
  consume(id: string): number | undefined {
    const b = this.refill(id);
    if (b.tokens < 1) return this.wait(b);
    b.tokens -= 1;
    return undefined;
  }

  /** As consume, without taking the token. */
  peek(id: string): number | undefined {
    const b = this.refill(id);
    return b.tokens < 1 ? this.wait(b) : undefined;
  }

  private wait(b: Bucket): number {
    return Math.max(1, Math.ceil((1 - b.tokens) / this.limit.perSecond));
  }

  private refill(id: string): Bucket {
    const t = this.now();
    let b = this.buckets.get(id);
    if (!b) {
      if (this.buckets.size >= this.max) this.buckets.delete(this.buckets.keys().next().value!);
      b = { tokens: this.limit.burst, at: t };
      this.buckets.set(id, b);
    }
    b.tokens = Math.min(this.limit.burst, b.tokens + ((t - b.at) / 1000) * this.limit.perSecond);
    b.at = t;
    return b;
  }
}

/**
 * A token bucket per key, checked after authentication so one noisy client cannot starve the
 * others. Throws a 429 problem (with Retry-After) when the key's bucket is empty.
 */
export function rateLimiter(limit: RateLimit, now?: () => number): (c: Context<AppEnv>) => void {
  const buckets = new TokenBuckets(limit, Infinity, now);
  return (c) => {
    const wait = buckets.consume(c.get('keyId') ?? 'admin');
    if (wait !== undefined) throw new Problem(429, 'rate-limited', `more than ${limit.perSecond} requests per second with this key; slow down`, {}, wait);
  };
}
