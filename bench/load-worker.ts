// A load generator in its own process (bench/processes.ts loadPinned): runs the Load it reads
// as JSON on stdin and prints the result with its own CPU time as JSON.
import { text } from 'node:stream/consumers';
import { load, type Load, type PinnedResult } from './processes.js';

const l = JSON.parse(await text(process.stdin)) as Load;
const before = process.cpuUsage();
const result = await load(l);
const used = process.cpuUsage(before);
const answer: PinnedResult = { result, cpuUs: used.user + used.system };
process.stdout.write(JSON.stringify(answer));
