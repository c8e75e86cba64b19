import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels, selectBackend } from '../../packages/backbones/dist/index.js';
await selectBackend('wasm', { wasmThreads: Number(process.env.T ?? 1) });
registerWasmTrainingKernels();
const shapes = [[64, 28, 32, 32], [64, 14, 128, 64], [64, 7, 64, 64], [64, 28, 96, 32]];
for (const [B, H, Cin, Cout] of shapes) {
  const x = tf.randomNormal([B, H, H, Cin]), w = tf.randomNormal([3, 3, Cin, Cout]);
  const dy = tf.randomNormal([B, H, H, Cout]);
  const f = () => tf.conv2d(x, w, 1, 'same');
  const g = () => tf.grad((ww) => tf.sum(tf.mul(tf.conv2d(x, ww, 1, 'same'), dy)))(w);
  const time = (fn) => { for (let i = 0; i < 3; i++) fn().dispose(); const t = performance.now(); for (let i = 0; i < 10; i++) { const r = fn(); r.dataSync(); r.dispose(); } return (performance.now() - t) / 10; };
  const fl = 2 * B * H * H * 9 * Cin * Cout / 1e6;
  const tf_ = time(f), tg = time(g);
  console.log(`${[B, H, Cin, Cout]} fwd ${tf_.toFixed(1)} ms ${(fl / tf_).toFixed(1)} GF/s | fwd+wgrad ${tg.toFixed(1)} ms`);
}
