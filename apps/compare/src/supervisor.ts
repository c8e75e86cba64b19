import { Worker } from 'node:worker_threads';
import { userWorkingFolder } from './user-folder';

/**
 * The `diffusion-compare` command: runs the app (compare-run.js, built from src/cli.ts) in a worker
 * thread and keeps this thread free for signals. The first Ctrl-C is passed on at once (shared
 * counter + message, see src/interrupt.ts): the run stops within a denoiser call or a training step,
 * writes what finished and exits 130. A second Ctrl-C quits at once (exit 130).
 */
// Run as a package script (pnpm --dir <repo> compare …), work in the folder the user ran it from (workers cannot chdir).
process.chdir(userWorkingFolder(process.env, process.cwd()));
const interruptFlag = new SharedArrayBuffer(4);
const counter = new Int32Array(interruptFlag);
const worker = new Worker(new URL('./compare-run.js', import.meta.url), { argv: process.argv.slice(2), workerData: { interruptFlag } });

process.on('SIGINT', () => {
  const count = Atomics.add(counter, 0, 1) + 1;
  if (count > 1) process.exit(130);
  worker.postMessage({ type: 'interrupt' });
});
worker.on('error', (error) => {
  console.error(`diffusion-compare: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
worker.on('exit', (code) => process.exit(typeof process.exitCode === 'number' && process.exitCode !== 0 ? process.exitCode : code));
