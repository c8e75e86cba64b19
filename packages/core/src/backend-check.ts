import { backend, getBackend } from '@tensorflow/tfjs-core';
import { DiffusionError } from './errors';

const setUp =
  "import a backend and start it before making tensors, e.g. `import '@tensorflow/tfjs-backend-cpu'` (or -wasm, -webgl, or @tensorflow/tfjs-node) and `await tf.setBackend('cpu'); await tf.ready()`";

/**
 * The name of the active TensorFlow.js backend, starting the best registered one as any tensor
 * operation would. Throws a `DiffusionError` (code `no-backend`) that says how to set one up when
 * none is registered or the registered one is still starting, instead of tfjs' bare
 * "No backend found in registry".
 */
export function checkBackend(field: string): string {
  try {
    backend(); // starts the best registered backend, as the first tensor operation would
    return getBackend();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/No backend found in registry/i.test(message)) {
      throw new DiffusionError('no-backend', `${field}: no TensorFlow.js backend is registered; ${setUp}.`, { field, allowed: 'a registered tfjs backend', cause: error });
    }
    if (/has not yet been initialized/i.test(message)) {
      throw new DiffusionError('no-backend', `${field}: the TensorFlow.js backend is still starting; \`await tf.ready()\` (or \`await tf.setBackend(name)\`) before sampling or training.`, { field, allowed: 'a started tfjs backend', cause: error });
    }
    throw error;
  }
}
