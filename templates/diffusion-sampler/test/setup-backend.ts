// Tests run on tfjs's plain `cpu` backend: exact float32, no wasm files to serve.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');
await tf.ready();
