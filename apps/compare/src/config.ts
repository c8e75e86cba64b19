import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The datasets the app knows by name. */
export const datasetNames = ['mixture', 'swiss-roll', 'two-moons', 'eight-gaussians', 'checkerboard', 'rings', 'mnist'] as const;
/** The ladders a sampler can run on. */
export const ladderNames = ['karras', 'log-snr-uniform', 'exponential', 'trailing', 'leading', 'linspace'] as const;
/** Backends: wasm by default in Node; `tensorflow` needs `@tensorflow/tfjs-node` installed. */
export const backendNames = ['wasm', 'cpu', 'tensorflow'] as const;

const positiveInteger = z.number().int().positive();

/** The JSON schema of a compare run (flags and the config file fill the same object). */
export const compareConfigSchema = z
  .object({
    dataset: z.enum(datasetNames).default('mixture'),
    schedule: z.string().min(1).default('linear'),
    parameterisations: z.array(z.string().min(1)).min(1).default(['eps', 'x0', 'v']),
    /** `natural` = each parameterisation's own MSE; any other name = that weighting held fixed for all. */
    weightings: z.array(z.string().min(1)).min(1).default(['natural', 'uniform']),
    timeDensity: z.string().min(1).default('uniform'),
    samplers: z.array(z.string().min(1)).min(1).default(['euler', 'dpmpp-2m']),
    nfe: z.array(positiveInteger).min(1).default([10, 50]),
    ladder: z.enum(ladderNames).default('trailing'),
    steps: positiveInteger.default(1500),
    batch: positiveInteger.default(256),
    learningRate: z.number().positive().max(1).default(2e-3),
    hiddenWidths: z.array(positiveInteger).min(1).default([128, 128, 128]),
    emaDecay: z.number().min(0).max(1).default(0.995),
    samples: positiveInteger.default(20_000),
    profileBins: positiveInteger.default(24),
    seed: z.number().int().nonnegative().default(0),
    backend: z.enum(backendNames).default('wasm'),
    out: z.string().min(1).default('compare-output'),
    plugins: z.array(z.string().min(1)).default([]),
    quiet: z.boolean().default(false),
  })
  .strict();

/** A validated, fully defaulted compare configuration. */
export type CompareConfig = z.infer<typeof compareConfigSchema>;

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

/** Validates a plain object against the schema, defaults included. */
export function parseConfig(input: unknown): CompareConfig {
  const result = compareConfigSchema.safeParse(input);
  if (!result.success) throw new ConfigError(`invalid configuration:\n  ${result.error.issues.map(describeIssue).join('\n  ')}`);
  return result.data;
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
  }
  const merged = { ...fromFile };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;
  return parseConfig(merged);
}
