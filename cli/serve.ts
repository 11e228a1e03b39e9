// `sluice serve`: the HTTP service and the editor. Configuration from the environment: PORT,
// HOST, SLUICE_DATA_DIR, DATABASE_URL, SLUICE_ADMIN_KEY, SLUICE_RATE_LIMIT,
// SLUICE_RECOVERY_AFTER_MS, SLUICE_POLL_BASE_MS, and SLUICE_WORKERS (node:cluster processes sharing the port).
import cluster from 'node:cluster';
import { generateSecret } from '../server/keys.js';
import { startService, type ServiceOptions } from '../server/start.js';
import { parseArgs } from './args.js';
import { EXIT, type Output } from './io.js';

export const SERVE_USAGE = 'sluice serve [--port N]';

const env = (name: string): string | undefined => process.env[name] || undefined;

function options(port: number, adminKey: string): ServiceOptions {
  const databaseUrl = env('DATABASE_URL');
  const perSecond = Number(env('SLUICE_RATE_LIMIT') ?? 2000);
  return {
    port,
    host: env('HOST') ?? '127.0.0.1',
    dataDir: env('SLUICE_DATA_DIR') ?? './data',
    ...(databaseUrl ? { databaseUrl } : {}),
    adminKey,
    rateLimit: { perSecond, burst: perSecond * 2 },
    recoverAfterMs: Number(env('SLUICE_RECOVERY_AFTER_MS') ?? 30_000),
    pollBaseMs: Number(env('SLUICE_POLL_BASE_MS') ?? 1_000),
  };
}

function banner(io: Output, url: string, o: ServiceOptions, workers: number): void {
  const where = o.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${o.dataDir}`;
  io.out(`Sluice is listening on ${url} (${where}${workers > 1 ? `, ${workers} workers` : ''})\n`);
  io.out(`  editor:  ${url}/\n  API:     ${url}/openapi.json\n`);
  if (!env('SLUICE_ADMIN_KEY')) io.out(`  admin key (generated for this run; set SLUICE_ADMIN_KEY to fix one): ${o.adminKey}\n`);
}

function parsePort(argv: readonly string[], io: Output): number | undefined {
  const parsed = parseArgs(argv, [], ['port']);
  const text = parsed.ok ? (parsed.args.options.get('port') ?? env('PORT') ?? '8080') : '';
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (parsed.ok && !parsed.args.positional.length && port >= 0 && port < 65536) return port;
  io.err(`sluice serve: ${parsed.ok ? `bad port '${text}'` : parsed.message}\nusage: ${SERVE_USAGE}\n`);
  return undefined;
}

export async function serveCommand(argv: readonly string[], io: Output): Promise<number> {
  const port = parsePort(argv, io);
  if (port === undefined) return EXIT.usage;
  const workers = Number(env('SLUICE_WORKERS') ?? 1);
  if (!Number.isInteger(workers) || workers < 1) {
    io.err(`sluice serve: SLUICE_WORKERS must be a whole number ≥ 1, not '${env('SLUICE_WORKERS')}'\n`);
    return EXIT.usage;
  }
  if (workers > 1 && !env('DATABASE_URL')) {
    io.err('sluice serve: SLUICE_WORKERS > 1 needs DATABASE_URL (PostgreSQL); the embedded PGlite database belongs to one process\n');
    return EXIT.usage;
  }
  const o = options(port, env('SLUICE_ADMIN_KEY') ?? generateSecret('sk_admin'));
  if (workers > 1 && cluster.isPrimary) return primary(io, o, workers);
  try {
    const service = await startService(o);
    if (cluster.isWorker) process.send!({ url: service.url });
    else banner(io, service.url, o, 1);
    const stop = () => void service.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return await new Promise<number>(() => {});
  } catch (e) {
    io.err(`sluice serve: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failed;
  }
}

/** Forks the workers (they share the port), prints the banner once, and replaces a worker that dies. */
function primary(io: Output, o: ServiceOptions, workers: number): Promise<number> {
  let announced = false;
  const fork = () => {
    const w = cluster.fork({ SLUICE_ADMIN_KEY: o.adminKey });
    w.on('message', (m: { url?: string }) => {
      if (m.url && !announced) banner(io, m.url, o, workers);
      announced ||= Boolean(m.url);
    });
  };
  for (let i = 0; i < workers; i++) fork();
  cluster.on('exit', (w, code, signal) => {
    io.err(`sluice serve: worker ${w.process.pid} ended (${signal ?? code}); starting another\n`);
    fork();
  });
  const stop = () => {
    cluster.removeAllListeners('exit');
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => {});
}
