// `sluice test FILE...`: runs NAME.cases.json against NAME.sluice (either file may be named)
// and compares each case's `expect` with the decision, key by key.
import { casePair, runCases } from '../language/cases.js';
import { EXIT, readJson, type Output } from './io.js';
import { loadScheme } from './scheme.js';

export const TEST_USAGE = 'sluice test FILE...';

function testFile(file: string, io: Output): { passed: number; failed: number } | number {
  const { scheme: schemeFile, cases: casesFile } = casePair(file);
  const scheme = loadScheme(schemeFile, io);
  if (!scheme.ok) return scheme.exit;
  const json = readJson(casesFile);
  const outcomes = json.ok ? runCases(scheme.value, json.value) : undefined;
  if (!outcomes) {
    io.err(`sluice test: ${json.ok ? `${casesFile}: expected a list of cases` : json.message}\n`);
    return EXIT.usage;
  }
  let passed = 0;
  let failed = 0;
  io.out(`${casesFile}\n`);
  for (const { name, problems } of outcomes) {
    if (problems.length === 0) passed++;
    else failed++;
    io.out(`  ${problems.length ? '✗' : '✓'} ${name}\n${problems.map((p) => `      ${p}\n`).join('')}`);
  }
  return { passed, failed };
}

export function testCommand(argv: readonly string[], io: Output): number {
  if (argv.length === 0 || argv.some((a) => a.startsWith('--'))) {
    io.err(`sluice test: ${argv.length ? `unknown option ${argv.find((a) => a.startsWith('--'))}` : 'no files given'}\nusage: ${TEST_USAGE}\n`);
    return EXIT.usage;
  }
  let passed = 0;
  let failed = 0;
  for (const file of argv) {
    const r = testFile(file, io);
    if (typeof r === 'number') return r;
    passed += r.passed;
    failed += r.failed;
  }
  io.out(`\n${passed} passed, ${failed} failed\n`);
  return failed ? EXIT.failed : EXIT.ok;
}
