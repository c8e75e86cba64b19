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
