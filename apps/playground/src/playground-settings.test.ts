import type { Sampler } from '@diffusion/core';
import { builtinSamplers } from '@diffusion/samplers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { datasetNames } from './playground-datasets';
import { buildPlaygroundRegistry, playgroundSamplers } from './playground-registry';
import { checkSettings, evaluationsOf, minimumNfe, parseClassChoice, parseHiddenWidths, parseInteger, parseNumber, samplerBudget, type SettingsInput } from './playground-settings';

const defaults: SettingsInput = {
  dataset: 'mixture',
  schedule: 'linear',
  parameterisation: 'eps',
  weighting: 'natural',
  timeDensity: 'uniform',
  hiddenWidths: '64, 64, 64',
  batchSize: '128',
  learningRate: '0.003',
  seed: '0',
  trainSteps: '3000',
  sampler: 'dpmpp-2m',
  nfe: '20',
  sampleCount: '1000',
  classChoice: 'all',
  guider: 'cfg',
  guidanceScale: '1',
};
const { registry } = buildPlaygroundRegistry('linear');
const check = (changes: Partial<SettingsInput>) => checkSettings({ ...defaults, ...changes }, { registry, datasets: datasetNames });

/** A sampler declaring only the core contract: 3 evaluations per step, a ladder of at least 4 sigmas. */
const thirdOrder: Sampler = { name: 'third-order', specificationVersion: 'v1', options: {}, evaluationsPerStep: 3, stochastic: false, minimumSteps: 4, sample: () => { throw new Error('not run'); } };

describe('number inputs', () => {
  it('refuses empty, non-numeric, fractional, negative and out-of-range whole numbers with a message', () => {
    expect(parseInteger('NFE', '12', 1, 100)).toBe(12);
    expect(parseInteger('NFE', ' 7 ', 1, 100)).toBe(7);
    for (const text of ['', 'abc', 'NaN', '1.5', '1e3', '-3', '0', '101', 'Infinity']) {
      expect(parseInteger('NFE', text, 1, 100)).toMatch(/^NFE: .*from 1 to 100/);
    }
    expect(parseNumber('Learning rate', '0.003', 1e-6, 1)).toBe(0.003);
    for (const text of ['', 'NaN', 'Infinity', '-1', '2', 'fast']) expect(typeof parseNumber('Learning rate', text, 1e-6, 1)).toBe('string');
  });

  it('reads hidden widths as one positive integer per layer', () => {
    expect(parseHiddenWidths('64, 64,64')).toEqual([64, 64, 64]);
    expect(parseHiddenWidths('128 x 32')).toEqual([128, 32]);
    expect(parseHiddenWidths('')).toMatch(/give 1 to 8 layer widths/);
    expect(parseHiddenWidths('64, 0')).toMatch(/out of range/);
    expect(parseHiddenWidths('64, -1')).toMatch(/-1 is out of range/);
    expect(parseHiddenWidths('64, 2.5')).toMatch(/not a whole number/);
    expect(parseHiddenWidths('8,8,8,8,8,8,8,8,8')).toMatch(/got 9/);
  });
});

describe('the NFE budget of a sampler', () => {
  it('spends an NFE budget on the built-in samplers as they count their evaluations', () => {
    const heun = builtinSamplers().find((sampler) => sampler.name === 'heun')!;
    // Heun's last step is a single Euler step: 2 n - 1 evaluations for n steps.
    expect(samplerBudget(heun, 1)).toEqual({ ok: true, steps: 1, evaluations: 1 });
    expect(samplerBudget(heun, 4)).toEqual({ ok: true, steps: 2, evaluations: 3 });
    expect(samplerBudget(heun, 5)).toEqual({ ok: true, steps: 3, evaluations: 5 });
    const euler = builtinSamplers().find((sampler) => sampler.name === 'euler')!;
    expect(samplerBudget(euler, 20)).toEqual({ ok: true, steps: 20, evaluations: 20 });
  });

  it("explains an NFE below a plugin sampler's minimum and order", () => {
    expect(minimumNfe(thirdOrder)).toBe(9);
    const budget = samplerBudget(thirdOrder, 8);
    expect(budget.ok).toBe(false);
    expect(!budget.ok && budget.message).toMatch(/NFE 8 is below what third-order needs.*3 steps.*3 evaluations per step.*at least 9/);
    expect(samplerBudget(thirdOrder, 11)).toEqual({ ok: true, steps: 3, evaluations: 9 });
    expect(samplerBudget(thirdOrder, 12)).toEqual({ ok: true, steps: 4, evaluations: 12 });
  });

  it('takes the most steps that fit, for every sampler and budget (property)', () => {
    const samplers = [...playgroundSamplers(), thirdOrder];
    // An adaptive sampler takes no budget: refused with a message, whatever the NFE.
    const adaptive = builtinSamplers().find((sampler) => sampler.adaptive === true)!;
    expect(samplerBudget(adaptive, 30)).toMatchObject({ ok: false, message: expect.stringMatching(/adaptive/) });
    fc.assert(
      fc.property(fc.constantFrom(...samplers), fc.integer({ min: 1, max: 200 }), (sampler, nfe) => {
        const budget = samplerBudget(sampler, nfe);
        expect(budget.ok).toBe(nfe >= minimumNfe(sampler));
        if (budget.ok) {
          expect(budget.evaluations).toBe(evaluationsOf(sampler, budget.steps));
          expect(budget.evaluations).toBeLessThanOrEqual(nfe);
          expect(evaluationsOf(sampler, budget.steps + 1)).toBeGreaterThan(nfe);
        }
      }),
    );
  });
});

