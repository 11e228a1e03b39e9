// `sluice test DIR|FILE... [--coverage] [--min-coverage N] [--quiet]`: runs NAME.cases.json
// against NAME.sluice (either file may be named; a folder means every scheme in it and below),
// comparing each case's `expect` with the decision, key by key. A scheme without cases is noted,
// not failed. --coverage lists the blocks and branches no case reaches; --min-coverage fails
// below that percentage.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { casePair, runCases } from '../language/cases.js';
import { caseCoverage } from '../language/coverage.js';
import { parseArgs } from './args.js';
import { EXIT, readJson, type Output } from './io.js';
import { loadScheme } from './scheme.js';

export const TEST_USAGE = 'sluice test DIR|FILE... [--coverage] [--min-coverage N] [--quiet]';

interface Tally {
  passed: number;
  failed: number;
  uncovered: number;
  items: number;
  withoutCases: string[];
}

interface Options {
  readonly coverage: boolean;
  readonly quiet: boolean;
}

/** The schemes a folder holds, at any depth (but node_modules and dot folders), in name order. */
function schemesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => {
      if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('.') ? [] : schemesIn(join(dir, e.name));
      return e.name.endsWith('.sluice') ? [join(dir, e.name)] : [];
    });
}

function testFile(file: string, o: Options, t: Tally, io: Output): number | undefined {
  const { scheme: schemeFile, cases: casesFile } = casePair(file);
  if (!existsSync(casesFile)) {
    t.withoutCases.push(schemeFile);
    return undefined;
  }
  const scheme = loadScheme(schemeFile, io, o.quiet);
  if (!scheme.ok) return scheme.exit;
  const json = readJson(casesFile);
  const outcomes = json.ok ? runCases(scheme.value, json.value) : undefined;
  if (!json.ok || !outcomes) {
    io.err(`sluice test: ${json.ok ? `${casesFile}: expected a list of cases` : json.message}\n`);
    return EXIT.usage;
  }
  io.out(`${casesFile}\n`);
  for (const { name, problems } of outcomes) {
    if (problems.length === 0) t.passed++;
    else t.failed++;
    io.out(`  ${problems.length ? '✗' : '✓'} ${name}\n${problems.map((p) => `      ${p}\n`).join('')}`);
  }
  if (o.coverage) {
    const c = caseCoverage(scheme.value, json.value as unknown[]);
    const missed = c.items.filter((i) => !i.reached);
    t.items += c.items.length;
    t.uncovered += missed.length;
    io.out(`  coverage ${c.percent}% (${c.items.length - missed.length} of ${c.items.length} blocks and branches)\n`);
    for (const m of missed) io.out(`    not reached: ${schemeFile}:${m.line}: ${m.label}\n`);
  }
  return undefined;
}

export function testCommand(argv: readonly string[], io: Output): number {
  const parsed = parseArgs(argv, ['coverage', 'quiet'], ['min-coverage']);
  const min = parsed.ok ? parsed.args.options.get('min-coverage') : undefined;
  const minimum = min === undefined ? undefined : Number(min);
  if (!parsed.ok || parsed.args.positional.length === 0 || (minimum !== undefined && !(minimum >= 0 && minimum <= 100))) {
    const why = !parsed.ok ? parsed.message : parsed.args.positional.length === 0 ? 'no files given' : `--min-coverage takes a percentage from 0 to 100, not '${min}'`;
    io.err(`sluice test: ${why}\nusage: ${TEST_USAGE}\n`);
    return EXIT.usage;
  }
  const o: Options = { coverage: parsed.args.flags.has('coverage') || minimum !== undefined, quiet: parsed.args.flags.has('quiet') };
  const t: Tally = { passed: 0, failed: 0, uncovered: 0, items: 0, withoutCases: [] };
  for (const arg of parsed.args.positional) {
    const files = existsSync(arg) && statSync(arg).isDirectory() ? schemesIn(arg) : [arg];
    for (const file of files) {
      const exit = testFile(file, o, t, io);
      if (exit !== undefined) return exit;
    }
  }
  for (const s of t.withoutCases) io.out(`no cases: ${s} (add ${casePair(s).cases} to test it)\n`);
  io.out(`\n${t.passed} passed, ${t.failed} failed${t.withoutCases.length ? `, ${t.withoutCases.length} without cases` : ''}\n`);
  if (o.coverage) {
    const percent = t.items ? Math.floor(((t.items - t.uncovered) * 1000) / t.items) / 10 : 100;
    io.out(`coverage ${percent}% of ${t.items} blocks and branches\n`);
    if (minimum !== undefined && percent < minimum) {
      io.err(`sluice test: coverage ${percent}% is below --min-coverage ${minimum}\n`);
      return EXIT.failed;
    }
  }
  return t.failed ? EXIT.failed : EXIT.ok;
}
