import { checkFiniteArray, checkPositiveInteger, invalidOption, type RandomSource } from '@diffusion/core';

/**
 * The fixed 2-D slicing directions `(cos(pi j / count), sin(pi j / count))`, j = 0..count-1,
 * evenly spread over the half circle (a direction and its opposite give the same W1).
 */
export function createCircleDirections(count = 64): Float64Array[] {
  checkPositiveInteger('createCircleDirections.count', count);
  return Array.from({ length: count }, (_, j) => Float64Array.from([Math.cos((Math.PI * j) / count), Math.sin((Math.PI * j) / count)]));
}

/** `count` directions drawn uniformly on the unit sphere of R^dimension (normalised Gaussians; Muller 1959). */
export function createRandomDirections(dimension: number, count: number, random: RandomSource): Float64Array[] {
  checkPositiveInteger('createRandomDirections.dimension', dimension);
  checkPositiveInteger('createRandomDirections.count', count);
  return Array.from({ length: count }, () => {
    const normals = random.normals(dimension);
    const norm = Math.hypot(...normals);
    return normals.map((value) => value / norm);
  });
}

/** Checks slicing directions (all of one dimension, non-zero) and returns them normalised to unit length. */
export function checkDirections(field: string, directions: readonly (ArrayLike<number>)[] | undefined, dimension?: number): Float64Array[] {
  if (directions === undefined) {
    if (dimension !== undefined && dimension !== 2) throw invalidOption(field, undefined, `directions for dimension ${dimension} (the default 64 circle directions are 2-D; see createRandomDirections)`);
    return createCircleDirections(64);
  }
  if (!Array.isArray(directions) || directions.length === 0) throw invalidOption(field, directions, 'a non-empty array of direction vectors');
  const width = dimension ?? directions[0]!.length;
  return directions.map((direction, index) => {
    const vector = checkFiniteArray(`${field}[${index}]`, direction);
    if (vector.length !== width) throw invalidOption(`${field}[${index}]`, direction, `a vector of length ${width}`, 'shape-mismatch');
    const norm = Math.hypot(...vector);
    if (norm === 0) throw invalidOption(`${field}[${index}]`, direction, 'a non-zero vector');
    return vector.map((value) => value / norm);
  });
}
