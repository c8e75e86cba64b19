import { isMainThread, parentPort, workerData } from 'node:worker_threads';

// Ctrl-C for a run whose sampling and evaluation are long synchronous loops. The `diffusion-compare`
// command (src/supervisor.ts) runs the app in a worker thread and stays idle itself, so it receives
// SIGINT at once; it raises a counter in shared memory that the worker reads synchronously, from
// inside a sampler's loop (`throwIfInterrupted` in every denoiser call), and posts a message that
// the worker's event loop delivers between training steps. Run directly in the main thread (no
// supervisor), the app listens to SIGINT itself and sees it only when its event loop turns.

const shared = !isMainThread && (workerData as { interruptFlag?: unknown } | undefined)?.interruptFlag instanceof SharedArrayBuffer
  ? new Int32Array((workerData as { interruptFlag: SharedArrayBuffer }).interruptFlag)
  : undefined;
let ownCount = 0;

/** Interrupts (Ctrl-C) received so far. */
export function interruptCount(): number {
  return shared === undefined ? ownCount : Atomics.load(shared, 0);
}

/** Calls `listener` with the running count on every interrupt, from the event loop. */
export function onInterrupt(listener: (count: number) => void): void {
  if (shared !== undefined && parentPort !== null) {
    parentPort.on('message', (message: { type?: string }) => {
      if (message?.type === 'interrupt') listener(interruptCount());
    });
    // The supervisor's messages must not keep the worker alive by themselves.
    parentPort.unref();
    return;
  }
  process.on('SIGINT', () => {
    ownCount += 1;
    listener(ownCount);
  });
}

/** Thrown out of a synchronous loop (a sampler, an evaluation) when the user pressed Ctrl-C. */
export class InterruptedError extends Error {
  constructor() {
    super('interrupted');
    this.name = 'InterruptedError';
  }
}

/** Throws InterruptedError once an interrupt came; cheap (one atomic read), for tight loops. */
export function throwIfInterrupted(): void {
  if (interruptCount() > 0) throw new InterruptedError();
}
