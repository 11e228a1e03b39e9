// What every route shares: the app's environment, reading a JSON body, and path parameters.
import type { IncomingMessage, RequestListener } from 'node:http';
import type { Context } from 'hono';
import type { Mode } from './db/schema.js';
import { inexactNumber } from '../runtime/json-numbers.js';
import { andThen, type Awaitable } from './awaitable.js';
import { Problem } from './problem.js';
import { checkBody, type BodyName } from './schemas.js';

export interface AppEnv {
  /** Under @hono/node-server, the Node request itself (absent under `app.request`). */
  Bindings: { incoming?: IncomingMessage };
  Variables: { mode: Mode; keyId: string };
}

/** Room for a scheme at the parser's source limit (2,000,000 characters) with JSON escapes. */
export const MAX_BODY = 4 * 1024 * 1024;

const tooLarge = (): Problem => new Problem(413, 'body-too-large', 'bodies are limited to 4 MiB');

/** A body read before the app ran (bufferBodies): its bytes, or TOO_LARGE past MAX_BODY. */
const BUFFERED = Symbol('buffered body');
const TOO_LARGE = Symbol('body too large');
type Buffered = IncomingMessage & { [BUFFERED]?: Buffer | typeof TOO_LARGE };

/**
 * Reads each request's body before handing the request on. A body reaches Node's parser just
 * after the request's headers, so an app reading it must wait for it, and that wait made every
 * decide asynchronous through Hono and @hono/node-server (a promise per layer). Read first, the
 * app answers in one synchronous pass. Bodies over MAX_BODY are not kept (the app answers 413).
 */
export function bufferBodies(listener: RequestListener): RequestListener {
  return (incoming, outgoing) => {
    const declared = Number(incoming.headers['content-length'] ?? 0);
    if (incoming.method === 'GET' || incoming.method === 'HEAD' || declared > MAX_BODY) return listener(incoming, outgoing);
    // A client gone mid-body never gets to 'end': there is nobody to answer.
    collect(incoming, (body) => {
      (incoming as Buffered)[BUFFERED] = body;
      listener(incoming, outgoing);
    });
  };
}

/**
 * Plain stream events: an async iterator costs a promise per chunk, and a body is mostly one
 * chunk; `on` rather than `once`, which allocates a wrapper, since each event comes once. At most
 * MAX_BODY bytes are kept; `done` gets the body, or TOO_LARGE past that.
 */
function collect(incoming: IncomingMessage, done: (body: Buffer | typeof TOO_LARGE) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  incoming.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  incoming.on('end', () => done(size > MAX_BODY ? TOO_LARGE : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
}

/**
 * The body as text, at most MAX_BODY bytes: as bufferBodies read it, else from the Node stream
 * (going through a web Request, as hono's bodyLimit does, costs more than the decision itself),
 * else (app.request in tests) from the web Request.
 */
function readBody(c: Context<AppEnv>): Awaitable<string> {
  const incoming = c.env?.incoming as Buffered | undefined;
  const buffered = incoming?.[BUFFERED];
  if (buffered === TOO_LARGE) throw tooLarge();
  if (buffered) return buffered.toString('utf8');
  if (Number((incoming ? incoming.headers['content-length'] : c.req.header('content-length')) ?? 0) > MAX_BODY) throw tooLarge();
  if (!incoming) return c.req.text().then(limited);
  return readStream(incoming).then((b) => b.toString('utf8'));
}

function limited(text: string): string {
  if (Buffer.byteLength(text) > MAX_BODY) throw tooLarge();
  return text;
}

/** The body of a request served without bufferBodies (createService's app served by the caller). */
function readStream(incoming: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    collect(incoming, (body) => (body === TOO_LARGE ? reject(tooLarge()) : resolve(body)));
    incoming.on('error', reject);
    // A client that goes away mid-body ends the stream without 'end'.
    incoming.on('close', () => incoming.readableEnded || reject(new Problem(400, 'invalid-body', 'the body ended early')));
  });
}

export type AppContext = Context<AppEnv>;

/** Parses and validates a JSON body: 400 when it is not JSON, 422 with each path when it breaks its schema or holds a number that a double does not hold exactly. */
export function body<T>(c: Context<AppEnv>, name: BodyName): Awaitable<T> {
  return andThen(readBody(c), (text) => checkBody<T>(name, parseJson(text)));
}

function parseJson(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Problem(400, 'invalid-body', 'the body is not valid JSON');
  }
  const inexact = inexactNumber(text);
  if (inexact) {
    const error = { path: inexact.path, message: `${inexact.literal} cannot be read exactly as a number; send it as a string` };
    throw new Problem(422, 'invalid-body', `${error.path}: ${error.message}`, { errors: [error] });
  }
  return parsed;
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
