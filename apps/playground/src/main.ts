// The page: wires the form, the canvases and the training loop to the plain-TS modules beside it.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from './playground-backend';
import { browserBackends } from './playground-browser-backends';
import { datasetByName, datasetNames, type PlaygroundDataset } from './playground-datasets';
import { sampleModel } from './playground-guided-sampling';
import { allClasses, guiderNames } from './playground-guidance';
import { createCoalescingRunner } from './playground-live';
import { createForwardView, type ForwardView } from './playground-forward-view';
import { createLossHistory } from './playground-loss-history';
import { createPlaygroundModel, trainChunk, trainingDataStream, type PlaygroundModel } from './playground-model';
import { drawLines, drawScatter, formatNumber } from './playground-plot';
import { buildPlaygroundRegistry, naturalWeighting, type PlaygroundRegistry } from './playground-registry';
import { samplingLadder, type TrajectoryFrame } from './playground-sampling';
import { checkSettings, settingFields, type SettingField, type Settings, type SettingsInput } from './playground-settings';
import { canDispatch, initialPlaygroundState, liveResampling, modelSettingsEditable, reducePlayground, samplerSettingsEditable, type PlaygroundAction } from './playground-state';

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`playground: #${id} is missing from the page`);
  return element as T;
};
const form = byId<HTMLFormElement>('settings');
const field = (name: string): HTMLInputElement | HTMLSelectElement => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
const body = document.body;
const errorLine = byId<HTMLParagraphElement>('error');

/** Training is done in chunks of about this many milliseconds, then the page yields a frame. */
const chunkBudgetMs = 25;
/** Points drawn for the data view and its fixed noise. */
const viewPointCount = 1000;
/** Losses averaged for the "first" and "recent" read-outs. */
const lossWindow = 50;

let state = initialPlaygroundState;
let backendReady = false;
let playgroundRegistry: PlaygroundRegistry = buildPlaygroundRegistry();
let model: PlaygroundModel | undefined;
let modelSettings: Settings | undefined;
let dataStream = trainingDataStream(0);
let loopToken = 0;
let frames: readonly TrajectoryFrame[] = [];
/** The picked class's component mean, drawn over the final samples (mixtures with one class picked). */
let classMarker: Float64Array = new Float64Array(0);
/** The dataset the pickers show: the model's once there is one, else the selected one. */
let selectedDataset: PlaygroundDataset = datasetByName(datasetNames[0]!);
let animationToken = 0;
const history = createLossHistory();
const throughput: Array<{ time: number; steps: number }> = [];

function showError(message: string | undefined): void {
  errorLine.textContent = message ?? '';
}

function dispatch(action: PlaygroundAction): void {
  state = reducePlayground(state, action);
  render();
}

function fillSelect(select: HTMLSelectElement, names: readonly string[], labels: Record<string, string> = {}): void {
  const previous = select.value;
  select.replaceChildren(...names.map((name) => new Option(labels[name] ?? name, name)));
  if (names.includes(previous)) select.value = previous;
}

function readInput(): SettingsInput {
  return Object.fromEntries(settingFields.map((name) => [name, field(name).value])) as SettingsInput;
}

/** Runs the settings check, writes every message next to its input, and returns the result. */
function validate() {
  const check = checkSettings(readInput(), { registry: playgroundRegistry.registry, datasets: datasetNames, numClasses: classCount() });
  const errors: Partial<Record<SettingField, string>> = check.ok ? {} : check.errors;
  for (const element of form.querySelectorAll<HTMLElement>('[data-error-for]')) element.textContent = errors[element.dataset.errorFor as SettingField] ?? '';
  for (const element of form.querySelectorAll<HTMLElement>('[data-note-for]')) element.textContent = check.notes[element.dataset.noteFor as SettingField] ?? '';
  for (const name of settingFields) field(name).setAttribute('aria-invalid', String(errors[name] !== undefined));
  return check;
}

const modelFields: readonly SettingField[] = ['dataset', 'schedule', 'parameterisation', 'weighting', 'timeDensity', 'hiddenWidths', 'batchSize', 'learningRate', 'seed'];
const samplerFields: readonly SettingField[] = ['sampler', 'nfe', 'sampleCount'];
/** Changes of these re-sample live (the guided denoiser is rebuilt; the sampler and its noise stay). */
const guidanceFields: readonly SettingField[] = ['classChoice', 'guider', 'guidanceScale'];

