// The page: wires the form, the canvases and the training loop to the plain-TS modules beside it.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from './playground-backend';
import { browserBackends } from './playground-browser-backends';
import { datasetByName, datasetNames } from './playground-datasets';
import { createForwardView, type ForwardView } from './playground-forward-view';
import { createLossHistory } from './playground-loss-history';
import { createPlaygroundModel, trainChunk, trainingDataStream, type PlaygroundModel } from './playground-model';
import { drawLines, drawScatter, formatNumber } from './playground-plot';
import { buildPlaygroundRegistry, naturalWeighting, type PlaygroundRegistry } from './playground-registry';
import { runSampling, sampleDistance, samplingLadder, type TrajectoryFrame } from './playground-sampling';
import { checkSettings, settingFields, type SettingField, type Settings, type SettingsInput } from './playground-settings';
import { canDispatch, initialPlaygroundState, modelSettingsEditable, reducePlayground, samplerSettingsEditable, type PlaygroundAction } from './playground-state';

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
  const check = checkSettings(readInput(), { registry: playgroundRegistry.registry, datasets: datasetNames });
  const errors: Partial<Record<SettingField, string>> = check.ok ? {} : check.errors;
  for (const element of form.querySelectorAll<HTMLElement>('[data-error-for]')) element.textContent = errors[element.dataset.errorFor as SettingField] ?? '';
  for (const element of form.querySelectorAll<HTMLElement>('[data-note-for]')) element.textContent = check.notes[element.dataset.noteFor as SettingField] ?? '';
  for (const name of settingFields) field(name).setAttribute('aria-invalid', String(errors[name] !== undefined));
  return check;
}

const modelFields: readonly SettingField[] = ['dataset', 'schedule', 'parameterisation', 'weighting', 'timeDensity', 'hiddenWidths', 'batchSize', 'learningRate', 'seed'];
const samplerFields: readonly SettingField[] = ['sampler', 'nfe', 'sampleCount'];

function render(): void {
  const check = validate();
  const errors: Partial<Record<SettingField, string>> = check.ok ? {} : check.errors;
  const blocked = (fields: readonly SettingField[]) => fields.some((name) => errors[name] !== undefined);
  for (const name of modelFields) field(name).disabled = !modelSettingsEditable(state);
  field('trainSteps').disabled = state.phase === 'training' || state.phase === 'sampling';
  for (const name of [...samplerFields, 'ema']) field(name).disabled = !samplerSettingsEditable(state);
  byId<HTMLButtonElement>('start').disabled = !backendReady || !canDispatch(state, 'start') || blocked([...modelFields, 'trainSteps']);
  byId<HTMLButtonElement>('start').textContent = state.phase === 'paused' ? 'Resume' : 'Start';
  byId<HTMLButtonElement>('pause').disabled = !canDispatch(state, 'pause');
  byId<HTMLButtonElement>('sample').disabled = !backendReady || !canDispatch(state, 'sample') || blocked(samplerFields);
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
  drawScatter(byId<HTMLCanvasElement>('sample-canvas'), [], 3.5);
  byId('sampling-status').textContent = 'Train, then press Sample.';
  byId('trajectory-readout').textContent = '';
  for (const key of ['w1', 'w1Floor', 'sampledPoints']) delete body.dataset[key];
  dispatch({ type: 'reset' });
}

// ---- Sampling -----------------------------------------------------------------------------

function drawFrame(index: number): void {
  const frame = frames[index];
  if (frame === undefined || forwardView === undefined) return;
  const reference = forwardView.data.x0;
  const drawn = drawScatter(
    byId<HTMLCanvasElement>('sample-canvas'),
    [
      { points: reference, color: 'rgba(150, 150, 150, 0.35)' },
      { points: frame.points, color: 'rgba(214, 39, 40, 0.8)' },
    ],
    3.5,
    `step ${index} of ${frames.length - 1}`,
  );
  body.dataset.sampledPoints = String(drawn - reference.length / 2);
  byId<HTMLInputElement>('trajectory').value = String(index);
  byId('trajectory-readout').textContent = `sigma = ${formatNumber(frame.sigma, 4)} (points shown as x / sqrt(1 + sigma²); grey: the data)`;
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

async function onSample(): Promise<void> {
  const check = validate();
  if (!check.ok || model === undefined || modelSettings === undefined) return;
  loopToken += 1;
  dispatch({ type: 'sample' });
  if (state.phase !== 'sampling') return;
  byId('sampling-status').textContent = 'sampling…';
  await tf.nextFrame();
  try {
    const { settings } = check;
    const schedule = playgroundRegistry.registry.schedules.get(modelSettings.schedule);
    const sampler = playgroundRegistry.registry.samplers.get(settings.sampler);
    const sigmas = samplingLadder(schedule, settings.samplerSteps);
    const started = performance.now();
    const run = runSampling({ sampler, denoise: model.denoiser((field('ema') as HTMLInputElement).checked), sigmas, count: settings.sampleCount, seed: settings.seed });
    const seconds = (performance.now() - started) / 1000;
    const distance = sampleDistance(run.samples, model.data, settings.seed);
    body.dataset.w1 = String(distance.value);
    body.dataset.w1Floor = String(distance.floor);
    byId('sampling-status').textContent =
      `${sampler.name}: ${settings.samplerSteps} steps, ${run.evaluations} network evaluations, ${settings.sampleCount} points in ${seconds.toFixed(2)} s\n` +
      `sliced W1 to the data (${distance.kind === 'exact' ? 'exact, against the mixture' : 'against a data sample of the same size'}): ${formatNumber(distance.value, 3)}\n` +
      `a fresh data sample of that size scores ${formatNumber(distance.floor, 3)}`;
    frames = run.frames;
    const trajectory = byId<HTMLInputElement>('trajectory');
    trajectory.max = String(frames.length - 1);
    trajectory.disabled = false;
    dispatch({ type: 'sampled' });
    await animate();
  } catch (error) {
    reportFailure(error);
  }
}

// ---- Start-up -----------------------------------------------------------------------------

function onSettingsChange(event: Event): void {
  const name = (event.target as HTMLInputElement).name;
  if (name === 'schedule') refreshRegistry();
  if (name === 'dataset') forwardView?.setDataset(field('dataset').value);
  if (name === 'schedule' || name === 'dataset') drawForwardProcess();
  render();
}

async function main(): Promise<void> {
  fillSelect(field('dataset') as HTMLSelectElement, datasetNames);
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
  byId('sample').addEventListener('click', () => void onSample());
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
