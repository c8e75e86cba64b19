import { describe, expect, it } from 'vitest';
import { checkClassLabels } from './class-labels';
import { DiffusionError } from './errors';

describe('checkClassLabels', () => {
  it('returns integer labels in [0, K) as an Int32Array', () => {
    expect(Array.from(checkClassLabels('labels', [0, 3, 9], 10))).toEqual([0, 3, 9]);
    expect(checkClassLabels('labels', new Uint8Array([1, 2]), 3)).toBeInstanceOf(Int32Array);
  });

  it('rejects a label outside [0, K), naming the entry', () => {
    for (const bad of [-1, 10, 1.5, Number.NaN]) {
      const error = (() => {
        try {
          checkClassLabels('labels', [0, bad], 10);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(DiffusionError);
      expect((error as DiffusionError).field).toBe('labels[1]');
      expect((error as DiffusionError).message).toContain('[0, 10)');
    }
  });

  it('accepts the null class K only when asked', () => {
    expect(() => checkClassLabels('labels', [10], 10)).toThrow(DiffusionError);
    expect(Array.from(checkClassLabels('labels', [10], 10, { nullClass: true }))).toEqual([10]);
    expect(() => checkClassLabels('labels', [11], 10, { nullClass: true })).toThrow(/\[0, 10\]/);
  });

  it('rejects a value that is not an array', () => {
    expect(() => checkClassLabels('labels', 3, 10)).toThrow(DiffusionError);
  });
});