/** K of the model on show (or of the selected dataset before training); undefined for unlabelled data. */
function classCount(): number | undefined {
  return model !== undefined ? model.numClasses : selectedDataset.dataset.sampleLabelled === undefined ? undefined : selectedDataset.dataset.numClasses;
}

/** The class picker: "all classes", then each class by name (a mixture's with its mean). */
function fillClassPicker(): void {
  const { dataset, mixture } = selectedDataset;
  const names = dataset.sampleLabelled === undefined ? [] : (dataset.classNames ?? []);
  const label = (name: string, index: number) => {
    const mean = mixture?.means[index];
    return mean === undefined ? name : `${name} (${Array.from(mean, (value) => formatNumber(value, 3)).join(', ')})`;
  };
  fillSelect(field('classChoice') as HTMLSelectElement, [allClasses, ...names.map((_, index) => String(index))], {
    [allClasses]: names.length === 0 ? 'all (this dataset has no classes)' : "all classes (the data's proportions)",
    ...Object.fromEntries(names.map((name, index) => [String(index), label(name, index)])),
  });
}

function render(): void {
  const check = validate();
  const errors: Partial<Record<SettingField, string>> = check.ok ? {} : check.errors;
  const blocked = (fields: readonly SettingField[]) => fields.some((name) => errors[name] !== undefined);
  for (const name of modelFields) field(name).disabled = !modelSettingsEditable(state);
  field('trainSteps').disabled = state.phase === 'training' || state.phase === 'sampling';
  for (const name of [...samplerFields, 'ema']) field(name).disabled = !samplerSettingsEditable(state);
  const conditional = classCount() !== undefined;
  for (const name of guidanceFields) field(name).disabled = !conditional;
  byId('guidance-scale-readout').textContent = `w = ${field('guidanceScale').value}`;
  byId('guidance-status').textContent = !conditional
    ? 'This dataset has no classes: the model is unconditional.'
    : model === undefined
      ? 'The model will train class-conditionally (labels dropped to the null class with probability 0.1, for classifier-free guidance).'
      : liveResampling(state) === 'none' && state.phase === 'training'
        ? 'Changes here apply to the next Sample (training is running).'
        : state.samplingRuns > 0 ? 'Changes here re-sample live, from the same noise.' : 'Press Sample; then changes here re-sample live.';
  byId<HTMLButtonElement>('start').disabled = !backendReady || !canDispatch(state, 'start') || blocked([...modelFields, 'trainSteps']);
  byId<HTMLButtonElement>('start').textContent = state.phase === 'paused' ? 'Resume' : 'Start';
  byId<HTMLButtonElement>('pause').disabled = !canDispatch(state, 'pause');
  byId<HTMLButtonElement>('sample').disabled = !backendReady || !canDispatch(state, 'sample') || blocked([...samplerFields, ...guidanceFields]);
  showError(state.error);
  body.dataset.phase = state.phase;
  body.dataset.steps = String(state.completedSteps);
  body.dataset.stepsPerSecond = state.stepsPerSecond.toFixed(1);
  body.dataset.lossFirst = String(history.firstMean(lossWindow));
  body.dataset.lossRecent = String(history.recentMean(lossWindow));
  body.dataset.samplingRuns = String(state.samplingRuns);
  const status = state.completedSteps === 0 && state.phase === 'idle'
    ? 'No model yet: pick the settings and press Start.'
    : `${state.phase} · step ${state.completedSteps} of ${state.targetSteps} · ${state.stepsPerSecond.toFixed(1)} steps/s\n` +
      `loss: latest ${formatNumber(state.latestLoss)} · mean of the first ${lossWindow} ${formatNumber(history.firstMean(lossWindow))} · of the last ${lossWindow} ${formatNumber(history.recentMean(lossWindow))}` +
      (state.message ? `\n${state.message}` : '');
  byId('training-status').textContent = status;
  drawLossChart();
}

function drawLossChart(): void {
  const curve = history.curve(400);
  drawLines(byId<HTMLCanvasElement>('loss-chart'), [{ label: 'loss (bucket mean)', color: '#1f77b4', x: curve.map(([step]) => step), y: curve.map(([, loss]) => loss) }], {
    logY: true,
    xExtent: [0, Math.max(1, state.targetSteps, history.length)],
    title: 'training loss (log scale) against step',
  });
}

