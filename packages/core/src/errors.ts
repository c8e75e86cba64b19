/** Stable machine-readable codes carried by every {@link DiffusionError}. */
export type DiffusionErrorCode =
  | 'invalid-option'
  | 'invalid-argument'
  | 'shape-mismatch'
  | 'unknown-name'
  | 'duplicate-name'
  | 'non-finite'
  | 'unsupported-version'
  | 'checkpoint'
  | 'io'
  | 'no-backend';

/** Structured details of a {@link DiffusionError}: which field, which value, what is allowed. */
export interface DiffusionErrorDetails {
  /** Dotted name of the option or argument at fault, e.g. `'createLinearSchedule.betaStart'`. */
  readonly field?: string;
  /** The offending value (kept as given; may be any JSON-like value). */
  readonly value?: unknown;
  /** Human-readable description of what is allowed, e.g. `'a number in (0, 1)'`. */
  readonly allowed?: string;
  /** The lower-level error that caused this one, if any. */
  readonly cause?: unknown;
}

const brand = Symbol.for('@diffusion/core/DiffusionError');

/** Formats a value for an error message without throwing on cycles or huge arrays. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const array = Array.from(value as unknown as ArrayLike<number>);
    return `[${array.slice(0, 8).join(', ')}${array.length > 8 ? `, … (${array.length} values)` : ''}]`;
  }
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(value);
  }
}

/**
 * The one error type of @diffusion. Its `code` is stable across versions; `field`, `value`
 * and `allowed` say which input was wrong and what would have been accepted.
 *
 * `instanceof DiffusionError` holds across copies of this class (a package that bundles
 * core, such as `@diffusion/schedules`, has its own copy): the check reads a global brand.
 */
export class DiffusionError extends Error {
  /** Stable error code. */
  readonly code: DiffusionErrorCode;
  /** The option or argument at fault, if any. */
  readonly field: string | undefined;
  /** The offending value, if any. */
  readonly value: unknown;
  /** What would have been accepted, if known. */
  readonly allowed: string | undefined;

  constructor(code: DiffusionErrorCode, message: string, details: DiffusionErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DiffusionError';
    this.code = code;
    this.field = details.field;
    this.value = details.value;
    this.allowed = details.allowed;
    Object.defineProperty(this, brand, { value: true });
  }

  static [Symbol.hasInstance](instance: unknown): boolean {
    return typeof instance === 'object' && instance !== null && (instance as Record<symbol, unknown>)[brand] === true;
  }
}

/** Builds the standard "field: got value; expected allowed" error. */
export function invalidOption(field: string, value: unknown, allowed: string, code: DiffusionErrorCode = 'invalid-option'): DiffusionError {
  return new DiffusionError(code, `${field}: got ${describeValue(value)}; expected ${allowed}.`, { field, value, allowed });
}
