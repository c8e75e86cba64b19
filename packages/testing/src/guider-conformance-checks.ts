import { memory, ones, type Tensor } from '@tensorflow/tfjs-core';
import { DiffusionError, type GuidanceDenoisers, type Guider } from '@diffusion/core';
import type { ResolvedGuiderConformanceOptions } from './guider-conformance-options';
import { nonJsonPart } from './json-values';
import { countedGuidanceDenoisers, guiderTestInput, guiderTestShape } from './guider-test-denoisers';

// The checks of describeGuiderConformance, each a plain function that throws on failure, so the
// suite's own tests can run them against deliberately broken guiders.

/** Builds a guider from factory options. */
export type GuiderFactoryUnderTest<FactoryOptions> = (options: FactoryOptions) => Guider;

function fail(message: string): never {
  throw new Error(`guider conformance: ${message}`);
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) fail(message);
}

/** Reads a tensor and disposes it. */
function take(tensor: Tensor): Float32Array {
  const values = Float32Array.from(tensor.dataSync());
  tensor.dispose();
  return values;
}

/** Runs the guided denoiser of `guider` over the sigmas (one fresh input per sigma), returning every output. */
function evaluateAll(guider: Guider, denoisers: GuidanceDenoisers, sigmas: readonly number[]): Float32Array[] {
  const guided = guider.guide(denoisers);
  try {
    return sigmas.map((sigma, index) => {
      const x = guiderTestInput(sigma, 100 + index);
      try {
        return take(guided(x, sigma));
      } finally {
        x.dispose();
      }
    });
  } finally {
    guided.dispose();
  }
}

/** The reference predictions `D_c` or `D_u` at each sigma, from the suite's own denoisers. */
function reference(which: 'conditional' | 'unconditional', sigmas: readonly number[]): Float32Array[] {
  const { denoisers, dispose } = countedGuidanceDenoisers({ paired: false });
  const values = sigmas.map((sigma, index) => {
    const x = guiderTestInput(sigma, 100 + index);
    const out = take(denoisers[which](x, sigma));
    x.dispose();
    return out;
  });
  dispose();
  return values;
}

/** The contract: kebab-case name, version v1, JSON options, 1 or 2 evaluations at every sigma. */
export function checkGuiderContract(guider: Guider, settings: ResolvedGuiderConformanceOptions): void {
  assert(typeof guider.name === 'string' && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(guider.name), `name ${JSON.stringify(guider.name)} is not kebab-case`);
  assert(guider.specificationVersion === 'v1', `specificationVersion is ${JSON.stringify(guider.specificationVersion)}, not 'v1'`);
  assert(typeof guider.guide === 'function' && typeof guider.evaluations === 'function', 'guide and evaluations must be functions');
  const offending = nonJsonPart(guider.options);
  assert(offending === undefined, `${offending} of ${JSON.stringify(guider.options)} does not survive JSON (undefined, Infinity, NaN, a function or a class instance?)`);
  for (const sigma of settings.sigmas) {
    const evaluations = guider.evaluations(sigma);
    assert(evaluations === 1 || evaluations === 2, `evaluations(${sigma}) is ${evaluations}; a guider costs 2 network evaluations (D_c and D_u), or 1 (D_c alone)`);
  }
  assert(settings.sigmas.some((sigma) => guider.evaluations(sigma) === 2), 'the guider guides at none of the sigmas checked (pass sigmas where it does)');
}

/** The conditional options give `D_c` bit for bit, with and without a paired denoiser. */
export function checkConditionalIdentity(guider: Guider, settings: ResolvedGuiderConformanceOptions): void {
  const expected = reference('conditional', settings.sigmas);
  for (const paired of [false, true]) {
    const { denoisers, dispose } = countedGuidanceDenoisers({ paired });
    const outputs = evaluateAll(guider, denoisers, settings.sigmas);
    dispose();
    outputs.forEach((output, index) => {
      const sigma = settings.sigmas[index]!;
      output.forEach((value, entry) => {
        if (!Object.is(value, expected[index]![entry])) fail(`with ${JSON.stringify(guider.options)} (paired: ${paired}) at sigma ${sigma} entry ${entry} is ${value}, not D_c = ${expected[index]![entry]} exactly`);
      });
    });
  }
}

