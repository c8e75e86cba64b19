/** A task run at most once at a time: a request during a run asks for one more run after it, however many requests came. */
export interface CoalescingRunner {
  /** Runs the task now, or once more after the run in progress; resolves when no run is left to do. */
  request(): Promise<void>;
  /** Whether a run is in progress. */
  readonly running: boolean;
}

/**
 * Coalesces requests for `task` (a sampling run on every slider movement): while one run is in
 * progress, any number of requests make exactly one more run, on the values of the latest one.
 * A run that throws ends the series (the error reaches the caller that started it).
 */
export function createCoalescingRunner(task: () => Promise<void>): CoalescingRunner {
  let running = false;
  let pending = false;
  let series: Promise<void> = Promise.resolve();
  return {
    get running() {
      return running;
    },
    request() {
      if (running) {
        pending = true;
        return series;
      }
      running = true;
      series = (async () => {
        try {
          do {
            pending = false;
            await task();
          } while (pending);
        } finally {
          running = false;
          pending = false;
        }
      })();
      return series;
    },
  };
}
