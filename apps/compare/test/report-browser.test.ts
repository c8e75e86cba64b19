import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, tinyConfig } from './cli-helpers';

const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the compare report in headless Chromium', () => {
  beforeAll(() => ensureBuilt(), 600_000);

  it('renders every plot (non-empty SVG) with no console errors, offline', async () => {
    expect(existsSync(chromiumPath), `Debian's chromium must be installed at ${chromiumPath} (.ci/run installs it)`).toBe(true);
    const run = runCli({ ...tinyConfig, parameterisations: ['eps', 'v'], weightings: ['natural'] });
    expect(run.status).toBe(0);
    const reportPath = join(run.outDir, 'report.html');
    expect(readFileSync(reportPath, 'utf8')).toContain('<svg');
    // playwright-core gives the browser a fresh temporary profile of its own.
    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      const external: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) external.push(request.url());
      });
      await page.goto(pathToFileURL(reportPath).href);
      for (const id of ['plot-loss', 'plot-profile', 'plot-quality', 'samples-eps-natural', 'samples-v-natural']) {
        const box = await page.locator(`#${id} svg`).first().boundingBox();
        expect(box, id).not.toBeNull();
        expect(box!.width * box!.height, id).toBeGreaterThan(10_000);
        const drawn = await page.locator(`#${id} svg path, #${id} svg circle`).count();
        expect(drawn, `${id} draws shapes`).toBeGreaterThan(5);
      }
      expect(await page.locator('table tbody tr').count()).toBe(2 * 2 * 2);
      const screenshot = join(run.outDir, 'report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(errors).toEqual([]);
      expect(external).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