// ---- Forward-process view ---------------------------------------------------------------

let forwardView: ForwardView | undefined;

function drawForwardProcess(): void {
  forwardView ??= createForwardView(
    { points: byId('data-canvas'), alphaSigma: byId('alpha-sigma-chart'), logSnr: byId('log-snr-chart'), readout: byId('time-readout') },
    field('dataset').value,
    viewPointCount,
  );
  forwardView.draw(playgroundRegistry.schedule, Number(byId<HTMLInputElement>('time').value));
}

// ---- Registry-driven pickers ----------------------------------------------------------------

function refreshRegistry(): void {
  playgroundRegistry = buildPlaygroundRegistry(field('schedule').value || undefined);
  const { registry, unavailable } = playgroundRegistry;
  fillSelect(field('schedule') as HTMLSelectElement, registry.schedules.names());
  fillSelect(field('parameterisation') as HTMLSelectElement, registry.parameterisations.names());
  fillSelect(field('weighting') as HTMLSelectElement, [naturalWeighting, ...registry.lossWeightings.names()], { [naturalWeighting]: "natural (the parameterisation's own MSE)" });
  fillSelect(field('timeDensity') as HTMLSelectElement, registry.timeDensities.names());
  fillSelect(field('sampler') as HTMLSelectElement, registry.samplers.names());
  byId('unavailable').replaceChildren(...unavailable.map((entry) => Object.assign(document.createElement('li'), { textContent: `${entry.name}: ${entry.reason}` })));
}

// ---- Training -----------------------------------------------------------------------------

function reportFailure(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.warn('playground:', error);
  dispatch({ type: 'failed', message });
}

async function trainLoop(): Promise<void> {
  const token = ++loopToken;
  throughput.length = 0;
  throughput.push({ time: performance.now(), steps: state.completedSteps });
  while (state.phase === 'training' && token === loopToken && model !== undefined) {
    let losses: number[];
    try {
      losses = trainChunk(model, dataStream, { budgetMs: chunkBudgetMs, maxSteps: state.targetSteps - state.completedSteps }).losses;
    } catch (error) {
      reportFailure(error);
      return;
    }
    for (const loss of losses) history.push(loss);
    const now = performance.now();
    throughput.push({ time: now, steps: model.trainer.completedSteps });
    while (throughput.length > 2 && now - throughput[0]!.time > 2000) throughput.shift();
    const first = throughput[0]!;
    const stepsPerSecond = now > first.time ? ((model.trainer.completedSteps - first.steps) * 1000) / (now - first.time) : 0;
    dispatch({ type: 'progress', completedSteps: model.trainer.completedSteps, latestLoss: losses[losses.length - 1] ?? Number.NaN, stepsPerSecond });
    await tf.nextFrame();
  }
}

function onStart(): void {
  const check = validate();
  if (!check.ok) return;
  if (state.phase === 'idle') {
    try {
      model?.dispose();
      model = createPlaygroundModel(check.settings, playgroundRegistry.registry, datasetByName(check.settings.dataset));
      selectedDataset = model.data;
      modelSettings = check.settings;
      dataStream = trainingDataStream(check.settings.seed);
      history.clear();
    } catch (error) {
      model = undefined;
      reportFailure(error);
      return;
    }
  }
  dispatch({ type: 'start', targetSteps: check.settings.trainSteps });
  if (state.phase === 'training') void trainLoop();
}

function onReset(): void {
  loopToken += 1;
  animationToken += 1;
  model?.dispose();
  model = undefined;
  modelSettings = undefined;
  history.clear();
  frames = [];
  const trajectory = byId<HTMLInputElement>('trajectory');
  trajectory.max = '0';
  trajectory.disabled = true;
  classMarker = new Float64Array(0);
  selectedDataset = datasetByName(field('dataset').value);
  drawScatter(byId<HTMLCanvasElement>('sample-canvas'), [], 3.5);
  byId('sampling-status').textContent = 'Train, then press Sample.';
  byId('trajectory-readout').textContent = '';
  for (const key of ['w1', 'w1Floor', 'sampledPoints', 'nearestFraction', 'sampledClass', 'sampledGuider', 'sampledScale', 'evaluations']) delete body.dataset[key];
  dispatch({ type: 'reset' });
}

// ---- Sampling -----------------------------------------------------------------------------

