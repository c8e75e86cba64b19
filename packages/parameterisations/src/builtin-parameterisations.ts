import type { Parameterisation } from '@diffusion/core';
import { createEdmParameterisation } from './edm-parameterisation';
import { createEpsParameterisation } from './eps-parameterisation';
import { createFlowParameterisation } from './flow-parameterisation';
import { createScoreParameterisation } from './score-parameterisation';
import { createVParameterisation } from './v-parameterisation';
import { createX0Parameterisation } from './x0-parameterisation';

/** One of each built-in parameterisation with its defaults, for registries (`createRegistry({ parameterisations })`). */
export function builtinParameterisations(): Parameterisation[] {
  return [createEpsParameterisation(), createX0Parameterisation(), createVParameterisation(), createScoreParameterisation(), createFlowParameterisation(), createEdmParameterisation()];
}
