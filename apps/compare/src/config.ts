import { readFileSync } from 'node:fs';
import { sigmaLadderNames } from '@diffusion/schedules';
import { z } from 'zod';
import { isImageFolder } from './file-setup';
import { checkGuidanceRequest, guidanceLabel, parseGuidanceEntry } from './guidance/guidance-specs';
import { parseSamplerEntry, samplerLabel } from './sampler-specs';

/** The datasets the app knows by name. */
export const datasetNames = ['mixture', 'swiss-roll', 'two-moons', 'eight-gaussians', 'checkerboard', 'rings', 'mnist'] as const;
/** The ladders a sampler can run on. */
export const ladderNames = sigmaLadderNames;
/** `ladder`: a named ladder, or `tuned` (each sampler and NFE gets a ladder tuned on held-out data, reported beside the standard ones). */
export const ladderChoices = [...ladderNames, 'tuned'] as const;
/** What `tuned` ladders are tuned against (see `tuneLadder` of @diffusion/ladder-tuning). */
export const tuningObjectiveNames = ['sliced-wasserstein', 'mmd', 'frechet'] as const;
/** Backends: wasm by default in Node; `tensorflow` needs `@tensorflow/tfjs-node` installed. */
export const backendNames = ['wasm', 'cpu', 'tensorflow'] as const;

const positiveInteger = z.number().int().positive();

/** The U-Net of the MNIST runs (see `createUnetBackbone` of @diffusion/backbones): two levels, 28 -> 14 -> 7, attention at 7. */
const unetSchema = z
  .object({
    baseChannels: positiveInteger.default(32),
    channelMultipliers: z.array(positiveInteger).min(1).default([1, 2]),
    numResBlocks: positiveInteger.default(1),
    attentionResolutions: z.array(positiveInteger).default([7]),
    groups: positiveInteger.default(8),
  })
  .strict();

/** The JSON schema of a compare run (flags and the config file fill the same object). */
export const compareConfigSchema = z
  .object({
    dataset: z.enum(datasetNames).default('mixture'),
    /** Your own data instead of `dataset`: a points file (.csv, .tsv, .txt, .npy) or a folder of PNG/JPEG images. */
    data: z.string().min(1).optional(),
    /** `data` CSV: point columns by header name or 1-based position. */
    columns: z.array(z.union([z.string().min(1), positiveInteger])).min(1).optional(),
    /** `data` CSV: the class column (read, not yet used for training). */
    labelColumn: z.union([z.string().min(1), positiveInteger]).optional(),
    /** `data` images: resize the shorter side and centre-crop to this size. */
    size: positiveInteger.optional(),
    /** `data` images: 1 (grey) or 3 (RGB). */
    channels: z.union([z.literal(1), z.literal(3)]).optional(),
    /** Write a checkpoint of the run in training every this many steps (and on Ctrl-C), for `--resume`. */
    checkpointEvery: positiveInteger.default(500),
    schedule: z.string().min(1).default('linear'),
    parameterisations: z.array(z.string().min(1)).min(1).default(['eps', 'x0', 'v']),
    /** `natural` = each parameterisation's own MSE; any other name = that weighting held fixed for all. */
    weightings: z.array(z.string().min(1)).min(1).default(['natural', 'uniform']),
    timeDensity: z.string().min(1).default('uniform'),
    /** Sampler names, each optionally with JSON options (`ipndm{"order":3}`), or `{ name, options, plugin }` records. */
    samplers: z
      .array(z.union([z.string().min(1), z.object({ name: z.string().min(1), options: z.record(z.string(), z.unknown()).optional(), plugin: z.string().min(1).nullable().optional(), label: z.string().optional(), pluginVersion: z.string().optional() }).strict()]))
      .min(1)
      .default(['euler', 'dpmpp-2m']),
    nfe: z.array(positiveInteger).min(1).optional(),
    /**
     * Guiders and their scales on class-conditional data (`cfg:1,2,4`, `apg:1,2,4{"eta":0}`, or
     * `{ name, scales, options }` records): trains the backbone with class labels (label dropout
     * `pUncond`) and samples every guider at every scale from balanced labels.
     */
    guidance: z.array(z.union([z.string().min(1), z.object({ name: z.string().min(1), scales: z.array(z.number()).min(1), options: z.record(z.string(), z.unknown()).optional() }).strict()])).min(1).optional(),
    /** With `guidance`: the probability of dropping a training label to the null class, in [0, 1) (default 0.1, Ho & Salimans 2022). */
    pUncond: z.number().min(0).lt(1).optional(),
    ladder: z.enum(ladderChoices).default('trailing'),
    /** `ladder: "tuned"`: the standard ladders the tuner starts from (default trailing, leading, karras, log-snr-uniform; the geometric two on a continuous schedule). */
    tuningStart: z.array(z.enum(ladderNames)).min(1).optional(),
    /** `ladder: "tuned"`: samples per tuning pass (default 2-D 2000, images 128). */
    tuningSamples: z.number().int().min(2).optional(),
    /** `ladder: "tuned"`: most sampling passes of the coordinate search per sampler and NFE (default 2-D 60, images 24). */
    tuningPasses: positiveInteger.optional(),
    /** `ladder: "tuned"`: the objective (default sliced W1 for points; Fréchet distance of classifier features for 28x28 digits). */
    tuningObjective: z.enum(tuningObjectiveNames).optional(),
    /** The probability-flow ODE NLL of held-out data beside the NLL bound (`odeLogLikelihood` of @diffusion/metrics); false skips it. */
    odeNll: z.boolean().default(true),
    /** Its Dormand-Prince tolerance, rtol = atol (default 1e-4 on points, 1e-3 on images). */
    odeRtol: z.number().positive().max(0.1).optional(),
    /** Held-out examples it is measured on (default 2000 points, or 32 digits). */
    odePoints: positiveInteger.optional(),
    steps: positiveInteger.optional(),
    batch: positiveInteger.optional(),
    learningRate: z.number().positive().max(1).optional(),
    hiddenWidths: z.array(positiveInteger).min(1).default([128, 128, 128]),
    unet: unetSchema.default({ baseChannels: 32, channelMultipliers: [1, 2], numResBlocks: 1, attentionResolutions: [7], groups: 8 }),
    /** MNIST network: our U-Net (`unet`) or diffusers' `UNet2DModel` (`diffusers-unet`, saved as diffusers folders; see diffusers-unet.ts). */
    backbone: z.enum(['unet', 'diffusers-unet']).default('unet'),
    /** `config.json` keys of the `diffusers-unet` backbone, over its MNIST default. */
    diffusersUnet: z.record(z.string(), z.unknown()).optional(),
    emaDecay: z.number().min(0).max(1).optional(),
    samples: positiveInteger.optional(),
    profileBins: positiveInteger.optional(),
    seed: z.number().int().nonnegative().default(0),
    backend: z.enum(backendNames).default('wasm'),
    threads: z.number().int().min(1).max(64).default(1),
    out: z.string().min(1).default('compare-output'),
    plugins: z.array(z.string().min(1)).default([]),
    quiet: z.boolean().default(false),
  })
  .strict();

