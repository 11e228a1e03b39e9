// Runs `sluice serve` as a real process, for tests that kill it or stop its database.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it printed, for failure messages. */
  output(): string;
  /** What it printed on stdout alone (the log lines). */
  stdout(): string;
}

export function serveProcess(env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['bin/sluice.mjs', 'serve'], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stdout = '';
  const collect = (chunk: Buffer) => (out += chunk.toString());
  child.stdout!.on('data', collect);
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', collect);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sluice serve did not start:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child, output: () => out, stdout: () => stdout });
      }
    });
    child.once('exit', (code) => reject(new Error(`sluice serve exited with ${code}:\n${out}`)));
  });
}

export async function api(url: string, key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${key}`, ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  // Loose JSON (`any`) so tests read bodies by path.
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}

/** A database for `sluice serve` processes: its environment, made fresh, and its removal. */
export interface Target {
  readonly name: string;
  env(): Promise<Record<string, string>>;
  cleanup(): Promise<void>;
}

function pgliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-crash-'));
  return { name: 'PGlite', env: async () => ({ SLUICE_DATA_DIR: dir }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

function postgresTarget(url: string): Target {
  const db = `sluice_serve_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (query: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(query);
    await c.end();
  };
  return {
    name: 'PostgreSQL',
    env: async () => {
      await admin(`drop database if exists ${db}`);
      await admin(`create database ${db}`);
      const u = new URL(url);
      u.pathname = `/${db}`;
      return { DATABASE_URL: u.toString() };
    },
    cleanup: () => admin(`drop database if exists ${db} with (force)`),
  };
}

/** PGlite in a temporary directory, and PostgreSQL (a database of its own) when TEST_DATABASE_URL is set. */
export function serveTargets(): Target[] {
  return [pgliteTarget(), ...(process.env['TEST_DATABASE_URL'] ? [postgresTarget(process.env['TEST_DATABASE_URL'])] : [])];
}
