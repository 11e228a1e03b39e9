// What every route shares: the app's environment, reading a JSON body, and path parameters.
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Context } from 'hono';
import type { Mode } from './db/schema.js';
import type { Actor } from './roles.js';
import { inexactNumber } from '../runtime/json-numbers.js';
import { andThen, type Awaitable } from './awaitable.js';
import { API_HEADERS } from './guards.js';
import { Problem, problemBody, problemHeaders } from './problem.js';
import { checkNul, scanJsonText } from './json-limits.js';
import { checkBody, NUL_ALLOWED, type BodyName } from './schemas.js';
import { noteEndpoint } from './request-log.js';

export interface AppEnv {
  /** Under @hono/node-server, the Node request itself (absent under `app.request`). */
  Bindings: { incoming?: IncomingMessage };
  /** The caller: mode and keyId for a mode key, actor for any key (the admin key's has no mode). */
  Variables: { mode: Mode; keyId: string; actor: Actor };
}

/** Room for a scheme at the parser's source limit (2,000,000 characters) with JSON escapes; a route may allow more (Intake). */
export const MAX_BODY = 4 * 1024 * 1024;

const tooLarge = (max: number): Problem => new Problem(413, 'body-too-large', `this body is limited to ${max / (1024 * 1024)} MiB`);

/** What collect gives past its limit. */
const TOO_LARGE = Symbol('body too large');

const busy = (what: string): Problem => new Problem(503, 'busy', `too many ${what} at once; try again shortly`, {}, 1);

/** What the edge found before the app ran: the body read (or why not), and a key it refused. */
const BODY = Symbol('body read at the edge');
const REFUSED = Symbol('key refused at the edge');
type AtEdge = IncomingMessage & { [BODY]?: Buffer | Problem; [REFUSED]?: Problem };

/** The key problem the edge found before reading the body, for the app to answer with. */
export const refusedAtEdge = (c: Context<AppEnv>): Problem | undefined => (c.env?.incoming as AtEdge | undefined)?.[REFUSED];

export interface EdgeLimits {
  /** Bytes of request bodies held at once, all requests together. */
  readonly bodyBytes: number;
  /** Open connections; a request on one past this is answered 503 and its connection closed. */
  readonly connections: number;
}

export const EDGE_LIMITS: EdgeLimits = { bodyBytes: 64 * 1024 * 1024, connections: 1_000 };

/**
 * How the edge takes a route's body: read whole, at most `max` bytes, before the app runs; or,
 * `streamed`, left for the route to read as it comes, holding at most `max` bytes at a time.
 */
export interface Intake {
  readonly max: number;
  readonly streamed: boolean;
}

export const WHOLE_BODY: Intake = { max: MAX_BODY, streamed: false };

/** What the edge asks the app before reading a body. */
export interface Gate {
  /** The route pattern this method and path match (`/v1/schemes/:name/decide`); undefined for none (the app answers 404). */
  endpoint(method: string, path: string): string | undefined;
  /** How the route takes its body (WHOLE_BODY but for batches). */
  intake(method: string, path: string, contentType: string | undefined): Intake;
  /** The key check: throws (or rejects with) the problem that refuses the request. */
  identify(incoming: IncomingMessage): Awaitable<unknown>;
}

/**
 * Reads each request's body before handing the request on, once its route and key are known to
 * be good. A body reaches Node's parser just after the request's headers, so an app reading it
 * must wait for it, and that wait made every decide asynchronous through Hono and
 * @hono/node-server (a promise per layer). Read first, the app answers in one synchronous pass.
 *
 * A body is not read for an unknown route, a missing, unknown or rate-limited key, a declared
 * size over the route's limit, or while the bodies being held would pass `limits.bodyBytes`: the
 * app answers 404, 401, 429, 413 or 503 at once and @hono/node-server drains and closes the rest.
 * A streamed body is left for its route, counted as held at its intake's `max`.
 */
