// `sluice serve`: the HTTP service and the editor. Configuration from the environment, every
// variable read in server/config.ts (README's table lists them); SLUICE_WORKERS > 1 runs
// node:cluster processes sharing the port.
import cluster from 'node:cluster';
import { readConfig, type Config } from '../server/config.js';
import { generateSecret } from '../server/keys.js';
import { startService, type ServiceOptions } from '../server/start.js';
import { parseArgs } from './args.js';
import { EXIT, type Output } from './io.js';

export const SERVE_USAGE = 'sluice serve [--port N]';

function options(port: number, c: Config, adminKey: string): ServiceOptions {
  const decisionLog = c.decisionLog && { target: c.decisionLog, sample: c.decisionLogSample, buffer: c.decisionLogBuffer, flushMs: c.decisionLogFlushMs };
  return {
    port,
    host: c.host,
    dataDir: c.dataDir,
    ...(c.databaseUrl ? { databaseUrl: c.databaseUrl } : {}),
    adminKey,
    rateLimit: { perSecond: c.rateLimit, burst: c.rateLimit * 2 },
    recoverAfterMs: c.recoverAfterMs,
    pollBaseMs: c.pollBaseMs,
    telemetry: { logLevel: c.logLevel, metrics: c.metrics, ...(decisionLog ? { decisionLog } : {}), ...(c.otlpEndpoint ? { otlpEndpoint: c.otlpEndpoint } : {}) },
    ...(c.metricsToken ? { metricsToken: c.metricsToken } : {}),
    shutdownTimeoutMs: c.shutdownTimeoutMs,
  };
}

function banner(io: Output, url: string, o: ServiceOptions, workers: number, generatedKey: boolean): void {
  const where = o.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${o.dataDir}`;
  io.out(`Sluice is listening on ${url} (${where}${workers > 1 ? `, ${workers} workers` : ''})\n`);
  io.out(`  editor:  ${url}/\n  API:     ${url}/openapi.json\n`);
  if (generatedKey) io.out(`  admin key (generated for this run; set SLUICE_ADMIN_KEY to fix one): ${o.adminKey}\n`);
}

function parsePort(argv: readonly string[], io: Output, fromEnv: number): number | undefined {
  const parsed = parseArgs(argv, [], ['port']);
  const text = parsed.ok ? (parsed.args.options.get('port') ?? String(fromEnv)) : '';
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (parsed.ok && !parsed.args.positional.length && port >= 0 && port < 65536) return port;
  io.err(`sluice serve: ${parsed.ok ? `bad port '${text}'` : parsed.message}\nusage: ${SERVE_USAGE}\n`);
  return undefined;
}

export async function serveCommand(argv: readonly string[], io: Output): Promise<number> {
  const { config, errors } = readConfig(process.env);
  if (errors.length) {
    io.err(errors.map((e) => `sluice serve: ${e}\n`).join(''));
    return EXIT.usage;
  }
  const port = parsePort(argv, io, config.port);
  if (port === undefined) return EXIT.usage;
  const { workers } = config;
  if (workers > 1 && !config.databaseUrl) {
    io.err('sluice serve: SLUICE_WORKERS > 1 needs DATABASE_URL (PostgreSQL); the embedded PGlite database belongs to one process\n');
    return EXIT.usage;
  }
  const o = options(port, config, config.adminKey ?? generateSecret('sk_admin'));
  const generatedKey = !config.adminKey;
  if (workers > 1 && cluster.isPrimary) return primary(io, o, workers, generatedKey);
  try {
    const service = await startService(o);
    if (cluster.isWorker) process.send!({ url: service.url });
    else banner(io, service.url, o, 1, generatedKey);
    // SIGTERM drains: new requests 503, those in flight finish, leases go back; then the exit.
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      service.telemetry.logger.info({ signal }, 'shutting down');
      void service.close().then(() => {
        service.telemetry.logger.info({ drained: service.drained() }, 'stopped');
        process.exit(0);
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return await new Promise<number>(() => {});
  } catch (e) {
    io.err(`sluice serve: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failed;
  }
}

/** Forks the workers (they share the port), prints the banner once, and replaces a worker that dies. */
function primary(io: Output, o: ServiceOptions, workers: number, generatedKey: boolean): Promise<number> {
  let announced = false;
  const fork = () => {
    const w = cluster.fork({ SLUICE_ADMIN_KEY: o.adminKey });
    w.on('message', (m: { url?: string }) => {
      if (m.url && !announced) banner(io, m.url, o, workers, generatedKey);
      announced ||= Boolean(m.url);
    });
  };
  for (let i = 0; i < workers; i++) fork();
  cluster.on('exit', (w, code, signal) => {
    io.err(`sluice serve: worker ${w.process.pid} ended (${signal ?? code}); starting another\n`);
    fork();
  });
  // Each worker drains on its SIGTERM; the primary exits when they all have.
  const stop = () => {
    cluster.removeAllListeners('exit');
    const running = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    let left = running.length;
    if (!left) process.exit(0);
    cluster.on('exit', () => --left || process.exit(0));
    for (const w of running) w.process.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => {});
}
