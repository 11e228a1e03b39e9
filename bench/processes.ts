// Servers in child processes and autocannon against them, for the HTTP benchmark and the load run.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface Server {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resident memory in MiB, read from /proc. */
  rssMiB(): number;
  /** CPU time (user + system) used so far, in µs, read from /proc: the process alone, not its children. */
  cpuUs(): number;
  stop(): void;
}

/** Starts a node script that prints `listening on URL`; resolves once it does. */
export function startServer(args: readonly string[], env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, args, { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, child, rssMiB: () => rss(child.pid!), cpuUs: () => cpu(child.pid!), stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${out}`)));
  });
}

function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Linux's clock tick for /proc/PID/stat times (USER_HZ): 100 on every usual kernel. */
const TICK_US = 10_000;

function cpu(pid: number): number {
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

export interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  /** Connection errors, timeouts, non-2xx answers and bodies that failed the check. */
  readonly errors: number;
}

export interface Load {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly connections: number;
  readonly seconds: number;
  /** Each response body must pass this. */
  readonly verify?: (body: string) => boolean;
}

export async function load(l: Load): Promise<LoadResult> {
  const r = await autocannon({
    url: l.url,
    method: l.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...l.headers },
    ...(l.body === undefined ? {} : { body: l.body }),
    connections: l.connections,
    duration: l.seconds,
    ...(l.verify ? { verifyBody: (body: string | Buffer | undefined) => l.verify!(String(body ?? '')) } : {}),
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors + r.timeouts + r.non2xx + (r.mismatches ?? 0),
  };
}

export async function json(url: string, key: string, method: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method, headers: { authorization: `Bearer ${key}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return (await res.json()) as Record<string, unknown>;
}
