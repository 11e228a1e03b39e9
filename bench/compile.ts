// Compile benchmark: parse and check of generated first-match schemes.
import { checkSource } from '../compiler/check.js';
import { parse } from '../grammar/parse.js';
import { generateRules, schemeSource } from './generate.js';
import { fmtMs, header, medianMs, table } from './measure.js';

export function compileBench(sizes: readonly number[] = [100, 1000, 10000]): string {
  const rows = sizes.map((n) => {
    const source = schemeSource(generateRules(n));
    const parseMs = medianMs(() => parse(source), n >= 10000 ? 3 : 7);
    const checkMs = medianMs(() => checkSource(source), n >= 10000 ? 3 : 7);
    const errors = checkSource(source).diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(`generated scheme has errors: ${errors[0]!.message}`);
    return [`${n}`, `${source.length}`, fmtMs(parseMs), fmtMs(checkMs)];
  });
  return `${header('compile')}\n${table(['rules', 'source chars', 'parse', 'parse + check'], rows)}\n`;
}
