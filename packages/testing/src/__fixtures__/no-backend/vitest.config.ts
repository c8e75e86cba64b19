import { mergeConfig } from 'vitest/config';
import { defineDiffusionTestConfig } from '../../../../../vitest.shared';

// A plugin project that forgot its backend setup file: no setupFiles, so no tfjs backend is registered.
export default mergeConfig(defineDiffusionTestConfig({ setupFiles: [] }), { test: { include: ['*.fixture.ts'] } });
