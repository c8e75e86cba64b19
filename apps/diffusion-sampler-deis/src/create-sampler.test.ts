import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'create-sampler-')));
// A relative --out of its own, so that a script that wrongly writes into the repository leaves nothing behind there either.
const out = `out-${scratch.split('-').at(-1)}`;
afterAll(() => [scratch, join(repo, out)].forEach((path) => rmSync(path, { recursive: true, force: true })));

/** Runs scripts/create-sampler.mjs as `pnpm --dir <repo> create-sampler …` does from `userFolder`: in the repo, with the user's folder in INIT_CWD. */
function createSampler(userFolder: string, args: string[]) {
  const env = { ...process.env, INIT_CWD: userFolder, npm_lifecycle_event: 'create-sampler', PNPM_SCRIPT_SRC_DIR: repo };
  const result = spawnSync(process.execPath, [join(repo, 'scripts', 'create-sampler.mjs'), ...args], { cwd: repo, env, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  const cd = /^\s*cd (.+)$/m.exec(result.stdout)?.[1];
  return { ...result, cd };
}

describe('pnpm create-sampler, run from a folder outside the repository', () => {
  // Deeper than the repository, so a path relative to the repository does not land right by accident.
  const user = join(scratch, 'home', 'someone', 'code', 'project', 'plugins');
  mkdirSync(user, { recursive: true });

  it('writes --out relative to the folder it was run from, and the printed cd leads there from that folder', () => {
    const { status, stderr, cd } = createSampler(user, ['probe-out', '--out', out]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const target = join(user, out, 'diffusion-sampler-probe-out');
    expect(existsSync(join(target, 'package.json'))).toBe(true);
    expect(existsSync(join(repo, out))).toBe(false);
    expect(cd).toBeDefined();
    expect(resolve(user, cd!)).toBe(target);
  });

  it('without --out writes into that folder, with the names filled in', () => {
    const { status, cd } = createSampler(user, ['probe-here']);
    expect(status).toBe(0);
    const target = join(user, 'diffusion-sampler-probe-here');
    expect(resolve(user, cd!)).toBe(target);
    expect(JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')).name).toBe('diffusion-sampler-probe-here');
    expect(readFileSync(join(target, 'src', 'probe-here-sampler.ts'), 'utf8')).toContain('export function createProbeHereSampler(');
  });
});
