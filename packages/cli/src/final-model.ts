import type { Backbone, Registry } from '@diffusion/core';
import { saveSafetensors } from '@diffusion/backbones';
import type { Trainer } from '@diffusion/training';
import { createBackbone } from './components';
import type { RunRecord } from './run-record';

/**
 * The final model of a run: a backbone of the run's configuration holding the trainer's EMA
 * weights, as safetensors bytes (`saveSafetensors`: backbone name and config in `__metadata__`).
 */
export function emaModelBytes(registry: Registry, record: RunRecord, trainer: Trainer): Uint8Array {
  const backbone: Backbone = createBackbone(registry, record.settings, record.data);
  try {
    const ema = trainer.emaWeights();
    for (const [name, weight] of backbone.variables()) weight.assign(ema.get(name)!);
    return saveSafetensors(backbone);
  } finally {
    backbone.dispose();
  }
}
