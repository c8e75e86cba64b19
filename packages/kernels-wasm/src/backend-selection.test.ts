import { DiffusionError } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './backend-selection';

describe('selectBackend', () => {
  it('falls back to wasm when @tensorflow/tfjs-node is not installed (as on this machine)', async () => {
    const tried: string[] = [];
    const name = await selectBackend(undefined, { importModule: (specifier) => (tried.push(specifier), import(/* @vite-ignore */ specifier)) });
    expect(tried[0]).toBe('@tensorflow/tfjs-node');
    expect(name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('uses tfjs-node when it is installed: its import registers the "tensorflow" backend, which then wins', async () => {
    const tried: string[] = [];
    // Stand-in for @tensorflow/tfjs-node (not installable here): importing it registers a backend named 'tensorflow'.
    const fakeTfjsNode = async () => {
      const { MathBackendCPU } = await import('@tensorflow/tfjs-backend-cpu');
      tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
      return {};
    };
    try {
      const name = await selectBackend(undefined, { importModule: (specifier) => (tried.push(specifier), specifier === '@tensorflow/tfjs-node' ? fakeTfjsNode() : import(/* @vite-ignore */ specifier)) });
      expect(tried).toEqual(['@tensorflow/tfjs-node']);
      expect(name).toBe('tensorflow');
      expect(tf.getBackend()).toBe('tensorflow');
    } finally {
      await tf.setBackend('cpu');
      tf.removeBackend('tensorflow');
    }
  });

  it('honours a preferred backend', async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await selectBackend('tensorflow')).toBe('wasm');
  });

  it('falls back to cpu when wasm cannot load', async () => {
    await tf.setBackend('cpu');
    tf.removeBackend('wasm');
    const name = await selectBackend('wasm', { importModule: (specifier) => (specifier.endsWith('wasm') || specifier.endsWith('node') ? Promise.reject(new Error(`cannot find ${specifier}`)) : import(/* @vite-ignore */ specifier)) });
    expect(name).toBe('cpu');
  });

  it('says why when no backend starts, and rejects unknown names', async () => {
    for (const name of ['cpu', 'wasm']) if (tf.findBackendFactory(name) !== null) tf.removeBackend(name);
    await expect(selectBackend(undefined, { importModule: () => Promise.reject(new Error('offline')) })).rejects.toThrow(/tensorflow: offline; wasm: offline; cpu: offline/);
    await expect(selectBackend('webgl' as 'cpu')).rejects.toBeInstanceOf(DiffusionError);
  });
});
