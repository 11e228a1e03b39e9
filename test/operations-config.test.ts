// Configuration and the container files: README's one table of environment variables is the code's
// list, a bad value is refused by name, and (without Docker) compose.yaml parses as YAML,
// sets only listed variables, and with the Dockerfile and nginx.conf holds together.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readConfig, VARIABLES } from '../server/config.js';
import { METRICS } from '../server/metrics.js';

const readme = readFileSync('README.md', 'utf8');

/** The rows of the first Markdown table after `heading`, cells trimmed. */
function tableAfter(heading: string): string[][] {
  const rest = readme.slice(readme.indexOf(heading));
  const lines = rest.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines.slice(start + 2, end).map((l) => l.slice(1, -1).split(' | ').map((c) => c.trim()));
}

const names = new Set<string>(VARIABLES.map((v) => v.name));

describe('configuration', () => {
  it("README's table lists every variable the code reads, with its default and meaning, and no other", () => {
    const rows = tableAfter('### Configuration');
    expect(rows).toEqual(VARIABLES.map((v) => [`\`${v.name}\``, v.default === undefined ? '—' : `\`${v.default}\``, v.meaning]));
  });

  it("README's metrics table is server/metrics.ts's list", () => {
    const rows = tableAfter('### Metrics');
    expect(rows.map((r) => r[0])).toEqual(Object.values(METRICS).map((m) => `\`${m.name}\``));
  });

  it('reads the defaults, treats an empty value as unset, and names each variable it cannot read', () => {
    const { config, errors } = readConfig({ SLUICE_METRICS_TOKEN: '', DATABASE_URL: 'postgres://x@h/db' });
    expect(errors).toEqual([]);
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', logLevel: 'info', metrics: true, metricsToken: undefined, databaseUrl: 'postgres://x@h/db', decisionLogSample: 1, shutdownTimeoutMs: 25_000 });
    const bad = readConfig({ PORT: '80a', SLUICE_LOG_LEVEL: 'loud', SLUICE_METRICS: 'yes', SLUICE_DECISION_LOG_SAMPLE: '1.5', SLUICE_WORKERS: '0' });
    expect(bad.errors.map((e) => e.split(' ')[0])).toEqual(['PORT', 'SLUICE_WORKERS', 'SLUICE_LOG_LEVEL', 'SLUICE_METRICS', 'SLUICE_DECISION_LOG_SAMPLE']);
    expect(readConfig({ SLUICE_DECISION_LOG_SAMPLE: '0.05', SLUICE_METRICS: 'off', SLUICE_LOG_LEVEL: 'silent' }).config).toMatchObject({ decisionLogSample: 0.05, metrics: false, logLevel: 'silent' });
  });

  it('sluice serve exits 2 naming a variable it cannot read', () => {
    const run = spawnSync(process.execPath, ['bin/sluice.mjs', 'serve'], { env: { ...process.env, SLUICE_LOG_LEVEL: 'loud' }, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("sluice serve: SLUICE_LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, not 'loud'\n");
  });
});

describe('the container files (built and run by npm run smoke:compose where Docker runs; read here)', () => {
  const compose = parse(readFileSync('compose.yaml', 'utf8')) as {
    services: Record<string, { image?: string; build?: string; environment?: Record<string, string>; ports?: string[]; depends_on?: unknown; healthcheck?: unknown }>;
  };
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const nginx = readFileSync('deploy/nginx.conf', 'utf8');

  it('compose.yaml: PostgreSQL, two Sluice instances on it, one port in front', () => {
    const { services } = compose;
    // docker-compose 1.29 (Debian 12's) refuses a top-level `name`.
    expect(Object.keys(compose).filter((k) => !k.startsWith('x-')).sort()).toEqual(['services', 'volumes']);
    expect(Object.keys(services).sort()).toEqual(['postgres', 'proxy', 'sluice-1', 'sluice-2']);
    expect(services['postgres']!.healthcheck).toBeDefined();
    for (const name of ['sluice-1', 'sluice-2']) {
      const s = services[name]!;
      expect(s.build).toBe('.');
      expect(s.environment!['DATABASE_URL']).toMatch(/^postgres:\/\/\w+:\w+@postgres:5432\/\w+$/);
      expect(Object.keys(s.environment!).filter((v) => !names.has(v))).toEqual([]);
      expect(s.ports).toBeUndefined();
    }
    expect(services['proxy']!.ports).toEqual(['8080:8080']);
    expect(Object.values(services).filter((s) => s.ports)).toHaveLength(1);
  });

  it('Dockerfile: two stages, the last as a non-root user, a health check on /livez, sluice serve', () => {
    const stages = dockerfile.split('\n').filter((l) => l.startsWith('FROM '));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const last = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(last).toMatch(/\nUSER node\n/);
    expect(last).toMatch(/\nHEALTHCHECK [^\n]*\\\n\s+CMD \[.*\/livez/);
    expect(last).toMatch(/\nCMD \["node", "bin\/sluice\.mjs", "serve"\]\n/);
    const env = /\nENV ([^\n]+)\n/.exec(last)![1]!.split(' ').map((kv) => kv.split('=')[0]!);
    expect(env.filter((v) => v !== 'NODE_ENV' && !names.has(v))).toEqual([]);
    // A `# syntax=` line makes BuildKit fetch a frontend image, which fails where the registry is out of reach.
    expect(dockerfile).not.toMatch(/^# *syntax *=/im);
    for (const line of dockerfile.split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith(' '))) {
      expect(line).toMatch(/^(FROM|WORKDIR|COPY|RUN|ENV|USER|EXPOSE|VOLUME|HEALTHCHECK|STOPSIGNAL|CMD) /);
    }
  });

  it('nginx.conf: both instances upstream, listening on the published port', () => {
    expect(nginx).toMatch(/server sluice-1:8080;/);
    expect(nginx).toMatch(/server sluice-2:8080;/);
    expect(nginx).toMatch(/listen 8080;/);
    expect(nginx.split('{').length).toBe(nginx.split('}').length);
  });
});
