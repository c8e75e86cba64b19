// Vitest setup shared by the packages that use tensors: run on tfjs's plain `cpu` backend,
// which is exact float32 and needs no wasm files.
// DIFFUSION_TEST_BACKEND=wasm runs the same tests on tfjs-backend-wasm (SIMD, one thread) with
// every kernel of @diffusion/kernels-wasm registered, stock kernels replaced, as the bench runs:
// `DIFFUSION_TEST_BACKEND=wasm pnpm test` checks that the fast kernels keep every test's bound.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

// Test mode: tfjs keeps quiet (no "install tfjs-node" banner in every test file).
tf.env().set('IS_TEST', true);
const backend = process.env.DIFFUSION_TEST_BACKEND ?? 'cpu';
if (backend === 'wasm') {
  const { registerDiffusionKernels, selectBackend } = await import('../packages/kernels-wasm/src/index');
  await selectBackend('wasm');
  registerDiffusionKernels({ replaceStockKernels: true });
} else if (backend === 'cpu') {
  await tf.setBackend('cpu');
} else {
  throw new Error(`DIFFUSION_TEST_BACKEND: "${backend}" is not a test backend (allowed: cpu, wasm)`);
}
await tf.ready();
