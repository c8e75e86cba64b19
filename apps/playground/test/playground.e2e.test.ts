// End to end: the BUILT page in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core), served from a static server on 127.0.0.1. It trains a small network, samples
// it, and checks what a learner would see.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(appDir, 'dist');
const artifactsDir = join(appDir, 'artifacts');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A static file server for `root` on 127.0.0.1 with a random port (loopback only). */
function serveFolder(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((resolveServer) => server.listen(0, '127.0.0.1', () => resolveServer({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

const dataset = (page: Page, key: string) => page.evaluate((name) => document.body.dataset[name], key);

describe('the playground in headless Chromium', () => {
  let server: Server | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let origin = '';
  let userDataDir = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(distDir, 'index.html'))) {
      const build = spawnSync('pnpm', ['exec', 'vite', 'build'], { cwd: appDir, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);
    }
    ({ server, origin } = await serveFolder(distDir));
    userDataDir = mkdtempSync(join(tmpdir(), 'playground-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 1300 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
    // Nothing but the loopback server is reachable from the page.
    await context.route((url) => !url.href.startsWith(origin), (route) => route.abort());
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('loads, starts a backend and names it, with no console errors', async () => {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => document.body.dataset.backend !== undefined, undefined, { timeout: 30_000 });
    const backend = await dataset(page, 'backend');
    expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(backend);
    expect(await page.textContent('#backend-status')).toContain(`Running on the ${backend} backend`);
    console.log(`playground e2e: backend ${backend}; notes: ${JSON.stringify(await page.$$eval('#backend-notes li', (items) => items.map((item) => item.textContent)))}`);
    expect(consoleErrors).toEqual([]);
  });

  it("fills the pickers from the registries' names", async () => {
    const options = (name: string) => page.$$eval(`[name="${name}"] option`, (items) => items.map((item) => (item as HTMLOptionElement).value));
    expect(await options('sampler')).toEqual(expect.arrayContaining(['dpmpp-2m', 'euler', 'heun', 'ddim']));
    expect(await options('parameterisation')).toEqual(expect.arrayContaining(['eps', 'x0', 'v']));
    expect(await options('schedule')).toEqual(expect.arrayContaining(['linear', 'cosine', 'edm']));
    expect(await options('weighting')).toEqual(expect.arrayContaining(['natural', 'uniform', 'min-snr']));
    expect(await options('timeDensity')).toEqual(expect.arrayContaining(['uniform', 'logit-normal']));
    expect(await options('dataset')).toEqual(expect.arrayContaining(['mixture', 'two-moons', 'swiss-roll']));
  });

  it('trains a small network: pause stops it, resume goes on, the loss falls, the page stays responsive', async () => {
    await page.selectOption('[name="dataset"]', 'mixture');
    await page.fill('[name="hiddenWidths"]', '32, 32');
    await page.fill('[name="trainSteps"]', '1200');
    // The longest gap between animation frames while training: the main thread is never blocked for long.
    await page.evaluate(() => {
      const probe = { longestFrameGap: 0 };
      (window as unknown as { probe: typeof probe }).probe = probe;
      let last = performance.now();
      const tick = (now: number) => {
        if (document.body.dataset.phase === 'training') probe.longestFrameGap = Math.max(probe.longestFrameGap, now - last);
        last = now;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.click('#start');
    await page.waitForFunction(() => Number(document.body.dataset.steps) >= 200, undefined, { timeout: 30_000 });
    await page.click('#pause');
    expect(await dataset(page, 'phase')).toBe('paused');
    const pausedAt = await dataset(page, 'steps');
    await page.waitForTimeout(300);
    expect(await dataset(page, 'steps')).toBe(pausedAt);
    expect(await page.textContent('#start')).toBe('Resume');
    await page.click('#start');
    await page.waitForFunction(() => document.body.dataset.phase === 'paused' && document.body.dataset.steps === '1200', undefined, { timeout: 45_000 });
    const first = Number(await dataset(page, 'lossFirst'));
    const recent = Number(await dataset(page, 'lossRecent'));
    const stepsPerSecond = Number(await dataset(page, 'stepsPerSecond'));
    const longestFrameGap = await page.evaluate(() => (window as unknown as { probe: { longestFrameGap: number } }).probe.longestFrameGap);
    console.log(`playground e2e: paused at step ${pausedAt}, resumed to 1200; loss mean of the first 50 steps ${first.toFixed(4)}, of the last 50 ${recent.toFixed(4)}; ${stepsPerSecond.toFixed(1)} steps/s; longest frame gap while training ${longestFrameGap.toFixed(0)} ms`);
    expect(Number.isFinite(first) && Number.isFinite(recent)).toBe(true);
    expect(recent).toBeLessThan(0.8 * first);
    expect(stepsPerSecond).toBeGreaterThan(0);
    // Chunks are ~25 ms; allow for a slow, shared CI machine.
    expect(longestFrameGap).toBeLessThan(500);
    expect(await page.textContent('#training-status')).toMatch(/step 1200 of 1200 · [\d.]+ steps\/s/);
  });

  it('samples at a chosen NFE, animates the trajectory, draws points and reports sliced W1', async () => {
    await page.selectOption('[name="sampler"]', 'dpmpp-2m');
    await page.fill('[name="nfe"]', '12');
    await page.fill('[name="sampleCount"]', '600');
    await page.click('#sample');
    await page.waitForFunction(() => document.body.dataset.samplingRuns === '1', undefined, { timeout: 30_000 });
    // The animation ends on the last frame (noise → data), 12 steps after the first.
    await page.waitForFunction(() => {
      const slider = document.getElementById('trajectory') as HTMLInputElement;
      return slider.max === '12' && slider.value === '12';
    }, undefined, { timeout: 15_000 });
    expect(Number(await dataset(page, 'sampledPoints'))).toBe(600);
    const w1 = Number(await dataset(page, 'w1'));
    const floor = Number(await dataset(page, 'w1Floor'));
    console.log(`playground e2e: dpmpp-2m at NFE 12, 600 points: exact sliced W1 ${w1.toFixed(4)} (a fresh data sample scores ${floor.toFixed(4)})`);
    // Plain N(0, I) noise scores about 0.6 against this mixture; 1200 steps of a 32-32 MLP reach
    // about 0.19 (measured on wasm), a fresh data sample 0.035.
    expect(w1).toBeGreaterThan(floor);
    expect(w1).toBeLessThan(0.35);
    expect(await page.textContent('#sampling-status')).toMatch(/dpmpp-2m: 12 steps, 12 network evaluations, 600 points/);
    // Red sample points on the canvas (the grey data points underneath are not counted).
    const redPixels = await page.evaluate(() => {
      const canvas = document.getElementById('sample-canvas') as HTMLCanvasElement;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let index = 0; index < pixels.length; index += 4) if (pixels[index]! > 150 && pixels[index + 1]! < 120 && pixels[index + 2]! < 120) count += 1;
      return count;
    });
    expect(redPixels).toBeGreaterThan(300);
    mkdirSync(artifactsDir, { recursive: true });
    await page.screenshot({ path: join(artifactsDir, 'playground-after-sampling.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it('picks a class and moves the guidance slider: it re-samples live and the samples move toward the picked component', async () => {
    // The mixture model above trained class-conditionally (component = class, pUncond 0.1).
    expect(await page.isDisabled('[name="guidanceScale"]')).toBe(false);
    expect(await page.$$eval('[name="classChoice"] option', (items) => items.map((item) => (item as HTMLOptionElement).value))).toEqual(['all', '0', '1', '2', '3']);
    expect(await page.$$eval('[name="guider"] option', (items) => items.map((item) => (item as HTMLOptionElement).value))).toEqual(['cfg', 'cfg-rescale', 'guidance-interval', 'apg']);
    /** Makes a change, waits for the live run that shows it (no Sample press), returns the share nearest the requested component. */
    const liveRun = async (change: () => Promise<void>, expected: { classChoice: string; guider: string; scale: string }) => {
      const before = Number(await dataset(page, 'samplingRuns'));
      const started = Date.now();
      await change();
      await page.waitForFunction(
        ({ runs, classChoice, guider, scale }) => {
          const data = document.body.dataset;
          return Number(data.samplingRuns) > runs && data.phase === 'paused' && data.sampledClass === classChoice && data.sampledScale === scale && (scale === '1' || data.sampledGuider === guider);
        },
        { runs: before, ...expected },
        { timeout: 20_000 },
      );
      return { share: Number(await dataset(page, 'nearestFraction')), w1: Number(await dataset(page, 'w1')), evaluations: Number(await dataset(page, 'evaluations')), milliseconds: Date.now() - started };
    };
    const slider = (value: string) => () => page.fill('[name="guidanceScale"]', value);
    const cfg = (classChoice: string, scale: string) => ({ classChoice, guider: 'cfg', scale });
    const atOne = await liveRun(() => page.selectOption('[name="classChoice"]', '0').then(() => undefined), cfg('0', '1'));
    const atZero = await liveRun(slider('0'), cfg('0', '0'));
    const atFour = await liveRun(slider('4'), cfg('0', '4'));
    mkdirSync(artifactsDir, { recursive: true });
    await page.screenshot({ path: join(artifactsDir, 'playground-class-0-cfg-4.png'), fullPage: true });
    // The slider moved by the keyboard, as a user would: End takes it to its maximum, 8.
    const atEight = await liveRun(async () => {
      await page.focus('[name="guidanceScale"]');
      await page.keyboard.press('End');
    }, cfg('0', '8'));
    console.log(
      `playground e2e: class 0, cfg, dpmpp-2m at NFE 12, 600 points: share nearest component 0 at w = 0, 1, 4, 8: ${[atZero, atOne, atFour, atEight].map((run) => run.share.toFixed(3)).join(', ')}; ` +
        `sliced W1 to component 0: ${[atZero, atOne, atFour, atEight].map((run) => run.w1.toFixed(3)).join(', ')}; live run wall times ${[atZero, atOne, atFour, atEight].map((run) => run.milliseconds).join(', ')} ms`,
    );
    // w = 0 samples the unconditional model: about a quarter of the points nearest each component.
    expect(atZero.share).toBeLessThan(0.45);
    expect(atOne.share).toBeGreaterThan(atZero.share + 0.3);
    expect(atFour.share).toBeGreaterThanOrEqual(atOne.share);
    expect(atFour.share).toBeGreaterThan(0.9);
    expect(atFour.w1).toBeLessThan(atZero.w1);
    // D_c and D_u at each of the 12 guided calls; the conditional model alone at w = 1.
    expect([atOne.evaluations, atFour.evaluations]).toEqual([12, 24]);
    expect(await page.textContent('#sampling-status')).toMatch(/class: component 0 · cfg at w = 8 \(12 guided calls\)/);
    expect(await page.textContent('#sampling-status')).toMatch(/samples nearest their class's component mean: [\d.]+%/);
    // Every other guider at w = 4, and all classes at once.
    const others: string[] = [];
    await page.fill('[name="guidanceScale"]', '4');
    await page.waitForFunction(() => document.body.dataset.sampledScale === '4' && document.body.dataset.phase === 'paused', undefined, { timeout: 20_000 });
    for (const guider of ['cfg-rescale', 'guidance-interval', 'apg']) {
      const result = await liveRun(() => page.selectOption('[name="guider"]', guider).then(() => undefined), { classChoice: '0', guider, scale: '4' });
      const atMost = await liveRun(slider('8'), { classChoice: '0', guider, scale: '8' });
      await liveRun(slider('4'), { classChoice: '0', guider, scale: '4' });
      others.push(`${guider} ${result.share.toFixed(3)} (W1 ${result.w1.toFixed(3)}; at w = 8: ${atMost.share.toFixed(3)}, W1 ${atMost.w1.toFixed(3)})`);
      expect(result.share, guider).toBeGreaterThan(atZero.share + 0.3);
    }
    await page.selectOption('[name="guider"]', 'cfg');
    const allAtFour = await liveRun(() => page.selectOption('[name="classChoice"]', 'all').then(() => undefined), cfg('all', '4'));
    const allAtZero = await liveRun(slider('0'), cfg('all', '0'));
    console.log(`playground e2e: at w = 4 for class 0: ${others.join(', ')}; all classes (labels in the data's proportions), cfg: share nearest their own component ${allAtZero.share.toFixed(3)} at w = 0, ${allAtFour.share.toFixed(3)} at w = 4`);
    expect(allAtFour.share).toBeGreaterThan(allAtZero.share + 0.3);
    // Back to the conditional model alone for the tests below.
    await liveRun(slider('1'), cfg('all', '1'));
    await page.screenshot({ path: join(artifactsDir, 'playground-guidance.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it('explains impossible settings on the page and disables the buttons they block', async () => {
    await page.fill('[name="nfe"]', '0');
    expect(await page.textContent('[data-error-for="nfe"]')).toMatch(/NFE: 0 is out of range/);
    expect(await page.isDisabled('#sample')).toBe(true);
    // A number input cannot hold text; cleared, it is explained rather than read as NaN.
    await page.fill('[name="nfe"]', '');
    expect(await page.textContent('[data-error-for="nfe"]')).toMatch(/NFE: enter a whole number from 1 to 1000/);
    await page.fill('[name="nfe"]', '1');
    await page.selectOption('[name="sampler"]', 'heun');
    expect(await page.textContent('[data-error-for="nfe"]')).toBe('');
    expect(await page.textContent('[data-note-for="nfe"]')).toMatch(/heun: 1 step, 1 network evaluation/);
    await page.fill('[name="trainSteps"]', '-5');
    expect(await page.textContent('[data-error-for="trainSteps"]')).toMatch(/Training steps: -5 is out of range/);
    expect(await page.isDisabled('#start')).toBe(true);
    await page.click('#reset');
    expect(await dataset(page, 'phase')).toBe('idle');
    expect(await dataset(page, 'steps')).toBe('0');
    expect(consoleErrors).toEqual([]);
  });
});
