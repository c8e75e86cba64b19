import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDiscreteSchedule } from './discrete-schedule';
import { createLinearSchedule, createScaledLinearSchedule } from './linear-schedule';
import { expectDiffusionError } from './test-helpers';

const betasArbitrary = fc.array(fc.double({ min: 1e-5, max: 0.6, noNaN: true }), { minLength: 2, maxLength: 40 });
const unitArbitrary = fc.double({ min: 0, max: 1, noNaN: true });

describe('createDiscreteSchedule', () => {
  it('composes one-step transitions x_t = lambda_t x_{t-1} + sqrt(1 - lambda_t^2) eps into the closed form q(x_t | x0)', () => {
    fc.assert(
      fc.property(betasArbitrary, (betas) => {
        const schedule = createDiscreteSchedule({ betas });
        // Mean coefficient m_t = lambda_t m_{t-1}; variance v_t = lambda_t^2 v_{t-1} + sigma_step^2.
        let mean = 1;
        let variance = 0;
        betas.forEach((beta, index) => {
          const lambda = Math.sqrt(1 - beta);
          const stepVariance = beta; // sigma_step^2 = 1 - lambda_t^2, exactly beta_t
          mean *= lambda;
          variance = lambda * lambda * variance + stepVariance;
          const t = (index + 1) / betas.length;
          expect(schedule.lambdas[index]).toBeCloseTo(lambda, 15);
          expect(Math.abs(schedule.alpha(t) - mean) / mean).toBeLessThan(1e-12);
          expect(Math.abs(schedule.sigma(t) ** 2 - variance) / variance).toBeLessThan(1e-12);
          expect(Math.abs(schedule.alphasCumprod[index]! - mean * mean) / (mean * mean)).toBeLessThan(1e-12);
          expect(Math.abs(schedule.oneMinusAlphasCumprod[index]! - variance) / variance).toBeLessThan(1e-12);
        });
      }),
    );
  });

  it('preserves variance and has a falling log-SNR in its continuous view', () => {
    fc.assert(
      fc.property(betasArbitrary, unitArbitrary, unitArbitrary, (betas, first, second) => {
        const schedule = createDiscreteSchedule({ betas });
        for (const t of [first, second]) expect(schedule.alpha(t) ** 2 + schedule.sigma(t) ** 2).toBeCloseTo(1, 14);
        const [early, late] = first < second ? [first, second] : [second, first];
        if (late - early > 1e-9) expect(schedule.logSnr(early)).toBeGreaterThan(schedule.logSnr(late));
      }),
    );
  });

  it('starts at clean data and interpolates the VE sigma linearly between steps, as Euler does', () => {
    fc.assert(
      fc.property(betasArbitrary, unitArbitrary, (betas, t) => {
        const schedule = createDiscreteSchedule({ betas });
        const total = betas.length;
        const step = t * total;
        const veSigma = schedule.sigma(t) / schedule.alpha(t);
        if (step >= 1) expect(Math.abs(veSigma - schedule.sigmaAtTimestep(step - 1)) / veSigma).toBeLessThan(1e-13);
        else expect(veSigma).toBeCloseTo(step * schedule.veSigmas[0]!, 15);
      }),
    );
    const schedule = createLinearSchedule();
    expect(schedule.alpha(0)).toBe(1);
    expect(schedule.sigma(0)).toBe(0);
    expect(schedule.logSnr(0)).toBe(Infinity);
    expect(schedule.alpha(1)).toBeCloseTo(Math.sqrt(schedule.alphasCumprod[999]!), 15);
  });

  it('inverts logSnr with tOfLogSnr', () => {
    fc.assert(
      fc.property(betasArbitrary, unitArbitrary, (betas, t) => {
        const schedule = createDiscreteSchedule({ betas });
        const logSnr = schedule.logSnr(t);
        const back = schedule.tOfLogSnr(logSnr);
        // The inverse is only as well conditioned as the step: on a segment where a tiny beta barely moves the
        // log-SNR, one rounding of logSnr moves t by eps / (d logSnr / dt). So the residual in log-SNR is held to
        // round-off, and t itself to round-off divided by the segment's relative change of log-SNR.
        // (Below the normal doubles, t itself has no relative precision left: t = 1.5e-323 comes back as 2e-323.)
        if (Number.isFinite(logSnr) && t > 1e-300) expect(Math.abs(schedule.logSnr(back) - logSnr)).toBeLessThan(1e-12 * Math.max(1, Math.abs(logSnr)));
        const step = Math.min(Math.floor(t * betas.length), betas.length - 1);
        const change = Math.abs(schedule.logSnr((step + 1) / betas.length) - schedule.logSnr(Math.max(step, 1e-3) / betas.length));
        const conditioning = Number.isFinite(change) && change > 0 ? Math.max(1, Math.abs(logSnr)) / change : 1;
        expect(Math.abs(back - t)).toBeLessThan(1e-12 * Math.max(1, conditioning));
      }),
    );
    // The counterexample fast-check found (a 1e-5 beta: its segment moves the log-SNR by 2e-5): round-off, not an error.
    const schedule = createDiscreteSchedule({ betas: [0.11682070456652016, 0.00001] });
    const t = 0.9647978562949444;
    expect(Math.abs(schedule.logSnr(schedule.tOfLogSnr(schedule.logSnr(t))) - schedule.logSnr(t))).toBeLessThan(1e-14);
    expect(Math.abs(schedule.tOfLogSnr(schedule.logSnr(t)) - t)).toBeLessThan(1e-8);
  });

  it('inverts sigmaAtTimestep with timestepOfSigma at integer timesteps and keeps fractional ones in their segment', () => {
    const schedule = createScaledLinearSchedule();
    for (let timestep = 0; timestep < 1000; timestep += 37) expect(schedule.timestepOfSigma(schedule.sigmaAtTimestep(timestep))).toBeCloseTo(timestep, 9);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 999, noNaN: true }), (timestep) => {
        const back = schedule.timestepOfSigma(schedule.sigmaAtTimestep(timestep));
        // Linear in sigma one way, linear in log-sigma back (k-diffusion): same segment, close value.
        expect(Math.abs(back - timestep)).toBeLessThan(0.26);
      }),
    );
    expect(schedule.timestepOfSigma(0)).toBe(0);
    expect(schedule.timestepOfSigma(1e6)).toBe(999);
  });

  it('accepts per-step signal factors lambda_t', () => {
    fc.assert(
      fc.property(betasArbitrary, (betas) => {
        const fromBetas = createDiscreteSchedule({ betas });
        const fromLambdas = createDiscreteSchedule({ lambdas: betas.map((beta) => Math.sqrt(1 - beta)) });
        fromBetas.alphasCumprod.forEach((value, index) => expect(Math.abs(fromLambdas.alphasCumprod[index]! - value) / value).toBeLessThan(1e-13));
        expect(fromLambdas.options).toEqual({ lambdas: Array.from(fromLambdas.lambdas) });
      }),
    );
  });

  it('keeps JSON-serialisable options', () => {
    const schedule = createDiscreteSchedule({ betas: new Float64Array([0.1, 0.2]) }, 'mine');
    expect(JSON.parse(JSON.stringify(schedule.options))).toEqual({ betas: [0.1, 0.2], rescaleBetasZeroSnr: false });
    expect(schedule.name).toBe('mine');
    expect(schedule.specificationVersion).toBe('v1');
    expect(JSON.parse(JSON.stringify(createLinearSchedule().options))).toEqual({ numTrainTimesteps: 1000, betaStart: 1e-4, betaEnd: 0.02, rescaleBetasZeroSnr: false });
  });

  it('handles zero terminal SNR: alpha falls linearly to 0 on the last step', () => {
    const schedule = createLinearSchedule({ numTrainTimesteps: 100, rescaleBetasZeroSnr: true });
    expect(schedule.betas[99]).toBe(1);
    expect(schedule.alphasCumprod[99]).toBe(0);
    expect(schedule.alpha(1)).toBe(0);
    expect(schedule.sigma(1)).toBe(1);
    expect(schedule.logSnr(1)).toBe(-Infinity);
    expect(schedule.tOfLogSnr(-Infinity)).toBe(1);
    expect(schedule.sigmaAtTimestep(99)).toBe(Infinity);
    const lastStart = Math.sqrt(schedule.alphasCumprod[98]!);
    expect(schedule.alpha(0.995)).toBeCloseTo(lastStart / 2, 14);
    fc.assert(
      fc.property(fc.double({ min: 0.98, max: 1, noNaN: true }), (t) => {
        expect(schedule.alpha(t) ** 2 + schedule.sigma(t) ** 2).toBeCloseTo(1, 14);
        if (t < 1) expect(Math.abs(schedule.tOfLogSnr(schedule.logSnr(t)) - t)).toBeLessThan(1e-12);
      }),
    );
  });

  it('rejects a non-integer or non-positive number of steps', () => {
    expectDiffusionError(() => createLinearSchedule({ numTrainTimesteps: 10.5 }), ['createLinearSchedule.numTrainTimesteps', '10.5', 'a positive integer']);
    expectDiffusionError(() => createLinearSchedule({ numTrainTimesteps: 0 }), ['createLinearSchedule.numTrainTimesteps', 'got 0', 'a positive integer']);
    expectDiffusionError(() => createScaledLinearSchedule({ numTrainTimesteps: -3 }), ['createScaledLinearSchedule.numTrainTimesteps', '-3', 'a positive integer']);
  });

  it('rejects betas outside (0, 1), NaN and Infinity', () => {
    expectDiffusionError(() => createDiscreteSchedule({ betas: [0.1, 1.5] }), ['createDiscreteSchedule.betas[1]', '1.5', 'a number in (0, 1)']);
    expectDiffusionError(() => createDiscreteSchedule({ betas: [0, 0.1] }), ['createDiscreteSchedule.betas[0]', 'got 0', 'a number in (0, 1)']);
    expectDiffusionError(() => createDiscreteSchedule({ betas: [0.1, 1, 0.2] }), ['createDiscreteSchedule.betas[1]', 'got 1', 'the last may be exactly 1']);
    expectDiffusionError(() => createDiscreteSchedule({ betas: [0.1, Number.NaN] }), ['createDiscreteSchedule.betas[1]', 'NaN', 'a finite number']);
    expectDiffusionError(() => createDiscreteSchedule({ betas: [Infinity] }), ['createDiscreteSchedule.betas[0]', 'Infinity', 'a finite number']);
    expectDiffusionError(() => createDiscreteSchedule({ lambdas: [0.5, 1] }), ['createDiscreteSchedule.lambdas[1]', 'got 1', 'a number in (0, 1)']);
    expectDiffusionError(() => createLinearSchedule({ betaStart: Number.NaN }), ['createLinearSchedule.betaStart', 'NaN', 'a number in (0, 1)']);
    expectDiffusionError(() => createLinearSchedule({ betaEnd: Infinity }), ['createLinearSchedule.betaEnd', 'Infinity', 'a number in (0, 1)']);
    expectDiffusionError(() => createLinearSchedule({ betaEnd: 1 }), ['createLinearSchedule.betaEnd', 'got 1', 'a number in (0, 1)']);
  });

  it('rejects unknown options, times outside [0, 1] and timesteps outside [0, T - 1]', () => {
    expectDiffusionError(() => createLinearSchedule({ beta_start: 0.1 } as never), ['createLinearSchedule.options.beta_start', 'known options are']);
    const schedule = createLinearSchedule({ numTrainTimesteps: 10 });
    expectDiffusionError(() => schedule.alpha(1.5), ['linear.t', '1.5', 'a number in [0, 1]']);
    expectDiffusionError(() => schedule.logSnr(Number.NaN), ['linear.t', 'NaN', 'a number in [0, 1]']);
    expectDiffusionError(() => schedule.tOfLogSnr(Number.NaN), ['linear.tOfLogSnr.logSnr', 'NaN']);
    expectDiffusionError(() => schedule.sigmaAtTimestep(9.5), ['linear.sigmaAtTimestep.timestep', '9.5', 'a number in [0, 9]']);
    expectDiffusionError(() => schedule.timestepOfSigma(-1), ['linear.timestepOfSigma.sigma', '-1', 'a number >= 0']);
  });
});
