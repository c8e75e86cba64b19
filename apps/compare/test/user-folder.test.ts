import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { userWorkingFolder } from '../src/user-folder';
import { appDir, cliPath, ensureBuilt } from './cli-helpers';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'compare-user-folder-')));
const repo = join(root, 'repo');
const project = join(root, 'my-project');
mkdirSync(repo);
mkdirSync(project);

describe('userWorkingFolder', () => {
  it('is INIT_CWD when compare is the package script pnpm started in its folder (pnpm --dir <repo> compare from a project)', () => {
    expect(userWorkingFolder({ npm_lifecycle_event: 'compare', INIT_CWD: project, PNPM_SCRIPT_SRC_DIR: repo }, repo)).toBe(project);
  });

  it('is INIT_CWD for npm run, which names the script folder by npm_package_json', () => {
    expect(userWorkingFolder({ npm_lifecycle_event: 'compare', INIT_CWD: project, npm_package_json: join(repo, 'package.json') }, repo)).toBe(project);
  });

  it('keeps the working folder of a compare that another script started elsewhere (the env is inherited)', () => {
    expect(userWorkingFolder({ npm_lifecycle_event: 'test', INIT_CWD: project, PNPM_SCRIPT_SRC_DIR: repo }, repo)).toBe(repo);
    expect(userWorkingFolder({ npm_lifecycle_event: 'compare', INIT_CWD: project, PNPM_SCRIPT_SRC_DIR: repo }, join(root))).toBe(root);
  });

  it('keeps the working folder outside a package script, or when INIT_CWD is not a folder', () => {
    expect(userWorkingFolder({}, repo)).toBe(repo);
    expect(userWorkingFolder({ npm_lifecycle_event: 'compare', PNPM_SCRIPT_SRC_DIR: repo }, repo)).toBe(repo);
    expect(userWorkingFolder({ npm_lifecycle_event: 'compare', INIT_CWD: join(root, 'gone'), PNPM_SCRIPT_SRC_DIR: repo }, repo)).toBe(repo);
  });
});

describe('compare run as the package script from another folder', () => {
  // A plugin installed only in the user's project, written without imports (a plain sampler object's factory).
  const pluginDir = join(project, 'node_modules', 'diffusion-sampler-fake');
  beforeAll(() => {
    ensureBuilt();
    mkdirSync(pluginDir, { recursive: true });
    writeFileSync(join(pluginDir, 'package.json'), JSON.stringify({ name: 'diffusion-sampler-fake', version: '1.0.0', type: 'module', main: 'index.js' }));
    writeFileSync(
      join(pluginDir, 'index.js'),
      "export const plugin = { samplers: [() => ({ name: 'fake-copy', specificationVersion: 'v1', options: {}, evaluationsPerStep: 1, stochastic: false, sample: (denoise, noise) => noise.clone() })] };\nexport default plugin;\n",
    );
  });
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [cliPath, '--out', mkdtempSync(join(tmpdir(), 'compare-user-folder-out-')), '--plugin', 'diffusion-sampler-fake', '--samplers', 'no-such-sampler'], {
      cwd: appDir,
      encoding: 'utf8',
      env: { ...process.env, npm_lifecycle_event: '', INIT_CWD: '', ...env },
      timeout: 120_000,
      killSignal: 'SIGKILL',
    });

  it('finds --plugin <name> in the node_modules of the folder pnpm was run from (INIT_CWD)', () => {
    const result = run({ npm_lifecycle_event: 'compare', INIT_CWD: project, PNPM_SCRIPT_SRC_DIR: appDir });
    expect(result.status, result.stderr).toBe(2);
    // Loaded: the unknown name is refused with the plugin's sampler among the known ones.
    expect(result.stderr).toMatch(/samplers: unknown name "no-such-sampler"; known: .*fake-copy/);
  }, 150_000);

  it('looks in the working folder when it is not the package script', () => {
    const result = run({});
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toContain(`--plugin "diffusion-sampler-fake": cannot find it (no package "diffusion-sampler-fake" in node_modules of ${realpathSync(appDir)} or a folder above`);
  }, 150_000);
});
