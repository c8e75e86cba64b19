/**
 * The page's state machine: idle → training ⇄ paused → sampling → paused, and reset from
 * anywhere back to idle. Pure: `reducePlayground(state, action)` returns the next state, or the
 * same object when the action does not apply in that phase.
 */

/** What the page is doing. */
export type Phase = 'idle' | 'training' | 'paused' | 'sampling';

/** The state the controls and the status line are drawn from. */
export interface PlaygroundState {
  readonly phase: Phase;
  /** Optimisation steps done by the current model (0 when there is none). */
  readonly completedSteps: number;
  /** Steps at which training pauses by itself. */
  readonly targetSteps: number;
  /** Latest training throughput, steps per second (0 before any progress). */
  readonly stepsPerSecond: number;
  /** Latest per-step loss, or NaN before any step. */
  readonly latestLoss: number;
  /** Finished sampling runs of the current model. */
  readonly samplingRuns: number;
  /** Why the last action failed, shown on the page; cleared by the next successful action. */
  readonly error: string | undefined;
  /** A line about the last phase change (e.g. "reached 500 steps"). */
  readonly message: string | undefined;
}

/** Everything that can happen to the page. */
export type PlaygroundAction =
  | { readonly type: 'start'; readonly targetSteps: number }
  | { readonly type: 'pause' }
  | { readonly type: 'progress'; readonly completedSteps: number; readonly latestLoss: number; readonly stepsPerSecond: number }
  | { readonly type: 'sample' }
  | { readonly type: 'sampled' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'reset' };

/** The state of a fresh page. */
export const initialPlaygroundState: PlaygroundState = {
  phase: 'idle',
  completedSteps: 0,
  targetSteps: 0,
  stepsPerSecond: 0,
  latestLoss: Number.NaN,
  samplingRuns: 0,
  error: undefined,
  message: undefined,
};

/** Whether `type` applies in the current state (the page enables its buttons from this). */
export function canDispatch(state: PlaygroundState, type: PlaygroundAction['type']): boolean {
  switch (type) {
    case 'start':
      return state.phase === 'idle' || state.phase === 'paused';
    case 'pause':
    case 'progress':
      return state.phase === 'training';
    case 'sample':
      return state.phase === 'paused' || (state.phase === 'training' && state.completedSteps > 0);
    case 'sampled':
      return state.phase === 'sampling';
    case 'failed':
    case 'reset':
      return true;
  }
}

/** Whether the model's settings (data, schedule, network, …) may change: only before training starts. */
export function modelSettingsEditable(state: PlaygroundState): boolean {
  return state.phase === 'idle';
}

/** Whether the sampler settings may change: any time but during a sampling run. */
export function samplerSettingsEditable(state: PlaygroundState): boolean {
  return state.phase !== 'sampling';
}

/**
 * What a change of class or guidance does to the samples on show ("live"): `now`, a fresh sampling
 * run when the model is paused (trained, not training); `queue`, one more run after the run in
 * progress; `none` while training (the next Sample uses the new values) or without a model.
 */
export function liveResampling(state: PlaygroundState): 'now' | 'queue' | 'none' {
  if (state.phase === 'paused') return 'now';
  if (state.phase === 'sampling') return 'queue';
  return 'none';
}

/** The next state after `action`; the same object when the action does not apply. */
export function reducePlayground(state: PlaygroundState, action: PlaygroundAction): PlaygroundState {
  if (!canDispatch(state, action.type)) return state;
  switch (action.type) {
    case 'start': {
      if (!Number.isInteger(action.targetSteps) || action.targetSteps < 1) {
        return { ...state, error: `Training steps must be a whole number of at least 1 (got ${action.targetSteps}).` };
      }
      if (action.targetSteps <= state.completedSteps) {
        return { ...state, error: `The model already has ${state.completedSteps} steps; raise "training steps" above that to train on.` };
      }
      return { ...state, phase: 'training', targetSteps: action.targetSteps, error: undefined, message: state.completedSteps === 0 ? 'training started' : 'training resumed' };
    }
    case 'pause':
      return { ...state, phase: 'paused', message: `paused at step ${state.completedSteps}` };
    case 'progress': {
      const reached = action.completedSteps >= state.targetSteps;
      return {
        ...state,
        completedSteps: action.completedSteps,
        latestLoss: action.latestLoss,
        stepsPerSecond: action.stepsPerSecond,
        phase: reached ? 'paused' : 'training',
        message: reached ? `reached ${action.completedSteps} steps` : state.message,
      };
    }
    case 'sample':
      return { ...state, phase: 'sampling', error: undefined, message: 'sampling' };
    case 'sampled':
      return { ...state, phase: 'paused', samplingRuns: state.samplingRuns + 1, message: 'sampled' };
    case 'failed':
      return { ...state, phase: state.completedSteps === 0 && state.phase !== 'sampling' ? 'idle' : 'paused', error: action.message };
    case 'reset':
      return { ...initialPlaygroundState };
  }
}
