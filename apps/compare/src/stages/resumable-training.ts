import type { TrainingData, Trainer, TrainProgressEvent } from '@diffusion/training';
import type { ResumeStore } from '../resume-store';

/**
 * Trains `steps` steps in chunks ending on multiples of `every`, saving the trainer (and the
 * losses) to the resume store after each chunk and when `signal` aborts; a run with a checkpoint
 * in the store starts from it. Without a store, one `train` call.
 */
export async function trainResumably(
  trainer: Trainer,
  options: { data: TrainingData; steps: number; onProgress: (event: TrainProgressEvent) => void; signal: AbortSignal; every: number },
  store: { readonly store: ResumeStore; readonly id: string } | undefined,
): Promise<{ steps: number; losses: Float64Array }> {
  const { data, steps, onProgress, signal, every } = options;
  if (store === undefined) {
    const trained = await trainer.train({ data, steps, onProgress, signal });
    return { steps: trained.steps, losses: trained.losses };
  }
  const losses = (await store.store.loadProgress(store.id, trainer)) ?? [];
  let saved = trainer.completedSteps;
  while (trainer.completedSteps < steps && !signal.aborted) {
    const completed = trainer.completedSteps;
    const next = Math.min(steps, (Math.floor(completed / every) + 1) * every);
    const trained = await trainer.train({ data, steps: next - completed, onProgress, signal });
    losses.push(...trained.losses);
    if (trainer.completedSteps > saved && (trainer.completedSteps === next || signal.aborted)) {
      await store.store.saveProgress(store.id, trainer, losses);
      saved = trainer.completedSteps;
    }
  }
  return { steps: trainer.completedSteps, losses: Float64Array.from(losses) };
}
