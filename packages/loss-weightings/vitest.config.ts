import { defineDiffusionTestConfig } from '../../vitest.shared';

// Plain float64 arithmetic only: no tensors, so no tfjs backend to set up.
export default defineDiffusionTestConfig();
