import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const template = join(here, '..', '..', '..', 'templates', 'diffusion-sampler');

describe('diffusion-sampler-deis is an instance of templates/diffusion-sampler', () => {
  it.each(['tsconfig.json', 'tsup.config.ts', 'vitest.config.ts', 'test/setup-backend.ts'])('has the template’s %s', (file) => {
    expect(readFileSync(join(here, '..', file), 'utf8')).toBe(readFileSync(join(template, file), 'utf8'));
  });

  it('peers on tfjs-core, @diffusion/core and the kit, with the template’s exports and scripts', () => {
    const own = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'));
    const shape = JSON.parse(readFileSync(join(template, 'package.json'), 'utf8'));
    expect(Object.keys(own.peerDependencies).sort()).toEqual(Object.keys(shape.peerDependencies).sort());
    expect(own.dependencies).toBeUndefined();
    expect(own.exports).toEqual(shape.exports);
    for (const script of ['build', 'type-check', 'test']) expect(own.scripts[script]).toBe(shape.scripts[script]);
  });
});
