// Vitest setup of the kernels package: its tests compare wasm kernels against tfjs's plain `cpu`
// backend, which is exact float32, so they start on cpu whatever DIFFUSION_TEST_BACKEND says.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

// Test mode: tfjs keeps quiet (no "install tfjs-node" banner in every test file).
tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');
await tf.ready();
