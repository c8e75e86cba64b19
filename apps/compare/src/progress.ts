import cliProgress from 'cli-progress';

/** Progress of one training run as the trainer reports it. */
export interface ProgressEvent {
  readonly step: number;
  readonly loss: number;
  readonly stepsPerSecond: number;
  readonly etaSeconds: number;
}

/** One progress bar per run (step, loss, speed, ETA); silent when `quiet` or not a TTY-like run. */
export interface ProgressBars {
  start(label: string, total: number): (event: ProgressEvent) => void;
  stop(): void;
}

/** Creates the multi-bar display of the compare runs. */
export function createProgressBars(quiet: boolean): ProgressBars {
  if (quiet) return { start: () => () => undefined, stop: () => undefined };
  const multibar = new cliProgress.MultiBar(
    {
      format: ' {label} |{bar}| {value}/{total} steps · loss {loss} · {speed} steps/s · ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: true,
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start(label, total) {
      const bar = multibar.create(total, 0, { label: label.padEnd(18), loss: '–', speed: '–' });
      return (event) => bar.update(event.step, { loss: event.loss.toPrecision(4), speed: event.stepsPerSecond.toFixed(1) });
    },
    stop: () => multibar.stop(),
  };
}
