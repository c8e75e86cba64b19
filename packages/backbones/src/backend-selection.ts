import { checkOneOf, DiffusionError } from '@diffusion/core';
import { findBackendFactory, getBackend, ready, setBackend } from '@tensorflow/tfjs-core';

/** The tfjs backends {@link selectBackend} knows: native TensorFlow (tfjs-node), WebAssembly, plain JS. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /** Loads a module by name (default: dynamic `import`); tests inject failures here. */
  readonly importModule?: (specifier: string) => Promise<unknown>;
}

const modules: Readonly<Record<BackendName, string>> = {
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};
const fallbackOrder: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

// A variable specifier keeps bundlers from resolving optional packages at build time.
const defaultImport = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);

/**
 * Picks the fastest available tfjs backend and makes it current: `preferred` first, then
 * tfjs-node's `tensorflow` when installed, then `wasm`, then `cpu` (DESIGN.md § Runtime).
 * Each backend's package is imported dynamically; one that is missing or fails to start is
 * skipped. Resolves to the name now in use.
 */
export async function selectBackend(preferred?: BackendName, options: SelectBackendOptions = {}): Promise<BackendName> {
  if (preferred !== undefined) checkOneOf('selectBackend.preferred', preferred, fallbackOrder);
  const load = options.importModule ?? defaultImport;
  const order = preferred === undefined ? fallbackOrder : [preferred, ...fallbackOrder.filter((name) => name !== preferred)];
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (findBackendFactory(name) === null) await load(modules[name]);
      if (findBackendFactory(name) !== null && (await setBackend(name))) {
        await ready();
        if (getBackend() === name) return name;
      }
      failures.push(`${name}: not registered or failed to start`);
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message}`);
    }
  }
  throw new DiffusionError('io', `selectBackend: no tfjs backend could start (${failures.join('; ')}); install @tensorflow/tfjs-backend-cpu.`, {
    field: 'selectBackend.preferred', value: preferred, allowed: 'an installed tfjs backend package',
  });
}
