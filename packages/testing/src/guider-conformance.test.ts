import * as tf from '@tensorflow/tfjs-core';
import { DiffusionError, checkOptions, checkShape, type Guider, type GuidedDenoiser } from '@diffusion/core';
import { describe, expect, it } from 'vitest';
import {
  checkConditionalIdentity,
  checkGuiderCalls,
  checkGuiderContract,
  checkGuiderDeterminism,
  checkGuiderMemory,
  checkGuiderRejections,
  checkGuiderRoundTrip,
  checkUnconditional,
} from './guider-conformance-checks';
import { describeGuiderConformance } from './guider-conformance';
import { resolveGuiderConformanceOptions } from './guider-conformance-options';

type Defect = 'none' | 'leak' | 'extra-call' | 'ignore-paired' | 'unconditional-form' | 'no-shape-check' | 'lossy-options' | 'stateful-across-runs' | 'no-scale-check' | 'rounded-options';

interface ToyGuiderOptions {
  readonly guidanceScale: number;
  readonly defect?: Defect;
}

/** A small CFG guider written only against @diffusion/core (what an outside plugin would do), with deliberate defects. */
function createToyGuider(options: ToyGuiderOptions): Guider {
  const given = checkOptions('createToyGuider', options, ['guidanceScale', 'defect']);
  const defect = given.defect ?? 'none';
  const scale = given.guidanceScale;
  if (defect !== 'no-scale-check' && (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0)) {
    throw new DiffusionError('invalid-option', `createToyGuider.guidanceScale: got ${scale}`, { field: 'createToyGuider.guidanceScale', value: scale });
  }
  const w = scale ?? 1;
  let calls = 0;
  return {
    name: 'toy-cfg',
    specificationVersion: 'v1',
    options: defect === 'lossy-options' ? { guidanceScale: w, defect, at: new Date(0) } : { guidanceScale: defect === 'rounded-options' ? Math.round(w) : w, defect },
    evaluations: () => 2,
    guide(denoisers): GuidedDenoiser {
      const guided = (x: tf.Tensor, sigma: number) => {
        calls += 1;
        if (defect === 'leak') tf.keep(tf.zeros([1]));
        return tf.tidy(() => {
          const usePaired = denoisers.paired !== undefined && defect !== 'ignore-paired';
          const both = usePaired ? denoisers.paired!(x, sigma) : { conditional: denoisers.conditional(x, sigma), unconditional: denoisers.unconditional(x, sigma) };
          if (defect === 'extra-call') denoisers.unconditional(x, sigma);
          if (defect !== 'no-shape-check') {
            checkShape('toy-cfg.conditional output', both.conditional, x.shape);
            checkShape('toy-cfg.unconditional output', both.unconditional, x.shape);
          }
          const { conditional, unconditional } = both;
          if (defect === 'unconditional-form') return tf.add(unconditional, tf.mul(tf.sub(conditional, unconditional), w));
          const drift = defect === 'stateful-across-runs' ? calls * 1e-3 : 0;
          return tf.add(tf.add(conditional, tf.mul(tf.sub(conditional, unconditional), w - 1)), drift);
        });
      };
      return Object.assign(guided, { dispose() {} });
    },
  };
}

const settings = resolveGuiderConformanceOptions({ conditionalOptions: { guidanceScale: 1 }, unconditionalOptions: { guidanceScale: 0 }, guidedOptions: { guidanceScale: 3 } });
const guider = (defect: Defect, guidanceScale = 3) => createToyGuider({ guidanceScale, defect });

describeGuiderConformance(createToyGuider, {
  title: 'guider conformance: an outside CFG guider passes',
  conditionalOptions: { guidanceScale: 1 },
  unconditionalOptions: { guidanceScale: 0 },
  guidedOptions: { guidanceScale: 3 },
  rejections: [{ options: { guidanceScale: Number.NaN }, field: 'guidanceScale' }],
});

describe('the guider checks catch broken guiders', () => {
  it('a combination that is not D_c exactly at w = 1 (D_u + w (D_c - D_u) rounds)', () => {
    expect(() => checkConditionalIdentity(guider('unconditional-form', 1), settings)).toThrow(/not D_c = .* exactly/);
    expect(() => checkConditionalIdentity(guider('none', 1), settings)).not.toThrow();
  });

  it('a guider that is not D_u at w = 0', () => {
    expect(() => checkUnconditional(guider('none', 0.5), settings)).toThrow(/not D_u/);
    expect(() => checkUnconditional(guider('none', 0), settings)).not.toThrow();
  });

  it('an extra network call, and a paired denoiser left unused', () => {
    expect(() => checkGuiderCalls(guider('extra-call'), settings)).toThrow(/unconditional 2/);
    expect(() => checkGuiderCalls(guider('ignore-paired'), settings)).toThrow(/paired given: true.*expected conditional 0, unconditional 0, paired 1/);
  });

  it('a tensor leak per call', () => {
    expect(() => checkGuiderMemory(guider('leak'), settings)).toThrow(/tensor count grew/);
  });

  it('state that carries from one run to the next', () => {
    expect(() => checkGuiderDeterminism(guider('stateful-across-runs'), settings)).toThrow(/two runs differ/);
  });

  it('options that do not survive JSON', () => {
    expect(() => checkGuiderContract(guider('lossy-options'), settings)).toThrow(/JSON/);
    expect(() => checkGuiderRoundTrip(guider('rounded-options', 3.3), createToyGuider, settings)).toThrow(/rebuilt guider differs/);
    expect(() => checkGuiderRoundTrip(guider('none', 3.3), createToyGuider, settings)).not.toThrow();
  });

  it('predictions of another shape that pass unchecked, and a scale that is not checked', () => {
    expect(() => checkGuiderRejections(guider('no-shape-check'), createToyGuider, settings)).toThrow(/another shape/);
    const withRejection = { ...settings, rejections: [{ options: { guidanceScale: Number.NaN, defect: 'no-scale-check' }, field: 'guidanceScale' }] };
    expect(() => checkGuiderRejections(guider('none'), createToyGuider, withRejection)).toThrow(/did not throw/);
  });

  it('a suite configuration without the three cases', () => {
    expect(() => resolveGuiderConformanceOptions({ conditionalOptions: {}, unconditionalOptions: {} } as never)).toThrow(/guidedOptions/);
    expect(() => resolveGuiderConformanceOptions({ conditionalOptions: {}, unconditionalOptions: {}, guidedOptions: {}, sigmas: [1, 2] })).toThrow(/falling/);
  });
});
