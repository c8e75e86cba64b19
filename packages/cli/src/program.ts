import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DiffusionError } from '@diffusion/core';
import { sigmaLadderNames } from '@diffusion/schedules';
import { CliError, exitCodeOf, exitCodes } from './cli-error';
import { parseColumns } from './named-spec';
import { backendNames } from './run-settings';
import { trainCommand, type CommandIo } from './train-command';
import { sampleCommand } from './sample-command';
import { samplerNames } from './samplers';
import { evaluateCommand } from './evaluate-command';
import { exportCommand } from './export-command';
import { guiderNames } from './guidance';

const integer = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || value.trim() === '') throw new InvalidArgumentError('expected an integer');
  return parsed;
};
const positiveInteger = (value: string): number => {
  const parsed = integer(value);
  if (parsed < 1) throw new InvalidArgumentError('expected an integer >= 1');
  return parsed;
};
const number = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || value.trim() === '') throw new InvalidArgumentError('expected a finite number');
  return parsed;
};
const probability = (value: string): number => {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed >= 1) throw new InvalidArgumentError('expected a probability in [0, 1)');
  return parsed;
};
const column = (value: string): string | number => (/^\d+$/.test(value) ? Number(value) : value);

function trainVerb(run: (action: () => Promise<number>) => void, io: CommandIo): Command {
  return new Command('train')
    .description('train a model on your data (or --resume a run); writes run.json, checkpoints, loss.csv and model.safetensors into --out')
    .option('--data <path>', 'points (.csv, .tsv, .txt, .npy) or a folder of PNG/JPEG images (one subfolder per class when labelled)')
    .option('--out <run dir>', 'the run folder to create')
    .option('--config <file>', 'JSON settings (or a previous run.json); flags override its fields')
    .option('--resume <run dir>', 'continue a run from its newest checkpoint (bit-equal to an unstopped run)')
    .option('--from-checkpoint [checkpoint]', 'with --resume: set a damaged newest checkpoint aside and use the previous good one (or the given step / file)')
    .option('--columns <list>', 'CSV: the point columns, by header name or 1-based position', parseColumns)
    .option('--label-column <column>', 'CSV: the column holding the class (labelled data trains a class-conditional model)', column)
    .option('--p-uncond <p>', 'label dropout of classifier-free guidance: the share of labels replaced by the null class, in [0, 1) (default 0.1, Ho & Salimans 2022)', probability)
    .option('--unconditional', 'train unconditionally on labelled data (labels read, not used)')
    .option('--size <n>', 'images: resize the shorter side to n and centre-crop to n x n', positiveInteger)
    .addOption(new Option('--channels <n>', 'images: 1 (grey) or 3 (RGB); default from the images').choices(['1', '3']).argParser((value) => Number(value) as 1 | 3))
    .option('--flip', 'images: random horizontal flips while training')
    .option('--backbone <name[{options}]>', 'mlp (points), unet, diffusers-unet (diffusers\' UNet2DModel: config.json keys as options; exportable) or dit (images), with JSON options, e.g. \'mlp{"hiddenWidths":[256,256,256]}\'')
    .option('--schedule <name>', 'linear (default) | scaled-linear | cosine | sigmoid | laplace | log-snr-linear | shifted-cosine | flow-matching | edm')
    .option('--parameterisation <name>', 'eps (default) | x0 | v | score | flow-velocity | edm')
    .option('--weighting <name>', 'natural (default: the parameterisation\'s own MSE) | uniform | elbo | snr | truncated-snr | min-snr | p2 | edm | sigmoid | v')
    .option('--time-density <name>', 'uniform (default) | log-normal | logit-normal | importance')
    .option('--steps <n>', 'training steps (default 5000)', positiveInteger)
    .option('--batch <n>', 'batch size (default 256 points, 64 images)', positiveInteger)
    .option('--learning-rate <x>', 'peak Adam learning rate (default 2e-3 points, 5e-4 images)', number)
    .option('--warmup-steps <n>', 'linear warm-up steps (default min(100, steps/10))', integer)
    .addOption(new Option('--decay <kind>', 'learning rate after the warm-up').choices(['cosine', 'constant']))
    .option('--gradient-clip-norm <x>', 'clip gradients to this global norm (default 1; "none" for no clipping)', (value) => (value === 'none' ? null : number(value)))
    .option('--ema-decay <x>', 'EMA decay ceiling (default 0.995 points, 0.999 images)', number)
    .option('--seed <n>', 'seed of the initial weights and every random stream (default 0)', integer)
    .option('--checkpoint-every <n>', 'write a checkpoint every n steps (default 500 points, 250 images)', positiveInteger)
    .option('--keep-checkpoints <n>', 'keep the newest n checkpoints (default 3)', positiveInteger)
    .addOption(new Option('--backend <name>', 'tfjs backend (default wasm)').choices([...backendNames]))
    .option('--threads <n>', 'wasm threads (default 1)', positiveInteger)
    .option('-q, --quiet', 'no progress bar')
    .action((options) => run(() => trainCommand(options, io)));
}

