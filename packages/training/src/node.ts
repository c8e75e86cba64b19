// `@diffusion/training/node`: the Node-only file side of checkpoints.
export { nodeCheckpointFileSystem, readCheckpointFile, removeStaleTemporaryFiles, writeFileAtomic } from './checkpoint-file';
export type { CheckpointFileSystem } from './checkpoint-file';
