import { Command, InvalidArgumentError } from 'commander';
import { startBackend } from './backend';
import { buildRegistry, checkNames } from './components';
import { ConfigError, loadConfig, type CompareConfig } from './config';
import { exitCodeOf, parseArguments } from './exit-codes';
import { plannedRunIds, runExperiment, type ExperimentOutcome } from './experiment';
import { interruptCount, onInterrupt } from './interrupt';
import { prepareOutputFolder } from './output-folder';
import { loadPlugins, samplerCatalogue } from './plugins';
import { parseGuidanceEntry } from './guidance/guidance-specs';
import { chooseSamplers, parseSamplerEntry, splitTopLevel } from './sampler-specs';
import { createProgressBars } from './progress';
import { writeReport } from './write-report';
import { createResumeStore, readResumeConfig } from './resume-store';
import { printSummary } from './summary';

const list = (value: string): string[] => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
const integer = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError('expected an integer');
  return parsed;
};
const number = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new InvalidArgumentError('expected a number');
  return parsed;
};

const program = new Command('diffusion-compare')
  .description('Train the same backbone under several parameterisations and loss weightings, sample with several samplers, and write one report.')
  .option('-c, --config <file>', 'JSON config file (flags override its fields)')
  .option('--dataset <name>', 'mixture | swiss-roll | two-moons | eight-gaussians | checkerboard | rings | mnist (U-Net; set its size with "unet" in a --config file)')
  .option('--schedule <name>', 'linear | scaled-linear | cosine | sigmoid | laplace | log-snr-linear | shifted-cosine | flow-matching | edm')
  .option('--parameterisations <list>', 'comma-separated, e.g. eps,x0,v', list)
  .option('--weightings <list>', 'comma-separated: natural (each its own MSE) or a weighting held fixed for all', list)
  .option('--time-density <name>', 'uniform | log-normal | logit-normal | importance')
  .option('--samplers <list>', 'comma-separated samplers, each a name with optional JSON options: \'ipndm{"order":3},dpmpp-2m\' (quote it in the shell)', splitTopLevel)
  .option('--nfe <list>', 'comma-separated network-evaluation budgets', (value) => list(value).map(integer))
  .option(
    '--guidance <guider:scales>',
    'class-conditional data: train with label dropout and sample a guider at each scale (repeatable): cfg:1,2,4 | cfg-rescale:1,2,4{"guidanceRescale":0.7} | guidance-interval:1,2,4{"sigmaLow":0.28,"sigmaHigh":5.42} | apg:1,2,4{"eta":0} (quote it in the shell)',
    (value: string, previous: string[] = []) => {
      try {
        parseGuidanceEntry(value, '--guidance');
      } catch (error) {
        if (error instanceof ConfigError) throw new InvalidArgumentError(error.message);
        throw error;
      }
      return [...previous, value];
    },
  )
  .option('--p-uncond <x>', '--guidance: probability of training on the null class instead of the label (default 0.1)', number)
  .option('--ladder <name>', 'karras | log-snr-uniform | exponential | trailing | leading | linspace | tuned (per sampler and NFE on held-out data, beside the standard ladders)')
  .option('--tuning-samples <n>', '--ladder tuned: samples per tuning pass (default 2-D 2000, images 128)', integer)
  .option('--tuning-passes <n>', '--ladder tuned: most sampling passes of the search per sampler and NFE (default 2-D 60, images 24)', integer)
  .option('--no-ode-nll', 'skip the probability-flow ODE NLL of held-out data (reported beside the NLL bound)')
  .option('--ode-rtol <x>', 'tolerance of the ODE NLL solve, rtol = atol (default 1e-4 on points, 1e-3 on images)', number)
  .option('--ode-points <n>', 'held-out examples of the ODE NLL (default 2000 points, 32 digits)', integer)
  .option('--steps <n>', 'training steps per run', integer)
  .option('--batch <n>', 'batch size', integer)
  .option('--learning-rate <x>', 'peak learning rate', number)
  .option('--samples <n>', 'samples per (model, sampler, NFE)', integer)
  .option('--seed <n>', 'seed of every random stream', integer)
  .option('--backend <name>', 'wasm (default) | cpu | tensorflow (needs @tensorflow/tfjs-node)')
  .option('--threads <n>', 'wasm XNNPACK threads (default 1; 2+ pays off only on idle cores)', integer)
  .option('-o, --out <dir>', 'output folder')
  .option(
    '--plugin <module>',
    'load the samplers of an outside plugin (repeatable): a package name, found as Node would from the current folder (the one you ran `pnpm --dir <repo> compare` from; its node_modules or a folder above, entry from "exports"/"main"), else a path to the plugin\'s folder (with a package.json) or module file',
    (value: string, previous: string[] = []) => [...previous, value],
  )
  .option('--data <path>', 'your own data instead of --dataset: points (.csv, .tsv, .txt, .npy) or a folder of PNG/JPEG images')
  .option('--columns <list>', '--data CSV: point columns by header name or 1-based position', (value) => list(value).map((entry) => (/^\d+$/.test(entry) ? Number(entry) : entry)))
  .option('--label-column <column>', '--data CSV: the class column', (value) => (/^\d+$/.test(value) ? Number(value) : value))
  .option('--size <n>', '--data images: resize the shorter side and centre-crop to n x n', integer)
  .option('--channels <n>', '--data images: 1 (grey) or 3 (RGB)', integer)
  .option('--checkpoint-every <n>', 'checkpoint the run in training every n steps (default 500) and on Ctrl-C', integer)
  .option('--resume <out dir>', 'continue an interrupted comparison at the run and step where it stopped')
  .option('-q, --quiet', 'no progress bars')
  .showHelpAfterError();

