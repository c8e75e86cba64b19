import { describe, expect, it } from 'vitest';
import { builtinParameterisations } from './builtin-parameterisations';

describe('builtinParameterisations', () => {
  it('gives one of each parameterisation with unique names', () => {
    const names = builtinParameterisations().map((parameterisation) => parameterisation.name);
    expect(names).toEqual(['eps', 'x0', 'v', 'score', 'flow', 'edm']);
  });

  it('has eps as the unit of the loss frame', () => {
    const eps = builtinParameterisations().find((parameterisation) => parameterisation.name === 'eps')!;
    expect(eps.naturalWeight(3)).toBe(1);
  });
});
