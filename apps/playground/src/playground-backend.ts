/** A tfjs backend the page may run on. */
export interface BackendCandidate {
  /** tfjs backend name: `webgpu`, `webgl`, `wasm` or `cpu`. */
  readonly name: string;
  /**
   * Why this backend should not run in this browser (e.g. no `navigator.gpu`), or undefined to try
   * it. `requested` is true when the user asked for this backend by name (then only hard limits apply).
   */
  unavailable(requested: boolean): string | undefined | Promise<string | undefined>;
  /** Loads the backend's module and its files (registers the backend with tfjs). */
  load(): Promise<void>;
}

/** The parts of tfjs-core that pick a backend (injected so the logic runs in tests without a browser). */
export interface BackendEngine {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string | undefined;
}

/** Which backend runs, and what happened to the ones tried before it (shown on the page). */
export interface BackendStart {
  readonly name: string;
  readonly notes: readonly string[];
}

/** The order the page tries backends in when none is asked for. */
export const backendOrder = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 200);
}

function withTimeout<T>(promise: Promise<T>, milliseconds: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${milliseconds / 1000} s`)), milliseconds);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

/**
 * Starts the first backend that works: the requested one first (when given and known), then
 * WebGPU, WebGL, wasm and cpu. Every backend that is missing or fails leaves a note saying why
 * and what the page fell back to. Throws when none starts.
 */
export async function startBackend(candidates: readonly BackendCandidate[], engine: BackendEngine, options: { requested?: string; timeoutMs?: number } = {}): Promise<BackendStart> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const requested = options.requested;
  const notes: string[] = [];
  const known = candidates.map((candidate) => candidate.name);
  let ordered = [...candidates];
  if (requested !== undefined && requested !== 'auto') {
    const first = candidates.find((candidate) => candidate.name === requested);
    if (first === undefined) notes.push(`backend "${requested}" is unknown (known: ${known.join(', ')}); trying the default order`);
    else ordered = [first, ...candidates.filter((candidate) => candidate !== first)];
  }
  const failed: string[] = [];
  for (const candidate of ordered) {
    let reason: string | undefined;
    try {
      reason = await withTimeout(Promise.resolve(candidate.unavailable(candidate.name === requested)), timeoutMs, `checking ${candidate.name}`);
    } catch (error) {
      reason = messageOf(error);
    }
    if (reason !== undefined) {
      notes.push(`${candidate.name} is not available: ${reason}`);
      failed.push(candidate.name);
      continue;
    }
    try {
      await withTimeout(candidate.load(), timeoutMs, `loading ${candidate.name}`);
      const started = await withTimeout(engine.setBackend(candidate.name), timeoutMs, `starting ${candidate.name}`);
      if (!started) throw new Error('tfjs could not initialise it');
      await withTimeout(engine.ready(), timeoutMs, `${candidate.name}`);
      if (engine.getBackend() !== candidate.name) throw new Error(`tfjs reports backend "${engine.getBackend()}" instead`);
      if (failed.length > 0) notes.push(`fell back to ${candidate.name} (${failed.join(', ')} did not start)`);
      return { name: candidate.name, notes };
    } catch (error) {
      notes.push(`${candidate.name} failed to start: ${messageOf(error)}`);
      failed.push(candidate.name);
    }
  }
  throw new Error(`no tfjs backend could start: ${notes.join('; ')}`);
}
