import { describe, expect, it } from 'vitest';
import { startBackend, type BackendCandidate, type BackendEngine } from './playground-backend';

/** A fake tfjs engine: `works` lists the backends whose setBackend succeeds. */
function fakeEngine(works: readonly string[], options: { hang?: string } = {}): BackendEngine & { tried: string[] } {
  let current: string | undefined;
  const tried: string[] = [];
  return {
    tried,
    async setBackend(name) {
      tried.push(name);
      if (name === options.hang) return new Promise<boolean>(() => {});
      if (!works.includes(name)) return false;
      current = name;
      return true;
    },
    async ready() {},
    getBackend: () => current,
  };
}

function candidate(name: string, behaviour: { unavailable?: string; loadError?: string } = {}): BackendCandidate {
  return {
    name,
    unavailable: () => behaviour.unavailable,
    load: async () => {
      if (behaviour.loadError !== undefined) throw new Error(behaviour.loadError);
    },
  };
}

const browser = [candidate('webgpu', { unavailable: 'this browser has no WebGPU' }), candidate('webgl', { loadError: 'context lost' }), candidate('wasm'), candidate('cpu')];

describe('starting a backend', () => {
  it('falls back past a missing and a failing backend and says so', async () => {
    const engine = fakeEngine(['wasm', 'cpu']);
    const start = await startBackend(browser, engine);
    expect(start.name).toBe('wasm');
    expect(start.notes).toEqual(['webgpu is not available: this browser has no WebGPU', 'webgl failed to start: context lost', 'fell back to wasm (webgpu, webgl did not start)']);
    expect(engine.tried).toEqual(['wasm']);
  });

  it('runs on the first backend without notes when it works', async () => {
    const start = await startBackend([candidate('webgl'), candidate('cpu')], fakeEngine(['webgl', 'cpu']));
    expect(start).toEqual({ name: 'webgl', notes: [] });
  });

  it('tries a requested backend first, then the usual order', async () => {
    expect(await startBackend(browser, fakeEngine(['wasm', 'cpu']), { requested: 'cpu' })).toEqual({ name: 'cpu', notes: [] });
    const unknown = await startBackend(browser, fakeEngine(['wasm', 'cpu']), { requested: 'tpu' });
    expect(unknown.name).toBe('wasm');
    expect(unknown.notes[0]).toMatch(/backend "tpu" is unknown \(known: webgpu, webgl, wasm, cpu\)/);
  });

  it('falls back when tfjs refuses a backend or it never answers', async () => {
    const refused = await startBackend([candidate('wasm'), candidate('cpu')], fakeEngine(['cpu']));
    expect(refused).toEqual({ name: 'cpu', notes: ['wasm failed to start: tfjs could not initialise it', 'fell back to cpu (wasm did not start)'] });
    const hung = await startBackend([candidate('webgpu'), candidate('cpu')], fakeEngine(['cpu'], { hang: 'webgpu' }), { timeoutMs: 20 });
    expect(hung.name).toBe('cpu');
    expect(hung.notes[0]).toMatch(/webgpu failed to start: starting webgpu did not answer within 0.02 s/);
  });

  it('skips a soft-limited backend in the default order but runs it when asked for by name', async () => {
    const software: BackendCandidate = { name: 'webgl', unavailable: async (requested) => (requested ? undefined : 'WebGL here is drawn in software'), load: async () => {} };
    const auto = await startBackend([software, candidate('wasm')], fakeEngine(['webgl', 'wasm']));
    expect(auto).toEqual({ name: 'wasm', notes: ['webgl is not available: WebGL here is drawn in software', 'fell back to wasm (webgl did not start)'] });
    expect(await startBackend([software, candidate('wasm')], fakeEngine(['webgl', 'wasm']), { requested: 'webgl' })).toEqual({ name: 'webgl', notes: [] });
  });

  it('throws with every reason when no backend starts', async () => {
    await expect(startBackend(browser, fakeEngine([]))).rejects.toThrow(/no tfjs backend could start: webgpu is not available.*webgl failed.*wasm failed.*cpu failed/);
  });
});
