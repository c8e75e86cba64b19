import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { assemble, generatedModule, withoutRelaxedSimd } from '../scripts/build-kernels.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const sources = readdirSync(join(here, 'wat')).filter((file) => file.endsWith('.wat'));

describe('the generated kernel modules', () => {
  it.each(sources)('src/generated/ holds what src/wat/%s assembles to (run scripts/build-kernels.mjs after an edit)', async (file) => {
    const wabt = await wabtInit();
    const name = file.slice(0, -4);
    const expected = (generatedModule as (name: string, variants: unknown) => string)(name, (assemble as (wabt: unknown, name: string, text: string) => unknown)(wabt, name, readFileSync(join(here, 'wat', file), 'utf8')));
    expect(readFileSync(join(here, 'generated', `${name}-wasm.ts`), 'utf8')).toBe(expected);
  });

  it('derives the plain variant with the same stack order: a b mul c add for every relaxed multiply-add', () => {
    const rewrite = withoutRelaxedSimd as (text: string) => string;
    expect(rewrite('(local.set $x (f32x4.relaxed_madd (local.get $a) (v128.load offset=16 (local.get $p)) (local.get $c)))'))
      .toBe('(local.set $x (f32x4.add (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $p))) (local.get $c)))');
    expect(rewrite('(f32x4.relaxed_madd (f32x4.relaxed_madd (local.get $a) (local.get $b) (local.get $c)) (local.get $d) (local.get $e))'))
      .toBe('(f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (local.get $a) (local.get $b)) (local.get $c)) (local.get $d)) (local.get $e))');
  });
});
