import { defineDiffusionTestConfig } from '../../vitest.shared';

export default defineDiffusionTestConfig({ setupFiles: ['../../test/setup-test-backend.ts'] });
