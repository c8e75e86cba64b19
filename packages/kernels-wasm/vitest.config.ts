import { defineDiffusionTestConfig } from '../../vitest.shared';

export default defineDiffusionTestConfig({ setupFiles: ['../../test/setup-cpu-backend.ts', './test/setup-gradients.ts'], testTimeout: 180_000 });