function sampleVerb(run: (action: () => Promise<number>) => void, io: CommandIo): Command {
  return new Command('sample')
    .description('draw samples from a trained model: points to a CSV (+ SVG scatter), images to a PNG grid (+ .npy)')
    .requiredOption('--model <run dir | diffusers folder>', 'a run folder (its model.safetensors, or its newest checkpoint while it trains), or a pipeline / model folder written by diffusers (UNet2DModel + scheduler config)')
    .option('--sampler <name[{options}]>', `${samplerNames.join(' | ')}, with JSON options (default dpmpp-2m)`)
    .option('--steps <n>', 'sampler steps (default 25)', positiveInteger)
    .addOption(new Option('--ladder <name>', 'sigma ladder (default trailing for discrete schedules, karras otherwise)').choices(sigmaLadderNames))
    .option('--num <k>', 'number of samples (default 1000 points, 64 images)', positiveInteger)
    .option('--seed <n>', 'seed of the initial noise and the sampler\'s noise (default 0)', integer)
    .option('--batch <n>', 'samples per network batch (default 1000 points, 64 images)', positiveInteger)
    .option('--checkpoint <step>', 'sample a checkpoint of the run instead of the final model', positiveInteger)
    .option('--no-ema', 'use the live weights of a checkpoint instead of the EMA')
    .option('--class <c>', 'class-conditional models: the class of every sample, an index in [0, K) or a class name (default: the null class, unconditional samples)')
    .option('--guidance <guider:scale[{options}]>', `classifier-free guidance towards --class: ${guiderNames.join(' | ')} with diffusers' guidance_scale w (1 = the conditional model alone), e.g. cfg:3, 'cfg-rescale:5{"guidanceRescale":0.7}', 'apg:6{"eta":0}'`)
    .addOption(new Option('--backend <name>', 'tfjs backend (default: the run\'s; wasm for a diffusers folder)').choices([...backendNames]))
    .option('--threads <n>', 'wasm threads (default: the run\'s; 1)', positiveInteger)
    .requiredOption('--out <file>', 'points: a .csv file (a .svg scatter is written beside it); images: a .png grid (a .npy of the samples beside it)')
    .action((options) => run(() => sampleCommand(options, io)));
}

function evaluateVerb(run: (action: () => Promise<number>) => void, io: CommandIo): Command {
  return new Command('evaluate')
    .description('measure a trained model on held-out data: NLL bound, sliced W1 and MMD (points), Fréchet distance and classifier confidence (28x28 digits)')
    .requiredOption('--model <run dir>', 'a run folder')
    .requiredOption('--data <held-out>', 'held-out data in the format the run was trained on')
    .option('--sampler <name[{options}]>', 'sampler of the sample-based metrics (default dpmpp-2m)')
    .option('--steps <n>', 'sampler steps (default 50)', positiveInteger)
    .addOption(new Option('--ladder <name>', 'sigma ladder').choices(sigmaLadderNames))
    .option('--num <k>', 'samples drawn for the sample metrics (default 2000 points, 500 images)', positiveInteger)
    .option('--nll-count <n>', 'held-out examples of the NLL bound (default 2000 points, 200 images)', positiveInteger)
    .option('--class <c>', 'class-conditional models: evaluate one class (an index in [0, K) or a class name): samples of it against held-out examples of it, the NLL bound given it')
    .option('--guidance <guider:scale[{options}]>', 'guidance of the sample metrics towards --class (as for sample); the NLL bound stays unguided')
    .option('--seed <n>', 'seed (default 0)', integer)
    .option('--out <file>', 'the JSON report (default <run dir>/evaluation.json)')
    .action((options) => run(() => evaluateCommand(options, io)));
}

function exportVerb(run: (action: () => Promise<number>) => void, io: CommandIo): Command {
  return new Command('export')
    .description('write a run trained with --backbone diffusers-unet as a diffusers pipeline folder (its EMA weights; DDPMPipeline.from_pretrained and UNet2DModel.from_pretrained read it)')
    .requiredOption('--model <run dir>', 'a run folder trained with --backbone diffusers-unet')
    .requiredOption('--diffusers <folder>', 'the diffusers folder to write (model_index.json, config.json, diffusion_pytorch_model.safetensors, scheduler/scheduler_config.json)')
    .option('--checkpoint <step>', 'export the EMA weights of a checkpoint instead of the final model', positiveInteger)
    .option('--sampler <name[{options}]>', 'picks the scheduler class written (e.g. ddim -> DDIMScheduler, dpmpp-2m -> DPMSolverMultistepScheduler; default DDPMScheduler)')
    .action((options) => run(() => exportCommand(options, io)));
}

/** Runs the `diffusion` command on `argv` (as `process.argv`); resolves to its exit code. */
export async function runDiffusionCli(argv: readonly string[], io: Partial<CommandIo> = {}): Promise<number> {
  const full: CommandIo = { log: (line) => console.error(line), print: (line) => console.log(line), signal: new AbortController().signal, ...io };
  let pending: Promise<number> | undefined;
  const run = (action: () => Promise<number>): void => {
    pending = action();
  };
  const program = new Command('diffusion')
    .description('Train, resume, sample, evaluate and export diffusion models on your own data.')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (text) => process.stderr.write(text), writeOut: (text) => process.stdout.write(text) })
    .addCommand(trainVerb(run, full).exitOverride().showHelpAfterError())
    .addCommand(sampleVerb(run, full).exitOverride().showHelpAfterError())
    .addCommand(evaluateVerb(run, full).exitOverride().showHelpAfterError())
    .addCommand(exportVerb(run, full).exitOverride().showHelpAfterError());
  try {
    await program.parseAsync([...argv]);
    return pending === undefined ? exitCodes.ok : await pending;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.badInput;
    const code = exitCodeOf(error);
    if (error instanceof CliError || error instanceof DiffusionError) full.log(`diffusion: ${error.message}`);
    else full.log(`diffusion: ${(error as Error).stack ?? String(error)}`);
    return code;
  }
}
