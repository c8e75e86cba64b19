// Measures the prototype: BatchMatMul on tfjs-backend-wasm by XNNPACK (with the repository's fast
// transposed path) vs OpenBLAS sgemm on the wasm heap, on the shapes of W1 / W2, one thread each
// (OPENBLAS_NUM_THREADS=1 is set below unless given). Prints GFLOP/s and the largest difference.
// Usage: sh build.sh && node bench/native-prototype/measure.mjs
process.env.OPENBLAS_NUM_THREADS ??= '1';
const tf = await import('@tensorflow/tfjs-core');
const { registerDiffusionKernels, selectBackend } = await import('../../packages/kernels-wasm/dist/index.js');
const { registerNativeMatMul } = await import('./native-matmul-kernel.mjs');
const { fileURLToPath } = await import('node:url');
const { join, dirname } = await import('node:path');

await selectBackend('wasm');
registerDiffusionKernels({ replaceStockKernels: true });
if (tf.getBackend() !== 'wasm') throw new Error(`backend is ${tf.getBackend()}, not wasm`);
const shapes = [
  { name: '512³', m: 512, k: 512, n: 512 },
  { name: 'W2 hidden layer 10000×256·256×256', m: 10000, k: 256, n: 256 },
  { name: 'W1 hidden layer 512×256·256×256', m: 512, k: 256, n: 256 },
  { name: 'W1 weight gradient (256×512)ᵀ… Aᵀ·B', m: 256, k: 512, n: 256, transposeA: true },
  { name: 'W1 input gradient A·Bᵀ', m: 512, k: 256, n: 256, transposeB: true },
];
const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
function time(a, b, shape) {
  const run = () => {
    const product = tf.matMul(a, b, shape.transposeA, shape.transposeB);
    product.dataSync();
    product.dispose();
  };
  run();
  const times = [];
  for (let i = 0; i < 15; i += 1) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}
const operands = shapes.map((shape) => {
  const a = tf.randomNormal(shape.transposeA ? [shape.k, shape.m] : [shape.m, shape.k], 0, 1, 'float32', 1);
  const b = tf.randomNormal(shape.transposeB ? [shape.n, shape.k] : [shape.k, shape.n], 0, 1, 'float32', 2);
  return { a, b };
});
const xnn = shapes.map((shape, index) => ({ ms: time(operands[index].a, operands[index].b, shape), values: tf.matMul(operands[index].a, operands[index].b, shape.transposeA, shape.transposeB).dataSync() }));
registerNativeMatMul(join(dirname(fileURLToPath(import.meta.url)), 'sgemm-addon.node'));
console.log(`OPENBLAS_NUM_THREADS=${process.env.OPENBLAS_NUM_THREADS}`);
console.log('| shape | XNNPACK ms | GFLOP/s | OpenBLAS on the wasm heap ms | GFLOP/s | max |diff| / max |value| |');
console.log('|---|---|---|---|---|---|');
shapes.forEach((shape, index) => {
  const ms = time(operands[index].a, operands[index].b, shape);
  const values = tf.matMul(operands[index].a, operands[index].b, shape.transposeA, shape.transposeB).dataSync();
  let diff = 0;
  let scale = 0;
  values.forEach((value, i) => {
    diff = Math.max(diff, Math.abs(value - xnn[index].values[i]));
    scale = Math.max(scale, Math.abs(xnn[index].values[i]));
  });
  const flop = 2 * shape.m * shape.n * shape.k;
  console.log(`| ${shape.name} | ${xnn[index].ms.toFixed(2)} | ${(flop / xnn[index].ms / 1e6).toFixed(1)} | ${ms.toFixed(2)} | ${(flop / ms / 1e6).toFixed(1)} | ${(diff / scale).toExponential(1)} |`);
});
process.exit(0);
