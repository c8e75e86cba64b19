// Vitest setup shared by the packages that use tensors: run on tfjs's plain `cpu` backend,
// which is exact float32 and needs no wasm files.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

// Test mode: tfjs keeps quiet (no "install tfjs-node" banner in every test file).
tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');
await tf.ready();
