import { defineDiffusionTestConfig } from '../../vitest.shared';

export default defineDiffusionTestConfig({ setupFiles: ['../../test/setup-cpu-backend.ts'], testTimeout: 120_000 });
