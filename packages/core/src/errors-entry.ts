// `@diffusion/core/errors`: the dependency-free part of core (errors, checks, plain contract
// types). `@diffusion/schedules` bundles it to stay free of runtime dependencies.
export { DiffusionError, describeValue, invalidOption } from './errors';
export type { DiffusionErrorCode, DiffusionErrorDetails } from './errors';
export {
  checkBoolean,
  checkFinite,
  checkFiniteArray,
  checkInRange,
  checkNonNegative,
  checkNonNegativeInteger,
  checkOneOf,
  checkOptions,
  checkPositive,
  checkPositiveInteger,
  checkSigmaLadder,
} from './checks';
export type { DiscreteSchedule, Schedule, SpecificationVersion, TimestepSpacing } from './schedule';
