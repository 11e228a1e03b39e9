// `npm run bench [SECTION...]`: prints Markdown tables for each section.
import { compileBench } from './compile.js';
import { decideBench } from './decide.js';

const SECTIONS: ReadonlyMap<string, () => string> = new Map([
  ['decide', () => decideBench()],
  ['compile', () => compileBench()],
]);

const wanted = process.argv.slice(2);
for (const [name, run] of SECTIONS) {
  if (wanted.length && !wanted.includes(name)) continue;
  process.stdout.write(`${run()}\n`);
}