/** The unconditional options give `D_u` (within the tolerance) where the guider guides, and `D_c` where it does not. */
export function checkUnconditional(guider: Guider, settings: ResolvedGuiderConformanceOptions): void {
  const expectedUnconditional = reference('unconditional', settings.sigmas);
  const expectedConditional = reference('conditional', settings.sigmas);
  for (const paired of [false, true]) {
    const { denoisers, dispose } = countedGuidanceDenoisers({ paired });
    const outputs = evaluateAll(guider, denoisers, settings.sigmas);
    dispose();
    outputs.forEach((output, index) => {
      const sigma = settings.sigmas[index]!;
      const guides = guider.evaluations(sigma) === 2;
      const expected = guides ? expectedUnconditional[index]! : expectedConditional[index]!;
      const scale = Math.max(1, ...Array.from(expected, Math.abs));
      const tolerance = guides ? settings.unconditionalTolerance : 0;
      output.forEach((value, entry) => {
        const error = Math.abs(value - expected[entry]!) / scale;
        if (!(error <= tolerance)) fail(`with ${JSON.stringify(guider.options)} (paired: ${paired}) at sigma ${sigma} entry ${entry} is ${value}, not ${guides ? 'D_u' : 'D_c (the guider does not guide there)'} = ${expected[entry]} (relative error ${error} > ${tolerance})`);
      });
    });
  }
}

/** Exactly `evaluations(sigma)` network evaluations per call: D_c and D_u once each, or one paired call, or D_c alone. */
export function checkGuiderCalls(guider: Guider, settings: ResolvedGuiderConformanceOptions): void {
  for (const paired of [false, true]) {
    const { denoisers, calls, dispose } = countedGuidanceDenoisers({ paired });
    const guided = guider.guide(denoisers);
    settings.sigmas.forEach((sigma, index) => {
      const before = { ...calls };
      const x = guiderTestInput(sigma, 100 + index);
      guided(x, sigma).dispose();
      x.dispose();
      const made = { conditional: calls.conditional - before.conditional, unconditional: calls.unconditional - before.unconditional, paired: calls.paired - before.paired };
      const expected = guider.evaluations(sigma) === 1 ? { conditional: 1, unconditional: 0, paired: 0 } : paired ? { conditional: 0, unconditional: 0, paired: 1 } : { conditional: 1, unconditional: 1, paired: 0 };
      const text = (counts: typeof made) => `conditional ${counts.conditional}, unconditional ${counts.unconditional}, paired ${counts.paired}`;
      assert(made.conditional === expected.conditional && made.unconditional === expected.unconditional && made.paired === expected.paired, `at sigma ${sigma} (evaluations ${guider.evaluations(sigma)}, paired given: ${paired}) the guider made calls ${text(made)}; expected ${text(expected)}`);
    });
    guided.dispose();
    dispose();
  }
}

/** `tf.memory().numTensors` stays flat across calls and returns to its start after `dispose()`. */
export function checkGuiderMemory(guider: Guider, settings: ResolvedGuiderConformanceOptions): void {
  for (const paired of [false, true]) {
    const { denoisers, dispose } = countedGuidanceDenoisers({ paired });
    const start = memory().numTensors;
    const guided = guider.guide(denoisers);
    let afterFirst: number | undefined;
    settings.sigmas.forEach((sigma, index) => {
      const x = guiderTestInput(sigma, 100 + index);
      guided(x, sigma).dispose();
      x.dispose();
      const now = memory().numTensors;
      afterFirst ??= now;
      assert(now === afterFirst, `tensor count grew from ${afterFirst} to ${now} by call ${index + 1} (sigma ${sigma}, paired: ${paired})`);
    });
    guided.dispose();
    assert(memory().numTensors === start, `dispose() left ${memory().numTensors - start} tensors (paired: ${paired})`);
    dispose();
  }
}

