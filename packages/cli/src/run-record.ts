import { z } from 'zod';
import { runSettingsSchema } from './run-settings';

const normalisationSchema = z.discriminatedUnion('kind', [
  /** Points: `z = (x - mean) / std` per coordinate. */
  z.object({ kind: z.literal('standardise'), mean: z.array(z.number()), std: z.array(z.number().positive()) }).strict(),
  /** Images: grey levels 0..255 mapped linearly to [-1, 1]. */
  z.object({ kind: z.literal('pixels'), low: z.literal(0), high: z.literal(255) }).strict(),
]);

/** What the data of a run was, as read: enough to map samples back and to check a resume reads the same. */
export const dataRecordSchema = z
  .object({
    kind: z.enum(['points', 'images']),
    format: z.enum(['csv', 'npy', 'image-folder']),
    count: z.number().int().positive(),
    /** Shape of one example: `[dimension]`, the trailing axes of a `.npy` array, or `[height, width, channels]`. */
    sampleShape: z.array(z.number().int().positive()).min(1),
    columnNames: z.array(z.string()).optional(),
    classNames: z.array(z.string()).optional(),
    /** SHA-256 of the file (or of every image file's path and bytes), hex. */
    fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
    normalisation: normalisationSchema,
  })
  .strict();

/** The `run.json` of a run folder: the full validated settings and what the data was. */
export const runRecordSchema = z
  .object({
    tool: z.literal('diffusion'),
    version: z.literal(1),
    createdAt: z.string(),
    settings: runSettingsSchema.required({ backbone: true, steps: true, batch: true, learningRate: true, warmupSteps: true, emaDecay: true, checkpointEvery: true }),
    data: dataRecordSchema,
  })
  .strict();

export type DataRecord = z.infer<typeof dataRecordSchema>;
export type RunRecord = z.infer<typeof runRecordSchema>;
export type Normalisation = DataRecord['normalisation'];
