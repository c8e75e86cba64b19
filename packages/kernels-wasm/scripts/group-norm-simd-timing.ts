// Times one GroupNorm+SiLU forward + backward on tfjs-backend-wasm's heap (1 thread): the
// JavaScript loops of group-norm-kernel-loops.ts against the SIMD loops of group-norm-simd.ts,
// alternating, medians of 10 after one warm-up each. Prints one JSON line per shape. Run (from
// packages/backbones):
//   ../../node_modules/.pnpm/esbuild@0.27.7/node_modules/esbuild/bin/esbuild scripts/group-norm-simd-timing.ts \
//     --bundle --platform=node --format=esm --conditions=@diffusion/source --external:@tensorflow/* \
//     --outfile=node_modules/.group-norm-simd-timing.mjs && node node_modules/.group-norm-simd-timing.mjs
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { groupNormBackward, groupNormForward, type GroupNormLayout } from '../src/group-norm-kernel-loops';
import { groupNormSimdBackward, groupNormSimdForward, groupNormSimdModule, groupNormSimdScratchLength } from '../src/group-norm-simd';

await tf.setBackend('wasm');
const simd = groupNormSimdModule(tf.backend());
if (simd === undefined) throw new Error('no WebAssembly SIMD on this engine');
const heap = tf.backend() as unknown as { typedArrayFromHeap(tensor: tf.Tensor): Float32Array };
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

for (const [batch, height, width, channels] of [[64, 28, 28, 32], [64, 14, 14, 64]] as const) {
  const layout: GroupNormLayout = { batch, pixels: height * width, channels, groups: 8, epsilon: 1e-5, silu: true };
  const shape = [batch, height, width, channels];
  const tensors = [tf.randomNormal(shape), tf.randomNormal([channels], 1, 0.5), tf.randomNormal([channels], 0, 0.5), tf.randomNormal(shape),
    tf.zeros(shape), tf.zeros(shape), tf.zeros([channels]), tf.zeros([channels]), tf.zeros([groupNormSimdScratchLength(layout)])];
  const [x, gain, bias, dy, y, dx, dgain, dbias, scratch] = tensors.map((tensor) => heap.typedArrayFromHeap(tensor)) as Float32Array[];
  const runs = {
    js: () => {
      groupNormForward(x!, gain!, bias!, y!, layout);
      groupNormBackward(x!, gain!, bias!, dy!, dx!, dgain!, dbias!, layout);
    },
    simd: () => {
      groupNormSimdForward(simd, x!, gain!, bias!, y!, scratch!, layout);
      groupNormSimdBackward(simd, x!, gain!, bias!, dy!, dx!, dgain!, dbias!, scratch!, layout);
    },
  };
  const times: Record<'js' | 'simd', number[]> = { js: [], simd: [] };
  for (let round = 0; round < 11; round += 1) {
    for (const name of ['js', 'simd'] as const) {
      const start = performance.now();
      runs[name]();
      if (round > 0) times[name].push(performance.now() - start);
    }
  }
  const elements = batch * height * width * channels;
  const [js, fast] = [median(times.js), median(times.simd)];
  console.log(JSON.stringify({ shape, groups: 8, jsMedianMs: +js.toFixed(1), simdMedianMs: +fast.toFixed(1), jsNsPerElement: +((js * 1e6) / elements).toFixed(2), simdNsPerElement: +((fast * 1e6) / elements).toFixed(2), speedup: +(js / fast).toFixed(2) }));
  tf.dispose(tensors);
}
