// The repo's test command: build every package (turbo), run every project's tests in one vitest
// run, then print one closing line "N passed, N failed" that CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const run = (command, args) => spawnSync(command, args, { stdio: 'inherit', shell: false }).status ?? 1;
const pnpm = process.env.npm_execpath?.includes('pnpm') ? ['node', [process.env.npm_execpath]] : ['pnpm', []];

const buildStatus = run(pnpm[0], [...pnpm[1], 'exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
if (buildStatus !== 0) {
  console.error('build failed');
  process.exit(buildStatus);
}
const report = 'test-results.json';
rmSync(report, { force: true });
// --wasm: every test on tfjs-backend-wasm with @diffusion/kernels-wasm's kernels (test/setup-test-backend.ts).
const extra = process.argv.slice(2).filter((argument) => argument !== '--wasm');
if (process.argv.includes('--wasm')) process.env.DIFFUSION_TEST_BACKEND = 'wasm';
const testStatus = run(pnpm[0], [...pnpm[1], 'exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra]);
if (existsSync(report)) {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  console.log(`\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
process.exit(testStatus);
