// Edge guards: security headers with a CSP that still lets the editor's Monaco workers run, and a
// per-key request rate limit (a token bucket per key, per instance) answering 429.
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './http.js';
import { Problem } from './problem.js';

export const securityHeaders = (): MiddlewareHandler =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      // The editor compiles and decides schemes in the page, as the service does: the compiler
      // and ajv generate functions. Nothing else is eval'd; no script comes from elsewhere.
      scriptSrc: ["'self'", "'unsafe-eval'"],
      // Monaco starts its workers from blob: URLs and injects its own styles.
      workerSrc: ["'self'", 'blob:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
      fontSrc: ["'self'", 'data:'],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
    },
  });

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

/** Runs after authentication: the bucket is the key's, so one noisy client cannot starve the others. */
export function rateLimit(limit: RateLimit, now: () => number = () => performance.now()): MiddlewareHandler<AppEnv> {
  const buckets = new Map<string, Bucket>();
  return async (c, next) => {
    const id = c.get('keyId') ?? 'admin';
    const t = now();
    const b = buckets.get(id) ?? { tokens: limit.burst, at: t };
    b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.perSecond);
    b.at = t;
    buckets.set(id, b);
    if (b.tokens < 1) {
      c.header('Retry-After', String(Math.max(1, Math.ceil((1 - b.tokens) / limit.perSecond))));
      throw new Problem(429, 'rate-limited', `more than ${limit.perSecond} requests per second with this key; slow down`);
    }
    b.tokens -= 1;
    return next();
  };
}