type ParsedConfig = z.infer<typeof compareConfigSchema>;
type DatasetDefaultKey = 'nfe' | 'steps' | 'batch' | 'learningRate' | 'emaDecay' | 'samples' | 'profileBins';
type DatasetDefaults = { [Key in DatasetDefaultKey]-?: NonNullable<ParsedConfig[Key]> };

/** Defaults that depend on the dataset: 2-D points train fast; MNIST trains a U-Net. */
const datasetDefaults: { points: DatasetDefaults; images: DatasetDefaults } = {
  points: { nfe: [10, 50], steps: 1500, batch: 256, learningRate: 2e-3, emaDecay: 0.995, samples: 20_000, profileBins: 24 },
  images: { nfe: [10, 25], steps: 3000, batch: 64, learningRate: 5e-4, emaDecay: 0.999, samples: 256, profileBins: 12 },
};

/** A validated, fully defaulted compare configuration; `samplers` are labels (`name` or `name{options}`). */
export type CompareConfig = Omit<ParsedConfig, keyof DatasetDefaults | 'samplers' | 'guidance'> & DatasetDefaults & { readonly samplers: string[]; readonly guidance?: string[] };

/** A configuration error: exit code 2, message names the field and what is allowed. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length === 0 ? '(config)' : issue.path.join('.');
  return `${field}: ${issue.message}`;
}

/** Validates a plain object against the schema and fills every default (dataset-dependent ones included). */
export function parseConfig(input: unknown): CompareConfig {
  const result = compareConfigSchema.safeParse(input);
  if (!result.success) throw new ConfigError(`invalid configuration:\n  ${result.error.issues.map(describeIssue).join('\n  ')}`);
  // Sampler entries become labels; the plugins that records name join `plugins`.
  const plugins = [...result.data.plugins];
  const samplers = result.data.samplers.map((entry, index) => {
    if (typeof entry === 'string') return samplerLabel(parseSamplerEntry(entry, `samplers[${index}]`));
    if (typeof entry.plugin === 'string' && !plugins.includes(entry.plugin)) plugins.push(entry.plugin);
    const { name } = parseSamplerEntry(entry.name, `samplers[${index}].name`);
    return samplerLabel({ name, ...(entry.options === undefined ? {} : { options: entry.options }) });
  });
  // Guidance entries become labels too (`name:scales{options}`), each checked by its guider's factory.
  const guidance = result.data.guidance?.map((entry, index) =>
    guidanceLabel(typeof entry === 'string' ? parseGuidanceEntry(entry, `guidance[${index}]`) : checkGuidanceRequest(entry, `guidance[${index}]`)),
  );
  if (guidance !== undefined && new Set(guidance).size !== guidance.length) throw new ConfigError('guidance: the same guider entry is listed twice');
  if (result.data.pUncond !== undefined && guidance === undefined) throw new ConfigError('pUncond: label dropout only applies with --guidance (a class-conditional model)');
  const defaults = result.data.dataset === 'mnist' || (result.data.data !== undefined && isImageFolder(result.data.data)) ? datasetDefaults.images : datasetDefaults.points;
  const filled = { ...defaults };
  for (const key of Object.keys(defaults) as Array<keyof DatasetDefaults>) {
    const value = result.data[key];
    if (value !== undefined) (filled as Record<string, unknown>)[key] = value;
  }
  const { guidance: _entries, ...rest } = result.data;
  return { ...rest, ...filled, samplers, plugins, ...(guidance === undefined ? {} : { guidance }) };
}

/** Reads a JSON config file; flags given on the command line override its fields. */
export function loadConfig(file: string | undefined, overrides: Record<string, unknown>): CompareConfig {
  let fromFile: Record<string, unknown> = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`--config: cannot read ${file}: ${(error as Error).message}`);
    }
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`--config: ${file} is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) throw new ConfigError(`--config: ${file} must hold a JSON object`);
    // A results.json of an earlier run: repeat it from its config.
    if (fromFile.tool === 'diffusion-compare' && typeof fromFile.config === 'object' && fromFile.config !== null) fromFile = fromFile.config as Record<string, unknown>;
  }
  const merged = { ...fromFile };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;
  return parseConfig(merged);
}
