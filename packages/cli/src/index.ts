export { runDiffusionCli } from './program';
export { exitCodes } from './cli-error';
export { runSettingsSchema } from './run-settings';
export type { RunSettings } from './run-settings';
export { runRecordSchema } from './run-record';
export type { DataRecord, RunRecord } from './run-record';
