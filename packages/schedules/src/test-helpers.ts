import { expect } from 'vitest';
import { DiffusionError } from '@diffusion/core/errors';

/** Expects `run` to throw a DiffusionError whose message names every given piece (field, value, allowed). */
export function expectDiffusionError(run: () => unknown, pieces: readonly string[]): void {
  expect(run).toThrow(DiffusionError);
  try {
    run();
  } catch (error) {
    const message = (error as Error).message;
    for (const piece of pieces) expect(message).toContain(piece);
    expect((error as DiffusionError).field).toBeTypeOf('string');
    expect((error as DiffusionError).allowed).toBeTypeOf('string');
  }
}
