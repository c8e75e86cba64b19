// `@diffusion/data/node`: readers of the user's own files (Node only: node:fs, pngjs, csv-parse).
export { parseCsvPoints } from './csv-points';
export type { CsvPointsOptions, PointTable } from './csv-points';
export { readPointsFile, pointFileExtensions } from './points-file';
export { readImageFolder, imageFileExtensions } from './image-folder';
export type { ImageFolderOptions, ImageTable } from './image-folder';
export { decodeImage, toChannels } from './image-decoding';
export type { DecodedImage } from './image-decoding';
