// A PostgreSQL server of the test's own — initdb and pg_ctl on its own port and data directory —
// so a test can stop and start it. Never the machine's shared cluster.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort().at(-1);
  const dir = version && join(root, version, 'bin');
  return dir && existsSync(join(dir, 'initdb')) ? dir : undefined;
}

export const postgresBinaries = binDir();

export class ThrowawayPostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'sluice-pg-'));
  readonly url: string;

  constructor(readonly port: number) {
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  /** Runs a PostgreSQL binary; as the postgres user when we are root (initdb refuses root). */
  private run(bin: string, args: string[]): void {
    const path = join(postgresBinaries!, bin);
    const asRoot = process.getuid?.() === 0;
    execFileSync(asRoot ? 'runuser' : path, asRoot ? ['-u', 'postgres', '--', path, ...args] : args, { stdio: 'pipe', timeout: 60_000 });
  }

  init(): void {
    if (process.getuid?.() === 0) {
      const { uid, gid } = postgresIds();
      chownSync(this.dir, uid, gid);
    }
    this.run('initdb', ['-D', join(this.dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  }

  start(): void {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-w', '-l', join(this.dir, 'log'), '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  }

  stop(): void {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-w', '-m', 'immediate', 'stop']);
  }

  destroy(): void {
    try {
      this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}
