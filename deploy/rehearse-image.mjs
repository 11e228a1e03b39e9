#!/usr/bin/env node
// Rehearses the Dockerfile where no Docker engine runs (`npm run rehearse:image`): its build
// stage's RUN steps on a clean export of HEAD (as `COPY . .` with .dockerignore would see it),
// the runtime stage's `COPY --from=build` paths into a fresh folder, then its CMD with its ENV as
// its USER (or `nobody` when this machine has no such user), probed with its HEALTHCHECK, asked
// for /readyz, and stopped with its STOPSIGNAL. What it does not rehearse: the base image (this
// machine's Node and OS stand in for node:20.20-bookworm-slim) and the /data volume (a temporary
// folder stands in for it).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');

/** The Dockerfile's instructions per stage, continuation lines joined, comments dropped. */
function stages(text) {
  const lines = text.replace(/\\\n\s*/g, '').split('\n').filter((l) => l.trim() && !l.trimStart().startsWith('#'));
  const out = [];
  for (const line of lines) {
    const [op, ...rest] = line.trim().split(/\s+/);
    const arg = rest.join(' ');
    if (op === 'FROM') out.push({ from: arg, steps: [] });
    else out.at(-1)?.steps.push({ op, arg });
  }
  return out;
}

const exec = (arg) => (arg.startsWith('[') ? JSON.parse(arg) : ['sh', '-c', arg]);

function envOf(steps) {
  const env = {};
  for (const { arg } of steps.filter((s) => s.op === 'ENV')) for (const [, k, v] of arg.matchAll(/(\w+)=(\S+)/g)) env[k] = v;
  return env;
}

/** uid and gid of a user named in /etc/passwd. */
function account(name) {
  const row = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  return row && { name, uid: Number(row.split(':')[2]), gid: Number(row.split(':')[3]) };
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

function step(message) {
  process.stdout.write(`rehearse-image: ${message}\n`);
}

class Failed extends Error {}

function fail(message) {
  throw new Failed(message);
}

async function main() {
  const [build, runtime] = stages(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  if (!build || !runtime) fail('the Dockerfile should have a build stage and a runtime stage');
  const dir = mkdtempSync(join(tmpdir(), 'sluice-image-'));
  const [buildDir, appDir, dataDir] = ['build', 'app', 'data'].map((d) => join(dir, d));
  mkdirSync(buildDir);
  mkdirSync(appDir);
  try {
    step(`build stage (${build.from}) in ${buildDir}`);
    execFileSync('sh', ['-c', `git -C "${root}" archive HEAD | tar -x -C "${buildDir}"`]);
    for (const { op, arg } of build.steps) {
      if (op !== 'RUN') continue;
      step(`RUN ${arg}`);
      if (spawnSync('sh', ['-c', arg], { cwd: buildDir, stdio: 'inherit' }).status !== 0) fail(`RUN ${arg}`);
    }
    step(`runtime stage (${runtime.from}) in ${appDir}`);
    for (const { op, arg } of runtime.steps) {
      const m = op === 'COPY' && /^--from=build\s+\/app\/(\S+)\s+\S+$/.exec(arg);
      if (m) cpSync(join(buildDir, m[1]), join(appDir, m[1]), { recursive: true });
    }
    const wanted = runtime.steps.findLast((s) => s.op === 'USER')?.arg ?? 'root';
    const user = account(wanted) ?? account('nobody');
    mkdirSync(dataDir);
    chownSync(dataDir, user.uid, user.gid);
    execFileSync('chmod', ['-R', 'o+rX', dir]);
    const port = await freePort();
    const env = { PATH: process.env.PATH, HOME: dataDir, ...envOf(runtime.steps), PORT: String(port), SLUICE_DATA_DIR: dataDir, SLUICE_ADMIN_KEY: 'sk_admin_rehearsal' };
    const as = { cwd: appDir, env, uid: user.uid, gid: user.gid };
    const cmd = exec(runtime.steps.findLast((s) => s.op === 'CMD').arg);
    step(`CMD ${cmd.join(' ')} as ${user.name} (USER ${wanted}), ENV ${Object.keys(envOf(runtime.steps)).join(', ')}`);
    const child = spawn(cmd[0], cmd.slice(1), { ...as, stdio: ['ignore', 'pipe', 'pipe'] });
    stop = () => child.kill('SIGKILL');
    let out = '';
    let ended = false;
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        ended = true;
        resolve({ code, signal });
      }),
    );
    await waitFor(() => out.includes('is listening on') || (ended && fail(`the service ended before listening:\n${out.slice(-2000)}`)), 30_000, 'the service to listen');
    const health = runtime.steps.find((s) => s.op === 'HEALTHCHECK').arg.replace(/^.*?CMD\s+/, '');
    const probe = exec(health);
    if (spawnSync(probe[0], probe.slice(1), as).status !== 0) fail(`HEALTHCHECK ${health}`);
    step('HEALTHCHECK passed');
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    if (!ready.ok) fail(`/readyz answered ${ready.status}: ${await ready.text()}`);
    step(`/readyz: ${await ready.text()}`);
    const signal = runtime.steps.find((s) => s.op === 'STOPSIGNAL')?.arg ?? 'SIGTERM';
    child.kill(signal);
    const end = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(undefined), 30_000))]);
    if (!end || end.code !== 0) fail(`${signal} should stop the service cleanly, got ${JSON.stringify(end)}`);
    step(`${signal}: stopped (exit 0). Rehearsed ${relative(root, join(root, 'Dockerfile'))} without its base image.`);
  } catch (e) {
    step(`FAILED: ${e instanceof Failed ? e.message : e}`);
    process.exitCode = 1;
  } finally {
    stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Ends the service if a step fails while it runs. */
let stop = () => {};

async function waitFor(check, ms, what) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

await main();
