// Reads the public scheduler configs of Flux, SD3, SD 1.5, SD 2.1, SDXL and ddpm-cifar10 (as
// published on the Hub; packages/schedules/src/__fixtures__/public-scheduler-configs.json) and a
// few of their common variants through readDiffusersSchedulerConfig, and prints what each maps to
// (class, schedule, prediction, our sampler, the first timesteps and sigmas) or the refusal.
// The numbers are checked against diffusers v0.31.0 in packages/schedules
// (src/public-scheduler-configs.test.ts); this shows them. Run after `pnpm build`:
//   node packages/diffusers/scripts/read-public-configs.mjs
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readDiffusersSchedulerConfig } from '@diffusion/diffusers';

const configs = JSON.parse(readFileSync(fileURLToPath(new URL('../../schedules/src/__fixtures__/public-scheduler-configs.json', import.meta.url)), 'utf8'));
const cases = [
  ['Flux.1-dev', configs.flux, undefined],
  ['Flux.1-dev, imageSequenceLength 4096 (1024x1024)', configs.flux, { imageSequenceLength: 4096 }],
  ['Flux.1-dev, mu 0.8', configs.flux, { mu: 0.8 }],
  ['Flux.1-schnell (use_dynamic_shifting false)', { ...configs.flux, use_dynamic_shifting: false, shift: 1 }, undefined],
  ['SD3 medium', configs.sd3, undefined],
  ['SD 1.5', configs.sd15, undefined],
  ['SD 1.5 with use_karras_sigmas (PNDM has no such key)', { ...configs.sd15, use_karras_sigmas: true }, undefined],
  ['SD 1.5 as DPMSolverMultistepScheduler, Karras, sde-dpmsolver++', { ...configs.sd15, _class_name: 'DPMSolverMultistepScheduler', use_karras_sigmas: true, algorithm_type: 'sde-dpmsolver++' }, undefined],
  ['SD 2.1', configs.sd21, undefined],
  ['SDXL', configs.sdxl, undefined],
  ['SDXL, use_karras_sigmas', { ...configs.sdxl, use_karras_sigmas: true }, undefined],
  ['SDXL, use_beta_sigmas', { ...configs.sdxl, use_beta_sigmas: true }, undefined],
  ['SDXL, timestep_type continuous', { ...configs.sdxl, timestep_type: 'continuous' }, undefined],
  ['ddpm-cifar10-32', configs.ddpmCifar10, undefined],
];

const short = (values, count = 3) => `[${Array.from(values.slice(0, count), (value) => Number(value.toPrecision(6))).join(', ')}, … ${Number(values[values.length - 1].toPrecision(6))}]`;
for (const [name, config, options] of cases) {
  console.log(`\n## ${name}`);
  try {
    const scheduler = readDiffusersSchedulerConfig(config, `${name}/scheduler_config.json`, options);
    const run = scheduler.setTimesteps(20);
    const { sampler, exact, note } = scheduler.samplerFor(20);
    const samplerOptions = Object.entries(sampler).filter(([key, value]) => !['name', 'specificationVersion', 'evaluationsPerStep', 'stochastic'].includes(key) && typeof value !== 'function');
    console.log(`read: ${scheduler.className}, schedule ${scheduler.schedule.name}, prediction ${scheduler.setup.predictionType} -> parameterisation ${scheduler.parameterisation.name}, x0 processing ${JSON.stringify(scheduler.setup.x0Processing)}`);
    console.log(`20 steps: timesteps ${short(run.timesteps)}; sigmas ${short(run.sigmas ?? run.ladder)}; init_noise_sigma ${Number(run.initNoiseSigma.toPrecision(6))}`);
    console.log(`our sampler: ${sampler.name}${samplerOptions.length > 0 ? ` ${JSON.stringify(Object.fromEntries(samplerOptions))}` : ''}; reproduces diffusers' loop: ${exact}${note ? ` (${note})` : ''}`);
  } catch (error) {
    console.log(`refused: ${error.name} [${error.code}] field "${error.field}": ${error.message}`);
  }
}