export function bufferBodies(listener: RequestListener, gate: Gate, limits: EdgeLimits = EDGE_LIMITS): RequestListener {
  let held = 0;
  const read = (incoming: AtEdge, outgoing: ServerResponse, intake: Intake): void => {
    // A chunked body's size is unknown until its end: it is counted at the most it may be.
    const size = incoming.headers['transfer-encoding'] || intake.streamed ? intake.max : Number(incoming.headers['content-length'] ?? 0);
    if (held + size > limits.bodyBytes) {
      incoming[BODY] = busy('request bodies');
      return listener(incoming, outgoing);
    }
    held += size;
    outgoing.on('close', () => (held -= size));
    if (intake.streamed) return listener(incoming, outgoing);
    // A client gone mid-body never gets to 'end': there is nobody to answer.
    collect(incoming, intake.max, (body) => {
      incoming[BODY] = body === TOO_LARGE ? tooLarge(intake.max) : body;
      listener(incoming, outgoing);
    });
  };
  const refuse = (incoming: AtEdge, outgoing: ServerResponse, e: unknown): void => {
    // Anything but a problem (the database away) is left for the app's own check to report.
    if (e instanceof Problem) incoming[REFUSED] = e;
    listener(incoming, outgoing);
  };
  return (incoming: AtEdge, outgoing) => {
    if ((incoming.socket as Counted)[OVER]) return answerAtEdge(outgoing, busy('connections'));
    const method = incoming.method ?? 'GET';
    const path = (incoming.url ?? '/').split('?')[0]!;
    if (method === 'GET' || method === 'HEAD') return listener(incoming, outgoing);
    const endpoint = gate.endpoint(method, path);
    if (endpoint === undefined) return listener(incoming, outgoing);
    // Matched once here for the log line and the metrics too.
    noteEndpoint(incoming, endpoint);
    const intake = gate.intake(method, path, incoming.headers['content-type']);
    if (!intake.streamed && Number(incoming.headers['content-length'] ?? 0) > intake.max) return listener(incoming, outgoing);
    let verdict: Awaitable<unknown>;
    try {
      verdict = gate.identify(incoming);
    } catch (e) {
      return refuse(incoming, outgoing, e);
    }
    if (verdict instanceof Promise) verdict.then(() => read(incoming, outgoing, intake), (e: unknown) => refuse(incoming, outgoing, e));
    else read(incoming, outgoing, intake);
  };
}

/** Connections past the limit, marked for the edge to answer 503. */
const OVER = Symbol('over the connection limit');
type Counted = Socket & { [OVER]?: true };

/**
 * Counts the server's open connections: one past `limit` gets a 503 to its first request and is
 * closed; Node drops any past twice the limit at once (`maxConnections`), and a connection that
 * is slow to send its headers or its body is cut off by the server's timeouts.
 */
export function limitConnections(server: Server, limit: number): void {
  let open = 0;
  server.maxConnections = limit * 2;
  server.on('connection', (socket: Counted) => {
    if (++open > limit) socket[OVER] = true;
    socket.once('close', () => open--);
  });
}

/** A problem answered by the edge itself, the app never seeing the request; the connection closes. */
export function answerAtEdge(outgoing: ServerResponse, p: Problem): void {
  const body = JSON.stringify(problemBody(p));
  outgoing.writeHead(p.status, { ...API_HEADERS, ...problemHeaders(p), connection: 'close', 'content-length': Buffer.byteLength(body) });
  outgoing.end(body);
}

/**
 * Plain stream events: an async iterator costs a promise per chunk, and a body is mostly one
 * chunk; `on` rather than `once`, which allocates a wrapper, since each event comes once. At most
 * `max` bytes are kept; `done` gets the body, or TOO_LARGE past that.
 */
