// What every route shares: the app's environment, reading a JSON body, and path parameters.
import type { Context } from 'hono';
import type { Mode } from './db/schema.js';
import { Problem } from './problem.js';
import { checkBody, type BodyName } from './schemas.js';

export interface AppEnv {
  Variables: { mode: Mode; keyId: string };
}

export type AppContext = Context<AppEnv>;

/** Parses and validates a JSON body: 400 when it is not JSON, 422 with each path when it breaks its schema. */
export async function body<T>(c: Context, name: BodyName): Promise<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await c.req.text());
  } catch {
    throw new Problem(400, 'invalid-body', 'the body is not valid JSON');
  }
  return checkBody<T>(name, parsed);
}

const NAME = /^[a-z_][a-z0-9_]{0,199}$/;

/** A name from the path (scheme or route), as the language spells names. */
export function nameParam(c: Context, param: string): string {
  const value = c.req.param(param) ?? '';
  if (!NAME.test(value)) throw new Problem(404, 'not-found', `'${value.slice(0, 200)}' is not a valid ${param} name`);
  return value;
}

export function versionParam(c: Context): number {
  const text = c.req.param('version') ?? '';
  const v = /^[1-9]\d{0,8}$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(v)) throw new Problem(404, 'not-found', `'${text.slice(0, 50)}' is not a version number`);
  return v;
}
