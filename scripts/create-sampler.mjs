// Scaffolds a standalone sampler plugin package from templates/diffusion-sampler:
//   pnpm create-sampler <name> [--out <parent folder>]
// writes <parent>/diffusion-sampler-<name>/ (parent: the folder pnpm was run from, or --out relative to it), a package that
// builds (tsup), tests (conformance suite + a reference test) and packs outside this repository,
// with @tensorflow/tfjs-core, @diffusion/core and @diffusion/sampler-kit as peer dependencies.
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const template = join(root, 'templates', 'diffusion-sampler');
const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
const name = positionals[0];
if (name === undefined || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
  console.error('usage: pnpm create-sampler <kebab-case-name> [--out <parent folder>]   e.g. pnpm create-sampler ipndm');
  process.exit(2);
}
const pascal = name.split('-').map((part) => part[0].toUpperCase() + part.slice(1)).join('');
const versionOf = (pkg) => JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')).version;
const tokens = {
  __NAME__: name,
  __Name__: pascal,
  __DIFFUSION_CORE_RANGE__: `^${versionOf('core')}`,
  __DIFFUSION_SAMPLER_KIT_RANGE__: `^${versionOf('sampler-kit')}`,
  __DIFFUSION_TESTING_RANGE__: `^${versionOf('testing')}`,
};
const fill = (text) => Object.entries(tokens).reduce((result, [token, value]) => result.replaceAll(token, value), text);
const realFolder = (path) => {
  try {
    return statSync(path).isDirectory() ? realpathSync(path) : undefined;
  } catch {
    return undefined;
  }
};
// The folder the user ran `pnpm [--dir <repo>] create-sampler` from: pnpm starts this script in the
// repository and leaves that folder in INIT_CWD (compare's userWorkingFolder follows the same rule).
// --out and the printed `cd` are relative to it.
const userFolder = (() => {
  const env = process.env;
  if (env.npm_lifecycle_event !== 'create-sampler' || !env.INIT_CWD) return process.cwd();
  const scriptFolder = env.PNPM_SCRIPT_SRC_DIR ?? (env.npm_package_json === undefined ? undefined : dirname(env.npm_package_json));
  if (scriptFolder === undefined || realFolder(scriptFolder) !== realFolder(process.cwd())) return process.cwd();
  return realFolder(env.INIT_CWD) ?? process.cwd();
})();
const parent = resolve(userFolder, values.out ?? '.');
const target = join(parent, `diffusion-sampler-${name}`);
if (existsSync(target)) {
  console.error(`create-sampler: ${target} exists already; choose another name or --out folder`);
  process.exit(2);
}
const copy = (from) => {
  for (const entry of readdirSync(from)) {
    const source = join(from, entry);
    const destination = join(target, fill(relative(template, source)));
    if (statSync(source).isDirectory()) copy(source);
    else {
      mkdirSync(dirname(destination), { recursive: true });
      writeFileSync(destination, fill(readFileSync(source, 'utf8')));
    }
  }
};
copy(template);
console.log(`created ${target}
next:
  cd ${relative(userFolder, target) || '.'}
  npm install            # or install packed tarballs: npm install --save-dev ./diffusion-core-*.tgz ./diffusion-sampler-kit-*.tgz ./diffusion-testing-*.tgz
  npm test               # conformance (with the declared order) + reference test
  npm run build && npm pack`);