function drawFrame(index: number): void {
  const frame = frames[index];
  if (frame === undefined || forwardView === undefined) return;
  const reference = forwardView.data.x0;
  const marker = index === frames.length - 1 ? classMarker : new Float64Array(0);
  const drawn = drawScatter(
    byId<HTMLCanvasElement>('sample-canvas'),
    [
      { points: reference, color: 'rgba(150, 150, 150, 0.35)' },
      { points: frame.points, color: 'rgba(214, 39, 40, 0.8)' },
      { points: marker, color: '#000', size: 7 },
    ],
    3.5,
    `step ${index} of ${frames.length - 1}`,
  );
  body.dataset.sampledPoints = String(drawn - reference.length / 2 - marker.length / 2);
  byId<HTMLInputElement>('trajectory').value = String(index);
  byId('trajectory-readout').textContent = `sigma = ${formatNumber(frame.sigma, 4)} (points shown as x / sqrt(1 + sigma²); grey: the data${marker.length > 0 ? "; black: the picked class's component mean" : ''})`;
}

async function animate(): Promise<void> {
  const token = ++animationToken;
  const perFrame = Math.max(40, Math.min(400, 2000 / Math.max(1, frames.length)));
  for (let index = 0; index < frames.length; index += 1) {
    if (token !== animationToken) return;
    drawFrame(index);
    const until = performance.now() + perFrame;
    while (performance.now() < until) {
      await tf.nextFrame();
      if (token !== animationToken) return;
    }
  }
}

/**
 * One sampling run: from a Sample press (animated, noise to data) or a live change of class or
 * guidance (the final frame at once). Resolves once the run is drawn; the animation goes on by itself.
 */
async function onSample(animated: boolean): Promise<void> {
  const check = validate();
  const sampledModel = model;
  if (!check.ok || sampledModel === undefined || modelSettings === undefined) return;
  loopToken += 1;
  dispatch({ type: 'sample' });
  if (state.phase !== 'sampling') return;
  byId('sampling-status').textContent = 'sampling…';
  await tf.nextFrame();
  if (model !== sampledModel) return;
  try {
    const { settings } = check;
    const schedule = playgroundRegistry.registry.schedules.get(modelSettings.schedule);
    const sampler = playgroundRegistry.registry.samplers.get(settings.sampler);
    const sigmas = samplingLadder(schedule, settings.samplerSteps);
    const started = performance.now();
    const run = sampleModel(sampledModel, { sampler, sigmas, count: settings.sampleCount, seed: settings.seed, ema: (field('ema') as HTMLInputElement).checked, guidance: settings.guidance });
    const seconds = (performance.now() - started) / 1000;
    const { distance, guidance } = run;
    body.dataset.w1 = String(distance.value);
    body.dataset.w1Floor = String(distance.floor);
    body.dataset.evaluations = String(run.evaluations);
    for (const key of ['nearestFraction', 'sampledClass', 'sampledGuider', 'sampledScale']) delete body.dataset[key];
    if (guidance !== undefined) {
      body.dataset.sampledClass = String(guidance.classChoice);
      body.dataset.sampledGuider = guidance.guider;
      body.dataset.sampledScale = String(guidance.guidanceScale);
    }
    if (run.nearestFraction !== undefined) body.dataset.nearestFraction = String(run.nearestFraction);
    const picked = guidance === undefined || guidance.classChoice === allClasses ? undefined : guidance.classChoice;
    const mean = picked === undefined ? undefined : sampledModel.data.mixture?.means[picked];
    classMarker = mean === undefined ? new Float64Array(0) : Float64Array.from(mean);
    const className = (index: number) => sampledModel.data.dataset.classNames?.[index] ?? `class ${index}`;
    const guidanceLine = guidance === undefined
      ? ''
      : `\nclass: ${picked === undefined ? "all (labels in the data's proportions)" : className(picked)} · ` +
        (run.guider === undefined ? 'w = 1: the conditional model alone' : `${run.guider.name} at w = ${guidance.guidanceScale} (${run.calls} guided calls)`);
    const target = distance.classIndex === undefined ? 'the data' : className(distance.classIndex);
    byId('sampling-status').textContent =
      `${sampler.name}: ${settings.samplerSteps} steps, ${run.evaluations} network evaluations, ${settings.sampleCount} points in ${seconds.toFixed(2)} s` +
      guidanceLine +
      `\nsliced W1 to ${target} (${distance.kind === 'exact' ? `exact, against ${distance.classIndex === undefined ? 'the mixture' : 'its Gaussian'}` : 'against a data sample of the same size'}): ${formatNumber(distance.value, 3)}\n` +
      `a fresh data sample of that size scores ${formatNumber(distance.floor, 3)}` +
      (run.nearestFraction === undefined ? '' : `\nsamples nearest their class's component mean: ${(100 * run.nearestFraction).toFixed(1)}%`);
    frames = run.frames;
    const trajectory = byId<HTMLInputElement>('trajectory');
    trajectory.max = String(frames.length - 1);
    trajectory.disabled = false;
    dispatch({ type: 'sampled' });
    if (animated) void animate();
    else {
      animationToken += 1;
      drawFrame(frames.length - 1);
    }
  } catch (error) {
    reportFailure(error);
  }
}

