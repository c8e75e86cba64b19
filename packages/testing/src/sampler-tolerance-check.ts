import { mul, type Tensor } from '@tensorflow/tfjs-core';
import { createRandomSource, randomNormalTensor, type Sampler } from '@diffusion/core';
import { countingDenoiser, gaussianDenoiser } from './counting-denoiser';
import { karrasLadder } from './sigma-ladders';
import type { ResolvedSamplerConformanceOptions } from './sampler-conformance-options';

/** One run of the tolerance check. */
export interface ToleranceRun {
  /** The factory options of the run. */
  readonly options: unknown;
  /** RMS error relative to the RMS of the exact solution. */
  readonly error: number;
  /** Denoiser calls counted, which the last `onStep` event reported. */
  readonly evaluations: number;
}

/**
 * An adaptive sampler (one that chooses its steps from an error tolerance) converges as its
 * tolerance tightens: built with each of `settings.adaptiveOptions` in turn (loose to tight), on the
 * closed-form probability-flow ODE solution of Gaussian data N(0, I), its error falls from one to the
 * next and the NFE it reports (the `evaluations` of its last `onStep` event, which must equal the
 * calls counted) does not fall. The adaptive counterpart of the order check.
 */
export function checkToleranceConvergence(createSampler: (options?: never) => Sampler, settings: ResolvedSamplerConformanceOptions): ToleranceRun[] {
  const fail = (message: string): never => {
    throw new Error(`sampler conformance: ${message}`);
  };
  const list = settings.adaptiveOptions;
  if (list === undefined) return fail('an adaptive sampler is checked at several tolerances: pass adaptiveOptions, factory options from loose to tight (e.g. [{ rtol: 0.1 }, { rtol: 0.01 }, { rtol: 0.001 }])');
  const unit = randomNormalTensor(createRandomSource(9), [256, 2]);
  const start = mul(unit, settings.sigmaMax);
  unit.dispose();
  const exact = Float64Array.from(start.dataSync(), (value) => value / Math.sqrt(1 + settings.sigmaMax ** 2));
  const scale = Math.sqrt(exact.reduce((sum, value) => sum + value * value, 0));
  const runs: ToleranceRun[] = [];
  try {
    for (const options of list) {
      const sampler = createSampler(options as never);
      if (sampler.adaptive !== true) fail(`createSampler(${JSON.stringify(options)}) is not adaptive`);
      const counter = countingDenoiser(gaussianDenoiser());
      let reported: number | undefined;
      let output: Tensor | undefined;
      try {
        output = sampler.sample(counter.denoise, start, karrasLadder(16, settings.sigmaMin, settings.sigmaMax), { onStep: ({ evaluations }) => void (reported = evaluations) });
        let squares = 0;
        output.dataSync().forEach((value, index) => (squares += (value - exact[index]!) ** 2));
        if (reported !== counter.calls) fail(`with ${JSON.stringify(options)} the last onStep event reports ${String(reported)} evaluations; ${counter.calls} denoiser calls were made`);
        runs.push({ options, error: Number.isFinite(squares) ? Math.sqrt(squares) / scale : Number.POSITIVE_INFINITY, evaluations: counter.calls });
      } finally {
        output?.dispose();
      }
    }
  } finally {
    start.dispose();
  }
  const table = runs.map((run) => `${JSON.stringify(run.options)}: ${run.error.toExponential(2)} at NFE ${run.evaluations}`).join(', ');
  for (let index = 1; index < runs.length; index += 1) {
    const [looser, tighter] = [runs[index - 1]!, runs[index]!];
    if (!(tighter.error < looser.error)) fail(`the error on the closed-form ODE solution for Gaussian data N(0, I) does not fall as the tolerance tightens from ${JSON.stringify(looser.options)} to ${JSON.stringify(tighter.options)}: ${table}`);
    if (tighter.evaluations < looser.evaluations) fail(`a tighter tolerance took fewer denoiser calls (${JSON.stringify(tighter.options)}): ${table}`);
  }
  return runs;
}
