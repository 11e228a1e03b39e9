// Who sent a request: its bearer key, known at once or looked up, with unknown keys rate limited
// per client. The edge asks before it reads a body; the app asks again (a known key costs a lookup
// in a map).
import type { IncomingMessage } from 'node:http';
import { andThen, type Awaitable } from './awaitable.js';
import { TokenBuckets, type RateLimit } from './guards.js';
import type { KeyIdentity, Keys } from './keys.js';
import { Problem } from './problem.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function bearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  // As clients send it, read without a regex match (its array and strings are per request).
  const plain = header.startsWith('Bearer ') ? header.slice(7) : '';
  if (plain && !/\s/.test(plain)) return plain;
  return BEARER.exec(header)?.[1];
}

/** Where a request came from, for the unknown-key limit (one client under `app.request`). */
export const clientOf = (incoming: IncomingMessage | undefined): string => incoming?.socket?.remoteAddress ?? 'local';

/** Clients whose unknown-key buckets are kept; past that the oldest is forgotten. */
const CLIENTS = 10_000;

export class Authenticator implements FailureLimit {
  private readonly unknown: TokenBuckets;

  constructor(
    private readonly keys: Keys,
    unknownKeys: RateLimit,
  ) {
    this.unknown = new TokenBuckets(unknownKeys, CLIENTS);
  }

  /**
   * The key's identity: at once for a known key, after a database lookup otherwise. Throws 401
   * without a key or for an unknown or revoked one, and 429 (before the lookup) for a client
   * that has sent too many unknown keys.
   */
  identify(header: string | undefined, client: string): Awaitable<KeyIdentity | 'admin'> {
    const key = bearer(header);
    if (!key) throw new Problem(401, 'unauthorized', 'send the API key as "Authorization: Bearer KEY"');
    const known = this.keys.known(key);
    if (known) return known;
    if (this.keys.isAdmin(key)) return 'admin';
    const wait = this.unknown.peek(client);
    if (wait !== undefined) throw rateLimited(wait, 'unknown API keys from this client');
    return andThen(this.keys.authenticate(key), (identity) => {
      if (identity) return identity;
      this.unknown.consume(client);
      throw new Problem(401, 'unauthorized', 'this API key is unknown or revoked');
    });
  }

  admitClient(client: string): void {
    const wait = this.unknown.peek(client);
    if (wait !== undefined) throw rateLimited(wait, 'credentials that did not verify from this client');
  }

  clientFailed(client: string): void {
    this.unknown.consume(client);
  }
}

/**
 * The unknown-key limit, for a credential other than a key (a provider webhook's signature):
 * `admitClient` throws 429 for a client that failed too often, `clientFailed` counts a failure.
 */
export interface FailureLimit {
  admitClient(client: string): void;
  clientFailed(client: string): void;
}

/** A 429 problem with the seconds to wait, which the app sends as Retry-After. */
export function rateLimited(seconds: number, what: string): Problem {
  return new Problem(429, 'rate-limited', `too many requests with ${what}; slow down`, {}, seconds);
}