/** The next run's kind: a Sample press animates; a live change draws at once and only runs on a paused model. */
let samplingRequest = { animated: true, live: false };
const samplingRunner = createCoalescingRunner(async () => {
  const request = samplingRequest;
  if (request.live && liveResampling(state) === 'none') return;
  await onSample(request.animated);
});

function requestSampling(animated: boolean, live: boolean): void {
  samplingRequest = { animated, live };
  void samplingRunner.request();
}

// ---- Start-up -----------------------------------------------------------------------------

function onSettingsChange(event: Event): void {
  const name = (event.target as HTMLInputElement).name;
  if (name === 'schedule') refreshRegistry();
  if (name === 'dataset') {
    forwardView?.setDataset(field('dataset').value);
    selectedDataset = datasetByName(field('dataset').value);
    fillClassPicker();
  }
  if (name === 'schedule' || name === 'dataset') drawForwardProcess();
  render();
  // 'input' fires on every slider movement and picker change ('change' repeats it on release).
  if (event.type === 'input' && (guidanceFields as readonly string[]).includes(name) && model?.numClasses !== undefined && liveResampling(state) !== 'none' && validate().ok) requestSampling(false, true);
}

async function main(): Promise<void> {
  fillSelect(field('dataset') as HTMLSelectElement, datasetNames);
  selectedDataset = datasetByName(field('dataset').value);
  fillClassPicker();
  fillSelect(field('guider') as HTMLSelectElement, guiderNames);
  refreshRegistry();
  // Sensible first choices; every other name stays one click away.
  for (const [name, value] of [['parameterisation', 'eps'], ['sampler', 'dpmpp-2m']] as const) {
    const select = field(name) as HTMLSelectElement;
    if ([...select.options].some((option) => option.value === value)) select.value = value;
  }
  form.addEventListener('input', onSettingsChange);
  form.addEventListener('change', onSettingsChange);
  form.addEventListener('submit', (event) => event.preventDefault());
  byId('time').addEventListener('input', drawForwardProcess);
  byId('trajectory').addEventListener('input', (event) => {
    animationToken += 1;
    drawFrame(Number((event.target as HTMLInputElement).value));
  });
  byId('start').addEventListener('click', onStart);
  byId('pause').addEventListener('click', () => dispatch({ type: 'pause' }));
  byId('reset').addEventListener('click', onReset);
  byId('sample').addEventListener('click', () => requestSampling(true, false));
  window.addEventListener('resize', () => {
    drawForwardProcess();
    render();
  });
  drawForwardProcess();
  drawScatter(byId<HTMLCanvasElement>('sample-canvas'), [], 3.5);
  render();

  const requested = new URLSearchParams(location.search).get('backend') ?? 'auto';
  const choice = byId<HTMLSelectElement>('backend-choice');
  choice.value = [...choice.options].some((option) => option.value === requested) ? requested : 'auto';
  choice.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set('backend', choice.value);
    location.assign(url.href);
  });
  try {
    const backend = await startBackend(browserBackends(), tf, { requested });
    backendReady = true;
    body.dataset.backend = backend.name;
    byId('backend-status').textContent = `Running on the ${backend.name} backend.`;
    byId('backend-notes').replaceChildren(...backend.notes.map((note) => Object.assign(document.createElement('li'), { textContent: note })));
    render();
  } catch (error) {
    body.dataset.backend = 'none';
    byId('backend-status').textContent = `No backend could start: ${(error as Error).message}`;
  }
}

window.addEventListener('unhandledrejection', (event) => showError(`Unexpected error: ${String(event.reason)}`));
void main();