/** Same inputs, same outputs: two guided denoisers of one guider agree bit for bit (state is per run). */
export function checkGuiderDeterminism(guider: Guider, settings: ResolvedGuiderConformanceOptions): void {
  const run = () => {
    const { denoisers, dispose } = countedGuidanceDenoisers({ paired: false });
    const outputs = evaluateAll(guider, denoisers, settings.sigmas);
    dispose();
    return outputs;
  };
  const [first, second] = [run(), run()];
  first.forEach((output, index) => output.forEach((value, entry) => assert(Object.is(value, second[index]![entry]), `two runs differ at sigma ${settings.sigmas[index]} entry ${entry}: ${value} vs ${second[index]![entry]}`)));
  // Paired and separate calls compute the same predictions, so they must guide alike.
  const { denoisers, dispose } = countedGuidanceDenoisers({ paired: true });
  const paired = evaluateAll(guider, denoisers, settings.sigmas);
  dispose();
  first.forEach((output, index) => output.forEach((value, entry) => assert(Object.is(value, paired[index]![entry]), `paired and separate calls differ at sigma ${settings.sigmas[index]} entry ${entry}: ${paired[index]![entry]} vs ${value}`)));
}

/** The factory rebuilds an identical guider from `JSON.parse(JSON.stringify(guider.options))`. */
export function checkGuiderRoundTrip<FactoryOptions>(guider: Guider, create: GuiderFactoryUnderTest<FactoryOptions>, settings: ResolvedGuiderConformanceOptions): void {
  const rebuilt = create(JSON.parse(JSON.stringify(guider.options)) as FactoryOptions);
  assert(rebuilt.name === guider.name, `rebuilt guider is named ${rebuilt.name}, not ${guider.name}`);
  assert(JSON.stringify(rebuilt.options) === JSON.stringify(guider.options), `rebuilt options ${JSON.stringify(rebuilt.options)} differ from ${JSON.stringify(guider.options)}`);
  const run = (subject: Guider) => {
    const { denoisers, dispose } = countedGuidanceDenoisers({ paired: false });
    const outputs = evaluateAll(subject, denoisers, settings.sigmas);
    dispose();
    return outputs;
  };
  const [original, copy] = [run(guider), run(rebuilt)];
  original.forEach((output, index) => output.forEach((value, entry) => assert(Object.is(value, copy[index]![entry]), `rebuilt guider differs at sigma ${settings.sigmas[index]} entry ${entry}`)));
  for (const sigma of settings.sigmas) assert(rebuilt.evaluations(sigma) === guider.evaluations(sigma), `rebuilt guider's evaluations(${sigma}) differ`);
}

/** Expects a DiffusionError whose field contains `field` (and not `unlike`). */
function expectDiffusionError(run: () => unknown, field: string, what: string, unlike?: string): void {
  try {
    run();
  } catch (error) {
    assert(error instanceof DiffusionError, `${what} threw ${String(error)}, not a DiffusionError`);
    const named = typeof error.field === 'string' && error.field.includes(field) && (unlike === undefined || !error.field.includes(unlike));
    assert(named, `${what} threw a DiffusionError for field ${JSON.stringify(error.field)}, not one naming ${JSON.stringify(field)}`);
    return;
  }
  fail(`${what} did not throw`);
}

/** Bad options, and denoisers whose predictions differ in shape from x or from each other, give DiffusionErrors naming the field. */
export function checkGuiderRejections<FactoryOptions>(guider: Guider, create: GuiderFactoryUnderTest<FactoryOptions>, settings: ResolvedGuiderConformanceOptions): void {
  for (const rejection of settings.rejections) expectDiffusionError(() => create(rejection.options as FactoryOptions), rejection.field, `the factory with ${JSON.stringify(rejection.options)}`);
  const sigma = settings.sigmas.find((value) => guider.evaluations(value) === 2)!;
  const { denoisers, dispose } = countedGuidanceDenoisers({ paired: false });
  const [batch, ...sample] = guiderTestShape;
  const wrongShape = (which: 'conditional' | 'unconditional'): GuidanceDenoisers => ({
    ...denoisers,
    [which]: () => ones([batch, ...sample.slice(0, -1), sample[sample.length - 1]! + 1]),
  });
  for (const which of ['conditional', 'unconditional'] as const) {
    const guided = guider.guide(wrongShape(which));
    const x = guiderTestInput(sigma, 1);
    try {
      expectDiffusionError(() => guided(x, sigma).dispose(), which, `a guided denoiser whose ${which} prediction has another shape`, which === 'conditional' ? 'unconditional' : undefined);
    } finally {
      x.dispose();
      guided.dispose();
    }
  }
  dispose();
}
