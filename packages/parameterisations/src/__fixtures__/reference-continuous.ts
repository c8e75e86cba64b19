// Small continuous schedules for the adapter tests (closed forms, float64). Not published.
import type { Schedule } from '@diffusion/core';

/** Cosine VP schedule without offset: alpha = cos(pi t / 2), sigma = sin(pi t / 2) (Nichol & Dhariwal 2021). */
export const referenceCosineSchedule: Schedule = {
  name: 'reference-cosine',
  specificationVersion: 'v1',
  options: {},
  alpha: (t) => Math.cos((Math.PI * t) / 2),
  sigma: (t) => Math.sin((Math.PI * t) / 2),
  logSnr: (t) => -2 * Math.log(Math.tan((Math.PI * t) / 2)),
  tOfLogSnr: (logSnr) => (2 / Math.PI) * Math.atan(Math.exp(-logSnr / 2)),
};

/** Rectified-flow interpolant: alpha = 1 - t, sigma = t (Liu et al. 2023). */
export const referenceFlowSchedule: Schedule = {
  name: 'reference-flow',
  specificationVersion: 'v1',
  options: {},
  alpha: (t) => 1 - t,
  sigma: (t) => t,
  logSnr: (t) => 2 * Math.log((1 - t) / t),
  tOfLogSnr: (logSnr) => 1 / (1 + Math.exp(logSnr / 2)),
};
