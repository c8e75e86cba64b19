import { describe, expect, it } from 'vitest';
import { checkFiniteArray, checkInRange, checkOneOf, checkOptions, checkPositiveInteger, checkSigmaLadder } from './checks';
import { DiffusionError } from './errors';

describe('argument checks', () => {
  it('name the field, the value and what is allowed', () => {
    expect(() => checkPositiveInteger('T', 0)).toThrow('T: got 0; expected a positive integer.');
    expect(() => checkInRange('beta', 1, 0, 1, '()')).toThrow('beta: got 1; expected a number in (0, 1).');
    expect(() => checkInRange('beta', Number.NaN, 0, 1, '()')).toThrow('beta: got NaN');
    expect(() => checkOneOf('spacing', 'middle', ['leading', 'trailing'])).toThrow('spacing: got "middle"; expected one of "leading", "trailing".');
  });

  it('accept a falling ladder ending in zero and reject others', () => {
    expect(Array.from(checkSigmaLadder('sigmas', [3, 2, 1, 0]))).toEqual([3, 2, 1, 0]);
    expect(() => checkSigmaLadder('sigmas', [3, 3, 0])).toThrow(/sigmas\[1\]: got 3; expected a value below/);
    expect(() => checkSigmaLadder('sigmas', [3, 2, 1])).toThrow(/ends in 0/);
    expect(() => checkSigmaLadder('sigmas', [3, Number.POSITIVE_INFINITY, 0])).toThrow(DiffusionError);
  });

  it('reject array entries that are not numbers instead of coercing them (null → 0, "3" → 3, true → 1)', () => {
    expect(Array.from(checkFiniteArray('losses', [0.5, 2]))).toEqual([0.5, 2]);
    for (const entry of [null, '3', true, [4], {}]) {
      expect(() => checkFiniteArray('losses', [0.5, entry])).toThrow(/losses\[1\]: got .*; expected a finite number/);
    }
    expect(() => checkSigmaLadder('sigmas', [3, '2', 0])).toThrow(/sigmas\[1\]/);
  });

  it('reject unknown option keys', () => {
    expect(() => checkOptions('createEuler', { eta: 1 } as object, ['sChurn'])).toThrow(/createEuler\.eta: got 1; expected no such option/);
  });
});
