import { defineDiffusionTestConfig } from '../../vitest.shared';

export default defineDiffusionTestConfig({ setupFiles: ['../../test/setup-cpu-backend.ts'] });