/** The experiment-wide figures of an outcome, for the report. */
function outcomeFigures(outcome: ExperimentOutcome) {
  return {
    nllUnit: outcome.nllUnit,
    ...(outcome.dataNll === undefined ? {} : { dataNll: outcome.dataNll }),
    ...(outcome.exactNllBound === undefined ? {} : { exactNllBound: outcome.exactNllBound }),
    ...(outcome.exactOdeNll === undefined ? {} : { exactOdeNll: outcome.exactOdeNll }),
    ...(outcome.referenceQuality === undefined ? {} : { referenceQuality: outcome.referenceQuality }),
  };
}

/** The config of `--resume <out dir>`: the interrupted comparison's own; only --quiet may be given with it. */
function resumeConfig(flags: Record<string, unknown>): CompareConfig {
  const given = Object.keys(flags).filter((key) => flags[key] !== undefined && key !== 'resume' && key !== 'quiet' && !(key === 'odeNll' && flags[key] === true));
  if (given.length > 0) throw new ConfigError(`--resume takes the comparison's config from its folder; drop ${given.map((key) => `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`).join(', ')}`);
  const saved = readResumeConfig(flags.resume as string);
  return { ...saved, out: flags.resume as string, ...(flags.quiet === true ? { quiet: true } : {}) };
}

async function main(): Promise<number> {
  const parseFailure = parseArguments(program);
  if (parseFailure !== undefined) return parseFailure;
  const flags = program.opts();
  const log = (line: string): void => console.error(line);
  let config: CompareConfig;
  try {
    config = flags.resume !== undefined ? resumeConfig(flags) : loadConfig(flags.config, {
      data: flags.data,
      columns: flags.columns,
      labelColumn: flags.labelColumn,
      size: flags.size,
      channels: flags.channels,
      checkpointEvery: flags.checkpointEvery,
      dataset: flags.dataset,
      schedule: flags.schedule,
      parameterisations: flags.parameterisations,
      weightings: flags.weightings,
      timeDensity: flags.timeDensity,
      samplers: flags.samplers,
      nfe: flags.nfe,
      guidance: flags.guidance,
      pUncond: flags.pUncond,
      ladder: flags.ladder,
      tuningSamples: flags.tuningSamples,
      tuningPasses: flags.tuningPasses,
      // commander sets odeNll to true unless --no-ode-nll is given: only false overrides the config file.
      odeNll: flags.odeNll === false ? false : undefined,
      odeRtol: flags.odeRtol,
      odePoints: flags.odePoints,
      steps: flags.steps,
      batch: flags.batch,
      learningRate: flags.learningRate,
      samples: flags.samples,
      seed: flags.seed,
      backend: flags.backend,
      threads: flags.threads,
      out: flags.out,
      plugins: flags.plugin,
      quiet: flags.quiet,
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      log(`diffusion-compare: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const controller = new AbortController();
  let interrupts = 0;
  onInterrupt((count) => {
    interrupts = count;
    if (interrupts > 1) process.exit(130);
    log('\ninterrupted: finishing the report of the completed runs (Ctrl-C again to quit now)');
    controller.abort();
  });
  const started = new Date();
  try {
    const outDir = prepareOutputFolder(config.out);
    const chosen = chooseSamplers(config.samplers.map((label) => parseSamplerEntry(label)), samplerCatalogue(await loadPlugins(config.plugins, log)));
    const registry = buildRegistry(chosen.map((entry) => entry.sampler));
    checkNames(registry, config);
    const backend = await startBackend(config.backend, log, config.threads);
    const base = { config, started, backend, outDir, samplers: chosen.map((entry) => entry.record), planned: plannedRunIds(config) };
    const resume = createResumeStore(outDir);
    if (flags.resume === undefined) resume.saveConfig(config);
    const outcome = await runExperiment(config, registry, {
      log,
      progress: createProgressBars(config.quiet),
      signal: controller.signal,
      resume,
      onRunFinished: (runs, visuals) => writeReport({ ...base, runs, visuals, complete: false, nllUnit: '' }),
    });
    const written = writeReport({ ...base, runs: outcome.runs, visuals: outcome.visuals, complete: outcome.complete, ...outcomeFigures(outcome), ...(outcome.interrupted === undefined ? {} : { interrupted: outcome.interrupted }) });
    printSummary(written.results);
    console.log(`\nreport: ${written.reportPath}\nresults: ${written.resultsPath}`);
    if (!outcome.complete) log(`interrupted; continue where it stopped with: pnpm compare --resume ${config.out}`);
    return outcome.complete && interruptCount() === 0 ? 0 : 130;
  } catch (error) {
    const { code, message } = exitCodeOf(error);
    log(`diffusion-compare: ${message}`);
    return code;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
