// Writes the boilerplate of one published package: node scripts/new-package.mjs <name> "<description>" [deps...]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [name, description, ...args] = process.argv.slice(2);
const dir = join('packages', name);
mkdirSync(join(dir, 'src'), { recursive: true });
const internal = args.filter((a) => a.startsWith('@diffusion/'));
const tf = args.includes('tf');
const layers = args.includes('layers');
const pkg = {
  name: `@diffusion/${name}`,
  version: '0.0.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  keywords: ['diffusion', 'tensorflowjs', name],
  repository: { type: 'git', url: 'git+https://example.invalid/diffusion.git', directory: `packages/${name}` },
  engines: { node: '>=20' },
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.cts',
  exports: {
    '.': {
      '@diffusion/source': './src/index.ts',
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
  files: ['dist', 'src', '!src/**/*.test.ts', '!src/**/__fixtures__'],
  publishConfig: { access: 'public' },
  scripts: {
    build: 'tsup',
    clean: 'rm -rf dist .turbo',
    'type-check': 'tsc --noEmit -p tsconfig.json',
    test: 'vitest run',
    'test:watch': 'vitest',
    publint: 'publint --strict',
    attw: 'attw --pack . --profile node16',
  },
  dependencies: Object.fromEntries(internal.map((d) => [d, 'workspace:^'])),
  peerDependencies: {
    ...(tf ? { '@tensorflow/tfjs-core': '^4.22.0' } : {}),
    ...(layers ? { '@tensorflow/tfjs-layers': '^4.22.0' } : {}),
  },
  devDependencies: {
    ...(tf ? { '@tensorflow/tfjs-core': '4.22.0', '@tensorflow/tfjs-backend-cpu': '4.22.0', '@tensorflow/tfjs-backend-wasm': '4.22.0' } : {}),
    ...(layers ? { '@tensorflow/tfjs-layers': '4.22.0' } : {}),
  },
};
if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
  extends: '../../tsconfig.base.json',
  compilerOptions: { noEmit: true },
  include: ['src', '*.ts'],
}, null, 2) + '\n');
writeFileSync(join(dir, 'tsconfig.build.json'), JSON.stringify({
  extends: '../../tsconfig.base.json',
  compilerOptions: { customConditions: [], composite: false, rootDir: 'src' },
  include: ['src'],
  exclude: ['src/**/*.test.ts', 'src/**/*.test-d.ts'],
}, null, 2) + '\n');
writeFileSync(join(dir, 'tsup.config.ts'), `import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  tsconfig: 'tsconfig.build.json',
});
`);
writeFileSync(join(dir, 'vitest.config.ts'), `import { defineDiffusionTestConfig } from '../../vitest.shared';

export default defineDiffusionTestConfig(${tf ? "{ setupFiles: ['../../test/setup-cpu-backend.ts'] }" : ''});
`);
if (!existsSync(join(dir, 'src/index.ts'))) writeFileSync(join(dir, 'src/index.ts'), '');
writeFileSync(join(dir, 'LICENSE'), '');
