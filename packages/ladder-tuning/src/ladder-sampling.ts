import { checkSigmaLadder, DiffusionError, type Denoiser, type Sampler } from '@diffusion/core';
import { dispose, mul, slice, tidy, type Tensor } from '@tensorflow/tfjs-core';

/** How the unit start noise is scaled at `sigmas[0]`: `'ve'` by sigma (k-diffusion), `'vp'` by `sqrt(1 + sigma^2)` (the VP prior in sigma-space). */
export type StartScale = 've' | 'vp';

/** What one batch of ladder runs needs: the model, the sampler and the fixed noise. */
export interface LadderRunner {
  readonly denoiser: Denoiser;
  readonly sampler: Sampler;
  readonly startScale: StartScale;
  readonly batchSize: number;
  /** Maps a batch of samples (borrowed) to feature rows `[n, k]`; identity (flattened rows) when absent. */
  readonly features?: (samples: Tensor) => Tensor | Float64Array | Float32Array;
}

/** Points and cost of one pass of a ladder over the noise. */
export interface LadderRun {
  /** Row-major feature (or sample) rows, float64; `undefined` when a sample was not finite. */
  readonly points: Float64Array | undefined;
  /** Feature width of a row. */
  readonly width: number;
  /** Denoiser calls, summed over the batches. */
  readonly denoiserCalls: number;
}

/**
 * Runs the sampler down `ladder` from `unitNoise` (scaled at `ladder[0]`), batch by batch, with the
 * sampler seed `seed + batch index` (so a stochastic sampler sees the same noise for every ladder),
 * and reads the samples, or their features, back as float64 rows. Disposes what it makes.
 */
export function runLadder(runner: LadderRunner, unitNoise: Tensor, ladder: Float64Array, seed: number): LadderRun {
  const count = unitNoise.shape[0]!;
  const scale = runner.startScale === 'vp' ? Math.sqrt(1 + ladder[0]! ** 2) : ladder[0]!;
  let denoiserCalls = 0;
  const counted: Denoiser = (x, sigma) => {
    denoiserCalls += 1;
    return runner.denoiser(x, sigma);
  };
  const parts: Float64Array[] = [];
  let width = 0;
  let finite = true;
  for (let begin = 0, batch = 0; begin < count; begin += runner.batchSize, batch += 1) {
    const size = Math.min(runner.batchSize, count - begin);
    const start = tidy(() => mul(slice(unitNoise, begin, size), scale));
    let samples: Tensor | undefined;
    try {
      samples = runner.sampler.sample(counted, start, ladder, { seed: seed + batch });
      const rows = readRows(runner, samples, size);
      width = rows.length / size;
      if (!rows.every(Number.isFinite)) finite = false;
      parts.push(rows);
    } finally {
      dispose([start, ...(samples === undefined ? [] : [samples])]);
    }
    if (!finite) break;
  }
  if (!finite) return { points: undefined, width, denoiserCalls };
  const points = new Float64Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    points.set(part, offset);
    offset += part.length;
  }
  return { points, width, denoiserCalls };
}

function readRows(runner: LadderRunner, samples: Tensor, size: number): Float64Array {
  if (runner.features === undefined) return Float64Array.from(samples.dataSync());
  const features = runner.features(samples);
  if (features instanceof Float64Array || features instanceof Float32Array) {
    if (features.length % size !== 0) throw new DiffusionError('shape-mismatch', `tuneLadder.features: returned ${features.length} numbers for ${size} samples; expected a whole row per sample.`, { field: 'tuneLadder.features', value: features.length, allowed: `a multiple of ${size}` });
    return Float64Array.from(features);
  }
  try {
    if (typeof features?.dataSync !== 'function' || features.shape[0] !== size) {
      throw new DiffusionError('shape-mismatch', `tuneLadder.features: returned ${features?.shape === undefined ? String(features) : `shape [${features.shape.join(', ')}]`} for ${size} samples; expected a tensor [${size}, k] or a row-major Float64Array.`, { field: 'tuneLadder.features', value: features?.shape, allowed: `[${size}, k]` });
    }
    return Float64Array.from(features.dataSync());
  } finally {
    if (typeof features?.dispose === 'function' && features !== samples) features.dispose();
  }
}

/** Reads a ladder back from JSON (`JSON.stringify(Array.from(ladder))`) or any array-like, checked: finite, falling, ending in 0. */
export function parseLadder(value: unknown): Float64Array {
  return checkSigmaLadder('parseLadder.value', value, 2);
}
