import { readFileSync } from 'node:fs';
import { tensor, transpose, type Tensor } from '@tensorflow/tfjs-core';

/** A `vectors.json` written by make_vectors.py: NCHW input, diffusers' forward output and a 10-step DDIM run. */
export interface DiffusersVectors {
  readonly input: { readonly shape: [number, number, number, number]; readonly x: number[]; readonly timesteps: number[]; readonly class_labels: number[] | null };
  readonly output: { readonly shape: [number, number, number, number]; readonly sample: number[] };
}

/** The fixture folder of a name under src/__fixtures__. */
export function fixtureFolder(name: string): string {
  return new URL(`../src/__fixtures__/${name}`, import.meta.url).pathname;
}

export function readVectors(name: string): DiffusersVectors {
  return JSON.parse(readFileSync(`${fixtureFolder(name)}/vectors.json`, 'utf8')) as DiffusersVectors;
}

/** NCHW values (torch) → an NHWC tensor. */
export function nhwcFromNchw(values: readonly number[], shape: readonly [number, number, number, number]): Tensor {
  const nchw = tensor(values, [...shape], 'float32');
  const nhwc = transpose(nchw, [0, 2, 3, 1]);
  nchw.dispose();
  return nhwc;
}

/** An NHWC tensor → NCHW values in torch's row-major order. */
export function nchwValues(x: Tensor): Float32Array {
  const nchw = transpose(x, [0, 3, 1, 2]);
  const values = nchw.dataSync() as Float32Array;
  nchw.dispose();
  return values;
}

/** max |ours - reference| / max |reference|. */
export function relativeMaxError(ours: ArrayLike<number>, reference: ArrayLike<number>): number {
  if (ours.length !== reference.length) return Infinity;
  let error = 0;
  let scale = 0;
  for (let index = 0; index < reference.length; index += 1) {
    error = Math.max(error, Math.abs(ours[index]! - reference[index]!));
    scale = Math.max(scale, Math.abs(reference[index]!));
  }
  return error / scale;
}
