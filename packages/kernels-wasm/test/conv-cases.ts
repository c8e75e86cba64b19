// Convolution cases shared by the SIMD convolution tests (not part of the published API).
import { createRandomSource } from '@diffusion/core';

/** A tfjs conv2d padding: a mode, or explicit NHWC pairs. */
export type Padding = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

/** One NHWC convolution: input and filter shapes, strides and padding. */
export interface ConvCase { x: [number, number, number, number]; filter: [number, number, number, number]; strides: [number, number]; pad: Padding }

/** Seeded normals filling `shape`. */
export const values = (seed: number, shape: number[]): Float32Array => Float32Array.from(createRandomSource(seed).normals(shape.reduce((a, b) => a * b, 1)));

/** Explicit padding of the two spatial axes. */
export const explicit = (top: number, bottom: number, left: number, right: number): Padding => [[0, 0], [top, bottom], [left, right], [0, 0]];
