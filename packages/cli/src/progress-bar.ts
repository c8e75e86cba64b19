import cliProgress from 'cli-progress';

/** The training progress display: step, loss, steps per second and ETA. */
export interface TrainingProgress {
  update(step: number, loss: number, stepsPerSecond: number): void;
  stop(): void;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  return hours > 0 ? `${hours}h${String(minutes).padStart(2, '0')}m` : minutes > 0 ? `${minutes}m${String(rest).padStart(2, '0')}s` : `${rest}s`;
}

/**
 * A cli-progress bar on stderr (on a terminal it redraws; otherwise it prints a line every few
 * seconds); nothing when `quiet`. Speed and ETA are of this process's steps.
 */
export function createTrainingProgress(total: number, start: number, quiet: boolean): TrainingProgress {
  if (quiet) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: ' step {value}/{total} |{bar}| loss {loss} · {speed} steps/s · ETA {etaText}',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, start, { loss: '–', speed: '–', etaText: '–' });
  return {
    update(step, loss, stepsPerSecond) {
      bar.update(step, { loss: loss.toPrecision(4), speed: stepsPerSecond.toFixed(1), etaText: formatSeconds((total - step) / stepsPerSecond) });
    },
    stop: () => bar.stop(),
  };
}
