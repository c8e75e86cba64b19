// Compares two results.json files of pnpm compare: every value equal except wall-clock fields
// (keys naming seconds / time / date), which are listed apart. Prints the differences and a verdict.
import { readFileSync } from 'node:fs';

const [a, b] = process.argv.slice(2).map((path) => JSON.parse(readFileSync(path, 'utf8')));
const clock = /(Seconds|\.seconds|\.startedAt|\.finishedAt)$/;
// The output folder is the one thing the two comparisons were told differently.
const own = new Set(['$.config.out']);
const differences = [];
const clockFields = [];
let compared = 0;
function walk(x, y, path) {
  if (typeof x === 'object' && x !== null && typeof y === 'object' && y !== null) {
    for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) walk(x[key], y[key], `${path}.${key}`);
    return;
  }
  if (clock.test(path)) return void clockFields.push(path);
  if (own.has(path)) return void console.log(`skipped ${path}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
  compared += 1;
  if (!Object.is(x, y)) differences.push(`${path}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
}
walk(a, b, '$');
console.log(`${compared} values compared; ${differences.length} differ; ${clockFields.length} wall-clock fields skipped (e.g. ${clockFields.slice(0, 3).join(', ')})`);
for (const line of differences.slice(0, 40)) console.log(`  ${line}`);
process.exitCode = differences.length === 0 ? 0 : 1;