describe('the settings check', () => {
  it('accepts the page defaults and works out the sampler steps', () => {
    const result = check({});
    expect(result.ok).toBe(true);
    expect(result.ok && result.settings).toMatchObject({ hiddenWidths: [64, 64, 64], batchSize: 128, nfe: 20, samplerSteps: 20 });
    expect(result.notes.nfe).toMatch(/dpmpp-2m: 20 steps, 20 network evaluations/);
  });

  it('names the field and the allowed values of every bad input', () => {
    const result = check({ nfe: 'abc', trainSteps: '0', batchSize: '-2', sampler: 'nope', hiddenWidths: '64,,x', sampleCount: '1' });
    expect(result.ok).toBe(false);
    const errors = result.ok ? {} : result.errors;
    expect(errors.trainSteps).toMatch(/Training steps: 0 is out of range/);
    expect(errors.batchSize).toMatch(/Batch size: .*-2/);
    expect(errors.sampler).toMatch(/"nope" is not available; choose one of .*euler.*dpmpp-2m/);
    expect(errors.nfe).toMatch(/NFE: "abc" is not a whole number/);
    expect(errors.sampleCount).toMatch(/Samples: 1 is out of range/);
    expect(errors.hiddenWidths).toBeUndefined();
  });

  it('refuses a weighting or density the schedule does not offer', () => {
    const flow = buildPlaygroundRegistry('flow-matching').registry;
    const result = checkSettings({ ...defaults, schedule: 'flow-matching', timeDensity: 'importance' }, { registry: flow, datasets: datasetNames });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.timeDensity).toMatch(/"importance" is not available/);
  });
});

describe('the class and guidance inputs', () => {
  const labelled = (changes: Partial<SettingsInput>) => checkSettings({ ...defaults, ...changes }, { registry, datasets: datasetNames, numClasses: 4 });

  it('reads the class picker: all, or a class index in [0, K)', () => {
    expect(parseClassChoice('all', 4)).toBe('all');
    expect(parseClassChoice('3', 4)).toBe(3);
    expect(parseClassChoice('0', 4)).toBe(0);
    for (const text of ['4', '-1', '1.5', 'two', '']) expect(parseClassChoice(text, 4)).toMatch(/^Class: .*from 0 to 3, or "all"\.$/);
    expect(parseClassChoice('0', undefined)).toMatch(/this dataset has no classes/);
    expect(parseClassChoice('all', undefined)).toBe('all');
  });

  it('gives the checked guidance of a labelled dataset, with notes on the guider and the scale', () => {
    const result = labelled({ classChoice: '2', guider: 'apg', guidanceScale: '4.5' });
    expect(result.ok && result.settings.guidance).toEqual({ classChoice: 2, guider: 'apg', guidanceScale: 4.5 });
    expect(result.notes.guider).toMatch(/Adaptive projected guidance/);
    expect(result.notes.guidanceScale).toMatch(/w = 4\.5: D_c and D_u/);
    expect(labelled({ guidanceScale: '1' }).notes.guidanceScale).toMatch(/conditional model alone/);
    expect(labelled({ guidanceScale: '0' }).notes.guidanceScale).toMatch(/unconditional model/);
  });

  it('explains a bad class, guider or scale under its input and blocks the run', () => {
    const result = labelled({ classChoice: '7', guider: 'pag', guidanceScale: '9' });
    expect(result.ok).toBe(false);
    const errors = result.ok ? {} : result.errors;
    expect(errors.classChoice).toMatch(/Class: 7 is out of range/);
    expect(errors.guider).toMatch(/"pag" is not available; choose one of cfg, cfg-rescale, guidance-interval, apg/);
    expect(errors.guidanceScale).toMatch(/Guidance scale: 9 is out of range; enter a number from 0 to 8/);
    for (const text of ['', 'NaN', '-0.1', 'strong']) expect(labelled({ guidanceScale: text }).ok).toBe(false);
  });

  it('has no guidance for an unlabelled dataset and ignores its guider and scale', () => {
    const result = check({ dataset: 'swiss-roll', guider: 'pag', guidanceScale: 'x' });
    expect(result.ok && result.settings.guidance).toBeUndefined();
    expect(check({ dataset: 'swiss-roll', classChoice: '1' }).ok).toBe(false);
  });
});
