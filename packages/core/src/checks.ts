import { invalidOption } from './errors';

// Argument checks shared by every package. Each throws a DiffusionError naming the field,
// the value and what is allowed; each returns the checked value so it can be used inline.

/** Checks a finite number. */
export function checkFinite(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidOption(field, value, 'a finite number');
  return value;
}

/** Checks a positive integer (1, 2, 3, …). */
export function checkPositiveInteger(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw invalidOption(field, value, 'a positive integer');
  return value;
}

/** Checks a non-negative integer (0, 1, 2, …). */
export function checkNonNegativeInteger(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalidOption(field, value, 'a non-negative integer');
  return value;
}

/** Checks a finite number strictly greater than zero. */
export function checkPositive(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalidOption(field, value, 'a finite number > 0');
  return value;
}

/** Checks a finite number greater than or equal to zero. */
export function checkNonNegative(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalidOption(field, value, 'a finite number >= 0');
  return value;
}

/** Checks a number in an interval; `open` excludes the ends. */
export function checkInRange(field: string, value: unknown, low: number, high: number, bounds: '()' | '[]' | '(]' | '[)' = '[]'): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (bounds[0] === '(' ? value > low : value >= low) &&
    (bounds[1] === ')' ? value < high : value <= high);
  if (!ok) throw invalidOption(field, value, `a number in ${bounds[0]}${low}, ${high}${bounds[1]}`);
  return value as number;
}

/** Checks that a value is one of a fixed set of names. */
export function checkOneOf<const T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidOption(field, value, `one of ${allowed.map((name) => JSON.stringify(name)).join(', ')}`, 'unknown-name');
  }
  return value as T;
}

/** Checks a boolean. */
export function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidOption(field, value, 'true or false');
  return value;
}

/** Checks an array (or typed array) of finite numbers, optionally of a minimum length. */
export function checkFiniteArray(field: string, value: unknown, minLength = 1): Float64Array {
  const isArrayLike = Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
  if (!isArrayLike) throw invalidOption(field, value, `an array of at least ${minLength} finite numbers`);
  // A plain array's entries must be numbers: Float64Array.from would turn null into 0, "3" into 3, true into 1.
  if (Array.isArray(value)) {
    const index = value.findIndex((entry) => typeof entry !== 'number');
    if (index >= 0) throw invalidOption(`${field}[${index}]`, value[index], 'a finite number');
  }
  const array = Float64Array.from(value as ArrayLike<number>);
  if (array.length < minLength) throw invalidOption(field, value, `an array of at least ${minLength} finite numbers`);
  array.forEach((entry, index) => {
    if (!Number.isFinite(entry)) throw invalidOption(`${field}[${index}]`, entry, 'a finite number');
  });
  return array;
}

/**
 * Checks a sampling ladder: finite, strictly falling, non-negative, ending in exactly 0,
 * with at least `minLength` entries.
 */
export function checkSigmaLadder(field: string, value: unknown, minLength = 2): Float64Array {
  const sigmas = checkFiniteArray(field, value, minLength);
  for (let index = 0; index < sigmas.length; index += 1) {
    const sigma = sigmas[index]!;
    if (sigma < 0) throw invalidOption(`${field}[${index}]`, sigma, 'a sigma >= 0');
    if (index > 0 && !(sigma < sigmas[index - 1]!)) {
      throw invalidOption(`${field}[${index}]`, sigma, `a value below the previous sigma ${sigmas[index - 1]} (the ladder must fall)`);
    }
  }
  if (sigmas[sigmas.length - 1] !== 0) throw invalidOption(`${field}[${sigmas.length - 1}]`, sigmas[sigmas.length - 1], 'a ladder that ends in 0');
  return sigmas;
}

/** Checks that an options argument is a plain object (or undefined) and has no unknown keys. */
export function checkOptions<T extends object>(field: string, value: T | undefined, known: readonly string[]): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidOption(field, value, 'an options object');
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw invalidOption(`${field}.${key}`, (value as Record<string, unknown>)[key], `no such option; known options are ${known.join(', ')}`);
  }
  return value;
}
