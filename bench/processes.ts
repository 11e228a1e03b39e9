// Servers in child processes and autocannon against them, for the HTTP benchmark and the load run.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

/** Starts a node script that prints `listening on URL`; resolves once it does. `cpus` pins it (taskset -c). */
export function startServer(args: readonly string[], env: Record<string, string> = {}, cpus?: string): Promise<Server> {
  const [command, argv] = cpus === undefined ? [process.execPath, args] : ['taskset', ['-c', cpus, process.execPath, ...args]];
  const child = spawn(command, argv, { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  // The last chunks of output, for the error message: a server logging each request prints
  // megabytes, and this process (the load generator, in the shared set-up) must not spend its
  // time on them.
  const tail: Buffer[] = [];
  const keep = (c: Buffer) => tail.push(c) > 16 && tail.shift();
  const out = () => Buffer.concat(tail).toString();
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return new Promise((resolve, reject) => {
    const listening = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out());
      if (!m) return;
      child.stdout!.off('data', listening);
      resolve({ url: m[1]!, child, rssMiB: () => rss(child.pid!), cpuUs: () => cpu(child.pid!), stop: () => child.kill('SIGTERM') });
    };
    child.stdout!.on('data', listening);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${out()}`)));
  });
}

function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Linux's clock tick for /proc/PID/stat times (USER_HZ): 100 on every usual kernel. */
const TICK_US = 10_000;

export function cpu(pid: number): number {
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

/**
 * Pins this process, every thread of it, to `cpus` (taskset): in a pinned set-up it reads the
 * servers' stdout (a log line per request), which must not take the server's core either.
 */
export function pinSelf(cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
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
  /** Each response body must contain this. */
  readonly expect?: string;
}

/** autocannon in this process: it shares the cores with the server. */
export async function load(l: Load): Promise<LoadResult> {
  const r = await autocannon({
    url: l.url,
    method: l.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...l.headers },
    ...(l.body === undefined ? {} : { body: l.body }),
    connections: l.connections,
    duration: l.seconds,
    ...(l.expect === undefined ? {} : { verifyBody: (body: string | Buffer | undefined) => String(body ?? '').includes(l.expect!) }),
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors + r.timeouts + r.non2xx + (r.mismatches ?? 0),
  };
}

export interface PinnedResult {
  readonly result: LoadResult;
  /** The generator process's CPU time in µs. */
  readonly cpuUs: number;
}

/** The same load from a child process pinned to `cpus` (bench/load-worker.ts), so the generator does not share the server's core. */
export function loadPinned(l: Load, cpus: string): Promise<PinnedResult> {
  const worker = fileURLToPath(new URL('./load-worker.js', import.meta.url));
  const child = spawn('taskset', ['-c', cpus, process.execPath, worker], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify(l)); // a batch body is too large for an argument
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as PinnedResult) : reject(new Error(`load worker exited with ${code}`))));
  });
}

export async function json(url: string, key: string, method: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method, headers: { authorization: `Bearer ${key}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return (await res.json()) as Record<string, unknown>;
}
