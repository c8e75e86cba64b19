import { z } from 'zod';

/** Backends: wasm by default in Node; `tensorflow` needs `@tensorflow/tfjs-node` installed. */
export const backendNames = ['wasm', 'cpu', 'tensorflow'] as const;
/** Backbones by name (`@diffusion/backbones`; `diffusers-unet` is diffusers' `UNet2DModel` of `@diffusion/diffusers`). */
export const backboneNames = ['mlp', 'unet', 'diffusers-unet', 'dit'] as const;

const positiveInteger = z.number().int().positive();
const column = z.union([z.string().min(1), positiveInteger]);

/**
 * Everything that decides a training run, as `--config` gives it and `run.json` records it
 * (flags fill the same fields). Unset fields get defaults that depend on the data kind.
 */
export const runSettingsSchema = z
  .object({
    /** Points file (`.csv`, `.tsv`, `.txt`, `.npy`) or image folder; absolute once recorded. */
    data: z.string().min(1),
    /** CSV columns of the point, by header name or 1-based position. */
    columns: z.array(column).min(1).optional(),
    /** CSV column holding the class. */
    labelColumn: column.optional(),
    /** Images: resize the shorter side and centre-crop to this size. */
    size: positiveInteger.optional(),
    /** Images: 1 (grey) or 3 (RGB); default from the images. */
    channels: z.union([z.literal(1), z.literal(3)]).optional(),
    /**
     * Label dropout of classifier-free guidance (Ho & Salimans 2022, Algorithm 1's `p_uncond`): the
     * share of training labels replaced by the null class. Labelled data (image subfolders, a CSV
     * `labelColumn`) trains a class-conditional model, and `run.json` records it (default 0.1); a run
     * without it is unconditional.
     */
    pUncond: z.number().min(0).lt(1).optional(),
    /** Train unconditionally on labelled data (the labels are read and recorded, not used). */
    unconditional: z.boolean().default(false),
    /** Images: random horizontal flips while training. */
    flip: z.boolean().default(false),
    backbone: z.enum(backboneNames).optional(),
    /** Options of the backbone factory beyond what the data fixes (dimension, image size, channels, seed). */
    backboneOptions: z.record(z.string(), z.unknown()).default({}),
    schedule: z.string().min(1).default('linear'),
    parameterisation: z.string().min(1).default('eps'),
    /** `natural` (the parameterisation's own MSE) or a loss weighting of `@diffusion/loss-weightings`. */
    weighting: z.string().min(1).default('natural'),
    timeDensity: z.string().min(1).default('uniform'),
    steps: positiveInteger.optional(),
    batch: positiveInteger.optional(),
    learningRate: z.number().positive().max(1).optional(),
    warmupSteps: z.number().int().nonnegative().optional(),
    decay: z.enum(['cosine', 'constant']).default('cosine'),
    gradientClipNorm: z.number().positive().nullable().default(1),
    emaDecay: z.number().min(0).max(1).optional(),
    seed: z.number().int().nonnegative().default(0),
    checkpointEvery: positiveInteger.optional(),
    /** How many of the newest checkpoints to keep (the older are deleted once a newer one is safely written). */
    keepCheckpoints: positiveInteger.default(3),
    backend: z.enum(backendNames).default('wasm'),
    threads: z.number().int().min(1).max(64).default(1),
  })
  .strict();

type ParsedSettings = z.infer<typeof runSettingsSchema>;
type KindDefaultKey = 'backbone' | 'steps' | 'batch' | 'learningRate' | 'warmupSteps' | 'emaDecay' | 'checkpointEvery';
type KindDefaults = { [Key in KindDefaultKey]-?: NonNullable<ParsedSettings[Key]> };

/** The two kinds of data: points (an MLP) and images (a U-Net). */
export type DataKind = 'points' | 'images';

/** Defaults that depend on the data kind (as `pnpm compare`'s). */
export const kindDefaults: Record<DataKind, KindDefaults> = {
  points: { backbone: 'mlp', steps: 5000, batch: 256, learningRate: 2e-3, warmupSteps: 100, emaDecay: 0.995, checkpointEvery: 500 },
  images: { backbone: 'unet', steps: 5000, batch: 64, learningRate: 5e-4, warmupSteps: 100, emaDecay: 0.999, checkpointEvery: 250 },
};

/** Validated settings with every default filled in. */
export type RunSettings = Omit<ParsedSettings, KindDefaultKey> & KindDefaults;

/** "field: message" lines of a zod error, the field as a dotted path. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues.map((issue) => `${prefix}${issue.path.length === 0 ? '(root)' : issue.path.join('.')}: ${issue.message}`).join('\n  ');
}

/** Fills the kind-dependent defaults of parsed settings. */
export function withKindDefaults(parsed: ParsedSettings, kind: DataKind): RunSettings {
  const filled: Record<string, unknown> = { ...parsed };
  for (const [key, value] of Object.entries(kindDefaults[kind])) if (filled[key] === undefined) filled[key] = value;
  if (filled.warmupSteps === kindDefaults[kind].warmupSteps && parsed.warmupSteps === undefined) filled.warmupSteps = Math.min(kindDefaults[kind].warmupSteps, Math.floor((filled.steps as number) / 10));
  return filled as RunSettings;
}
