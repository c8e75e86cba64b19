// Trains the class-conditional MNIST U-Net of the guidance run (issue #14), resumably:
//   nice -n 10 node apps/compare/scripts/mnist-guidance-train.mjs --steps 5000 --out <dir> [--until 08:20]
// (after `pnpm build`). Checkpoints <dir>/checkpoint.safetensors every 250 steps and at the end;
// a second call continues from it. --until HH:MM (UTC) stops early at that time, checkpointed.
// <dir>/training.json records the steps, seconds and losses.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createMnistDataset, loadMnist } from '@diffusion/data';
import { createModel, modelSettings, startWasm } from './mnist-guidance-model.mjs';

const { values } = parseArgs({ options: { steps: { type: 'string' }, out: { type: 'string' }, until: { type: 'string' }, every: { type: 'string', default: '250' } } });
if (values.steps === undefined || values.out === undefined) {
  console.error('usage: mnist-guidance-train.mjs --steps N --out DIR [--until HH:MM] [--every 250]');
  process.exit(2);
}
const steps = Number(values.steps);
const every = Number(values.every);
const deadline = values.until === undefined ? Infinity : (() => {
  const [hours, minutes] = values.until.split(':').map(Number);
  const at = new Date();
  at.setUTCHours(hours, minutes, 0, 0);
  return at.getTime();
})();
mkdirSync(values.out, { recursive: true });
const checkpoint = join(values.out, 'checkpoint.safetensors');
const recordPath = join(values.out, 'training.json');

const backendName = await startWasm();
const { train } = await loadMnist({ seed: 0 });
const data = createMnistDataset(train, 'train');
const { trainer } = createModel(steps);
const record = existsSync(recordPath) ? JSON.parse(readFileSync(recordPath, 'utf8')) : { settings: modelSettings, totalSteps: steps, backend: backendName, seconds: 0, losses: [] };
if (existsSync(checkpoint)) {
  await trainer.loadCheckpoint(checkpoint);
  console.error(`resumed at step ${trainer.completedSteps}`);
}
while (trainer.completedSteps < steps && Date.now() < deadline) {
  const chunk = Math.min(every, steps - trainer.completedSteps);
  const started = performance.now();
  const result = await trainer.train({ data, steps: chunk });
  const seconds = (performance.now() - started) / 1000;
  record.seconds += seconds;
  record.losses.push(...result.losses);
  await trainer.saveCheckpoint(checkpoint);
  record.completedSteps = trainer.completedSteps;
  writeFileSync(`${recordPath}.tmp`, JSON.stringify(record));
  renameSync(`${recordPath}.tmp`, recordPath);
  const recent = result.losses.reduce((sum, loss) => sum + loss, 0) / result.losses.length;
  console.error(`${new Date().toISOString()} step ${trainer.completedSteps}/${steps}: ${(chunk / seconds).toFixed(2)} steps/s, mean loss ${recent.toFixed(4)}, ${record.seconds.toFixed(0)} s in all`);
}
trainer.dispose();
console.error(trainer.completedSteps >= steps ? 'done' : `stopped at the deadline, step ${record.completedSteps}`);
