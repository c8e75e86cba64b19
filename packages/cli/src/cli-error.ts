import { DiffusionError } from '@diffusion/core';

/** Exit codes of the `diffusion` command. */
export const exitCodes = { ok: 0, failure: 1, badInput: 2, interrupted: 130 } as const;

/** A usage or input error of the command line: printed without a stack, exit code 2. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Input errors (bad flags, files, configs, checkpoints) exit 2; anything else is a bug or a failure (1). */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return exitCodes.badInput;
  if (error instanceof DiffusionError && error.code !== 'non-finite') return exitCodes.badInput;
  return exitCodes.failure;
}