function collect(incoming: IncomingMessage, max: number, done: (body: Buffer | typeof TOO_LARGE) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  incoming.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= max) chunks.push(chunk);
  });
  incoming.on('end', () => done(size > max ? TOO_LARGE : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
}

/**
 * The body as text, at most `max` bytes: as bufferBodies read it, else from the Node stream
 * (going through a web Request, as hono's bodyLimit does, costs more than the decision itself),
 * else (app.request in tests) from the web Request.
 */
function readBody(c: Context<AppEnv>, max: number): Awaitable<string> {
  const incoming = c.env?.incoming as AtEdge | undefined;
  const buffered = incoming?.[BODY];
  if (buffered instanceof Problem) throw buffered;
  if (buffered) return buffered.toString('utf8');
  if (Number((incoming ? incoming.headers['content-length'] : c.req.header('content-length')) ?? 0) > max) throw tooLarge(max);
  if (!incoming) return c.req.text().then((text) => limited(text, max));
  return readStream(incoming, max).then((b) => b.toString('utf8'));
}

function limited(text: string, max: number): string {
  if (Buffer.byteLength(text) > max) throw tooLarge(max);
  return text;
}

/**
 * The body's bytes as they come, for a route whose intake is streamed: from the Node stream
 * (left open when the route stops reading early, so its answer can still be written), else
 * (app.request in tests) from the web Request.
 */
export function bodyChunks(c: Context<AppEnv>): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
  const incoming = c.env?.incoming as AtEdge | undefined;
  const buffered = incoming?.[BODY];
  if (buffered instanceof Problem) throw buffered;
  if (buffered) return [buffered];
  if (incoming) return { [Symbol.asyncIterator]: () => incoming.iterator({ destroyOnReturn: false }) };
  return c.req.raw.body ?? [];
}

/** The body of a request served without bufferBodies (createService's app served by the caller). */
function readStream(incoming: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    collect(incoming, max, (body) => (body === TOO_LARGE ? reject(tooLarge(max)) : resolve(body)));
    incoming.on('error', reject);
    // A client that goes away mid-body ends the stream without 'end'.
    incoming.on('close', () => incoming.readableEnded || reject(new Problem(400, 'invalid-body', 'the body ended early')));
  });
}

/** The body as text, unparsed (a provider's webhook, whose signature covers its exact bytes). */
export function rawBody(c: Context<AppEnv>): Awaitable<string> {
  return readBody(c, MAX_BODY);
}

export type AppContext = Context<AppEnv>;

/**
 * Parses and validates a JSON body of at most `max` bytes (413 past that): as parseJsonText, then
 * 422 with each path when it breaks its schema.
 */
export function body<T>(c: Context<AppEnv>, name: BodyName, max = MAX_BODY): Awaitable<T> {
  return andThen(readBody(c, max), (text) => checkBody<T>(name, parseJsonText(text, NUL_ALLOWED[name])));
}

/**
 * JSON text parsed: 422 `too-deep` past MAX_DEPTH levels (checked before parsing), 400 when it
 * is not JSON, 422 with each path for a NUL (but at `nulAllowed`) or for a number that a double
 * does not hold exactly.
 */
export function parseJsonText(text: string, nulAllowed?: readonly string[]): unknown {
  const numbersToCheck = scanJsonText(text);
  const parsed = parseJson(text);
  if (numbersToCheck) checkNumbers(text);
  checkNul(text, parsed, nulAllowed);
  return parsed;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Problem(400, 'invalid-body', 'the body is not valid JSON');
  }
}

function checkNumbers(text: string): void {
  const inexact = inexactNumber(text);
  if (inexact) {
    const error = { path: inexact.path, message: `${inexact.literal} cannot be read exactly as a number; send it as a string` };
    throw new Problem(422, 'invalid-body', `${error.path}: ${error.message}`, { errors: [error] });
  }
}

const NAME = /^[a-z_][a-z0-9_]{0,199}$/;

/** A name from the path (scheme or route), as the language spells names. */
export function nameParam(c: Context, param: string): string {
  const value = c.req.param(param) ?? '';
  if (!NAME.test(value)) throw new Problem(404, 'not-found', `'${value.slice(0, 200)}' is not a valid ${param} name`);
  return value;
}

/** A version number as a path or query spells it, undefined when it is not one. */
export const parseVersion = (text: string): number | undefined => (/^[1-9]\d{0,8}$/.test(text) ? Number(text) : undefined);

export function versionParam(c: Context): number {
  const text = c.req.param('version') ?? '';
  const v = parseVersion(text);
  if (v === undefined) throw new Problem(404, 'not-found', `'${text.slice(0, 50)}' is not a version number`);
  return v;
}
