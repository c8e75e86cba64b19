import { defineDiffusionTestConfig } from '../../vitest.shared';

export default defineDiffusionTestConfig();
