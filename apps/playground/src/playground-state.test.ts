import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canDispatch, initialPlaygroundState, liveResampling, modelSettingsEditable, reducePlayground, samplerSettingsEditable, type PlaygroundAction, type PlaygroundState } from './playground-state';

const run = (actions: PlaygroundAction[], from: PlaygroundState = initialPlaygroundState): PlaygroundState => actions.reduce(reducePlayground, from);
const progress = (completedSteps: number, latestLoss = 1): PlaygroundAction => ({ type: 'progress', completedSteps, latestLoss, stepsPerSecond: 100 });

describe('the playground state machine', () => {
  it('goes idle → training → paused → training → paused by reaching the target', () => {
    let state = run([{ type: 'start', targetSteps: 100 }]);
    expect(state.phase).toBe('training');
    state = run([progress(40), { type: 'pause' }], state);
    expect(state).toMatchObject({ phase: 'paused', completedSteps: 40 });
    state = run([{ type: 'start', targetSteps: 100 }, progress(100, 0.5)], state);
    expect(state).toMatchObject({ phase: 'paused', completedSteps: 100, latestLoss: 0.5, message: 'reached 100 steps' });
  });

  it('samples from paused and from training, and returns to paused', () => {
    const paused = run([{ type: 'start', targetSteps: 10 }, progress(10)]);
    expect(run([{ type: 'sample' }], paused).phase).toBe('sampling');
    expect(run([{ type: 'sample' }, { type: 'sampled' }], paused)).toMatchObject({ phase: 'paused', samplingRuns: 1 });
    const training = run([{ type: 'start', targetSteps: 10 }, progress(3)]);
    expect(run([{ type: 'sample' }], training).phase).toBe('sampling');
  });

  it('refuses to sample before any step and ignores actions that do not apply', () => {
    expect(canDispatch(initialPlaygroundState, 'sample')).toBe(false);
    expect(reducePlayground(initialPlaygroundState, { type: 'sample' })).toBe(initialPlaygroundState);
    expect(reducePlayground(initialPlaygroundState, { type: 'pause' })).toBe(initialPlaygroundState);
    expect(reducePlayground(initialPlaygroundState, progress(5))).toBe(initialPlaygroundState);
    const training = run([{ type: 'start', targetSteps: 10 }]);
    expect(reducePlayground(training, { type: 'start', targetSteps: 10 })).toBe(training);
    expect(canDispatch(training, 'sample')).toBe(false);
    const sampling = run([{ type: 'start', targetSteps: 10 }, progress(10), { type: 'sample' }]);
    expect(reducePlayground(sampling, { type: 'start', targetSteps: 20 })).toBe(sampling);
  });

  it('explains a start with zero, negative, NaN or already reached steps instead of starting', () => {
    for (const targetSteps of [0, -5, Number.NaN, 2.5]) {
      const state = reducePlayground(initialPlaygroundState, { type: 'start', targetSteps });
      expect(state.phase).toBe('idle');
      expect(state.error).toMatch(/at least 1/);
    }
    const paused = run([{ type: 'start', targetSteps: 10 }, progress(10)]);
    const refused = reducePlayground(paused, { type: 'start', targetSteps: 10 });
    expect(refused.phase).toBe('paused');
    expect(refused.error).toMatch(/already has 10 steps/);
  });

  it('keeps a model through a failure once it has steps, and drops to idle before that', () => {
    const failedEarly = run([{ type: 'start', targetSteps: 10 }, { type: 'failed', message: 'bad combination' }]);
    expect(failedEarly).toMatchObject({ phase: 'idle', error: 'bad combination' });
    const failedLate = run([{ type: 'start', targetSteps: 10 }, progress(4), { type: 'failed', message: 'NaN loss' }]);
    expect(failedLate).toMatchObject({ phase: 'paused', completedSteps: 4, error: 'NaN loss' });
  });

  it('locks the model settings once training starts and the sampler settings while sampling', () => {
    expect(modelSettingsEditable(initialPlaygroundState)).toBe(true);
    const paused = run([{ type: 'start', targetSteps: 10 }, progress(10)]);
    expect(modelSettingsEditable(paused)).toBe(false);
    expect(samplerSettingsEditable(paused)).toBe(true);
    expect(samplerSettingsEditable(run([{ type: 'sample' }], paused))).toBe(false);
  });

  const action: fc.Arbitrary<PlaygroundAction> = fc.oneof(
    fc.record({ type: fc.constant('start' as const), targetSteps: fc.oneof(fc.integer({ min: -3, max: 50 }), fc.constant(Number.NaN)) }),
    fc.constant({ type: 'pause' as const }),
    fc.record({ type: fc.constant('progress' as const), completedSteps: fc.integer({ min: 0, max: 50 }), latestLoss: fc.double({ min: 0, max: 10, noNaN: true }), stepsPerSecond: fc.double({ min: 0, max: 1000, noNaN: true }) }),
    fc.constant({ type: 'sample' as const }),
    fc.constant({ type: 'sampled' as const }),
    fc.record({ type: fc.constant('failed' as const), message: fc.string() }),
    fc.constant({ type: 'reset' as const }),
  );

  it('holds its invariants under any sequence of actions (property)', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 40 }), (actions) => {
        let state = initialPlaygroundState;
        for (const next of actions) {
          const before = state;
          state = reducePlayground(state, next);
          if (!canDispatch(before, next.type)) expect(state).toBe(before);
          if (next.type === 'reset') expect(state).toEqual(initialPlaygroundState);
          // Sampling only ever starts from a model with steps, and training always has a target above its steps.
          if (state.phase === 'sampling' && before.phase !== 'sampling') expect(before.completedSteps > 0 || before.phase === 'paused').toBe(true);
          if (state.phase === 'training' && before.phase !== 'training') expect(state.targetSteps).toBeGreaterThan(state.completedSteps);
          expect(['idle', 'training', 'paused', 'sampling']).toContain(state.phase);
        }
      }),
    );
  });

  it('re-samples live on a paused model, queues during a run, and waits while training or without a model', () => {
    expect(liveResampling(initialPlaygroundState)).toBe('none');
    const training = run([{ type: 'start', targetSteps: 10 }, progress(3)]);
    expect(liveResampling(training)).toBe('none');
    const paused = run([progress(10)], training);
    expect(liveResampling(paused)).toBe('now');
    const sampling = run([{ type: 'sample' }], paused);
    expect(liveResampling(sampling)).toBe('queue');
    expect(liveResampling(run([{ type: 'sampled' }], sampling))).toBe('now');
    expect(liveResampling(run([{ type: 'reset' }], sampling))).toBe('none');
  });
});
