// A stand-in for the HTTP service, for the editor's browser test while server/start.ts is not
// there: serves dist/editor at / and keeps schemes in memory behind the same API routes the
// editor calls (list, versions, get, save with 201/200/422, activate, test keys). Same
// signature as startService.
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { compile, diagnosticToJSON } from '../../index.js';

interface Version {
  readonly version: number;
  readonly source: string;
  readonly hash: string;
  readonly message: string;
  readonly created_at: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export interface FixtureService {
  readonly url: string;
  readonly adminKey: string;
  close(): Promise<void>;
}

export async function startFixtureService(opts: { root: string }): Promise<FixtureService> {
  const adminKey = `admin_${randomBytes(8).toString('hex')}`;
  const keys = new Set([adminKey]);
  const schemes = new Map<string, { versions: Version[]; active: number | null }>();

  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(JSON.stringify(body));
  };
  const problem = (res: ServerResponse, status: number, title: string, extra: object = {}) =>
    send(res, status, { type: 'about:blank', title, status, ...extra }, 'application/problem+json');

  async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const json: unknown = text ? JSON.parse(text) : {};
    return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!auth || !keys.has(auth[1]!)) return problem(res, 401, 'a valid API key is required');
    const m = req.method ?? 'GET';
    if (m === 'POST' && path === '/v1/api-keys') {
      const key = `sk_test_${randomBytes(12).toString('hex')}`;
      keys.add(key);
      return send(res, 201, { id: `key_${keys.size}`, key, mode: 'test' });
    }
    if (m === 'GET' && path === '/v1/schemes') {
      return send(res, 200, { schemes: [...schemes].map(([name, s]) => ({ name, latest: s.versions.length, active: s.active })) });
    }
    const parts = path.split('/').slice(3).map(decodeURIComponent);
    const [name, what, v] = parts;
    if (!name) return problem(res, 404, 'not found');
    const s = schemes.get(name);
    if (m === 'GET' && what === 'versions' && v === undefined) {
      if (!s) return problem(res, 404, `no scheme ${name}`);
      return send(res, 200, { versions: s.versions.map(({ source: _source, ...rest }) => rest) });
    }
    if (m === 'GET' && what === 'versions') {
      const found = s?.versions[Number(v) - 1];
      if (!found) return problem(res, 404, `no version ${v} of ${name}`);
      return send(res, 200, { source: found.source, hash: found.hash, message: found.message, created_at: found.created_at });
    }
    if (m === 'POST' && what === 'versions') {
      const b = await body(req);
      const source = String(b['source'] ?? '');
      const { diagnostics } = compile(source);
      const list = diagnostics.map(diagnosticToJSON);
      const errors = list.filter((d) => d.severity === 'error').length;
      if (errors) return problem(res, 422, 'the scheme does not compile', { detail: `${errors} errors`, diagnostics: list });
      const entry = s ?? { versions: [], active: null };
      schemes.set(name, entry);
      const latest = entry.versions[entry.versions.length - 1];
      const hash = randomBytes(6).toString('hex');
      if (latest && latest.source === source) return send(res, 200, { name, version: latest.version, hash: latest.hash, diagnostics: list });
      const version = entry.versions.length + 1;
      entry.versions.push({ version, source, hash, message: String(b['message'] ?? ''), created_at: new Date().toISOString() });
      return send(res, 201, { name, version, hash, diagnostics: list });
    }
    if (m === 'POST' && what === 'activate') {
      const b = await body(req);
      const version = Number(b['version']);
      if (!s?.versions[version - 1]) return problem(res, 404, `no version ${version} of ${name}`);
      s.active = version;
      return send(res, 200, { name, version });
    }
    return problem(res, 404, 'not found');
  }

  async function file(res: ServerResponse, path: string): Promise<void> {
    const rel = normalize(decodeURIComponent(path === '/' ? '/index.html' : path)).replace(/^([/\\])+/, '');
    const full = join(opts.root, rel);
    if (!full.startsWith(opts.root + sep)) return problem(res, 404, 'not found');
    try {
      if (!(await stat(full)).isFile()) return problem(res, 404, 'not found');
      res.writeHead(200, { 'content-type': TYPES[extname(full)] ?? 'application/octet-stream' });
      res.end(await readFile(full));
    } catch {
      problem(res, 404, 'not found');
    }
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const handle = path.startsWith('/v1/') ? api(req, res, path) : file(res, path);
    handle.catch((e: unknown) => problem(res, 500, e instanceof Error ? e.message : 'error'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    adminKey,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
