import { writeSync } from 'node:fs';

/** The stages of a compare run, as results.json's `interrupted.stage` names them. */
export type Stage = 'training' | 'evaluating' | 'sampling' | 'writing report';

/** Where a run is: the stage and the run it works on (none for the exact denoiser's bound). */
export interface StagePosition {
  readonly stage: Stage;
  readonly run?: string;
}

/**
 * With DIFFUSION_COMPARE_STAGES=1 in the environment, one line on stderr as each stage starts
 * (`stage: training eps-natural`, `stage: evaluating …`, `stage: sampling …`, `stage: writing report`):
 * for watching a long run, and for tests that interrupt it at a chosen moment.
 */
export function logStage(stage: Stage, run?: string): void {
  if (process.env.DIFFUSION_COMPARE_STAGES !== '1') return;
  // Straight to file descriptor 2: a worker thread's process.stderr is flushed only when its event
  // loop turns, which a synchronous sampling loop does not let it do.
  writeSync(2, `stage: ${stage}${run === undefined ? '' : ` ${run}`}\n`);
}

/** Remembers the stage a run is in (for the results of an interrupted run) and logs each one. */
export interface StageTracker {
  readonly current: StagePosition | undefined;
  enter(stage: Stage, run?: string): void;
}

/** A StageTracker that starts nowhere. */
export function createStageTracker(): StageTracker {
  let current: StagePosition | undefined;
  return {
    get current() {
      return current;
    },
    enter(stage, run) {
      current = run === undefined ? { stage } : { stage, run };
      logStage(stage, run);
    },
  };
}
