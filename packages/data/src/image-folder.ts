// Node-only: a folder of PNG and JPEG images, one subfolder per class when labelled.
import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { classesOf } from './csv-points';
import { dataError, readDataFile } from './file-errors';
import { decodeImage, toChannels } from './image-decoding';
import { resizeAndCentreCrop } from './image-resize';

/** Options of {@link readImageFolder}. */
export interface ImageFolderOptions {
  /** Resize the shorter side to `size` and keep the centre `size x size` (torchvision's Resize + CenterCrop); default: every image must have the first one's size. */
  readonly size?: number;
  /** 1 (grey, ITU-R 601-2 luma) or 3 (RGB); default 3 when any image has colour, else 1. */
  readonly channels?: 1 | 3;
}

/** Images read from a folder. */
export interface ImageTable {
  /** Row-major `[count, height, width, channels]`, grey levels 0..255 mapped to [-1, 1]. */
  readonly images: Float32Array;
  readonly count: number;
  /** `[height, width, channels]`. */
  readonly sampleShape: readonly [number, number, number];
  /** Each image's path relative to the folder, in reading order. */
  readonly files: readonly string[];
  /** Class of each image (its subfolder), into `classNames`, when the folder has class subfolders. */
  readonly labels?: Int32Array;
  /** Subfolder names, sorted; index = class. */
  readonly classNames?: readonly string[];
}

/** Image file extensions that are read; other files (a README, `.DS_Store`) are skipped. */
export const imageFileExtensions = ['.png', '.jpg', '.jpeg'] as const;

const isImageFile = (name: string): boolean => (imageFileExtensions as readonly string[]).includes(extname(name).toLowerCase());
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Image files below a folder, recursively, sorted. */
function imagesBelow(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => byCodeUnit(a.name, b.name))) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...imagesBelow(path));
    else if (isImageFile(entry.name)) found.push(path);
  }
  return found;
}

/**
 * Reads every PNG and JPEG of a folder (decoded by pngjs and jpeg-js). With class subfolders
 * (`digits/0/*.png`, `digits/1/*.png`, …) each image is labelled by its subfolder; images loose at
 * the top level then are an error. Errors name the file: an undecodable image, an image of another
 * size than the first when `size` is not given, an empty folder.
 */
export function readImageFolder(folder: string, options: ImageFolderOptions = {}): ImageTable {
  let entries;
  try {
    if (!statSync(folder).isDirectory()) throw dataError(folder, undefined, 'not a folder; give a folder of PNG/JPEG images', folder, 'a folder');
    entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => byCodeUnit(a.name, b.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    readDataFile(folder); // turns the system error into the named one
    throw error;
  }
  const loose = entries.filter((entry) => entry.isFile() && isImageFile(entry.name)).map((entry) => join(folder, entry.name));
  const classFolders = entries.filter((entry) => entry.isDirectory()).map((entry) => ({ name: entry.name, files: imagesBelow(join(folder, entry.name)) })).filter((entry) => entry.files.length > 0);
  if (loose.length > 0 && classFolders.length > 0) {
    throw dataError(folder, undefined, `holds images at its top level (${relative(folder, loose[0]!)}) and class subfolders (${classFolders[0]!.name}/); put every image in a class subfolder, or none`, loose[0], 'images all loose or all in class subfolders');
  }
  const files = classFolders.length > 0 ? classFolders.flatMap((entry) => entry.files) : loose;
  if (files.length === 0) throw dataError(folder, undefined, `holds no ${imageFileExtensions.join('/')} images (an empty dataset)`, 0, 'at least one image');
  const size = options.size;
  const decoded = files.map((file) => {
    const image = decodeImage(readDataFile(file), file);
    return { coloured: image.coloured, image: toChannels(image, 3) };
  });
  const channels = options.channels ?? (decoded.some((entry) => entry.coloured) ? 3 : 1);
  const first = decoded[0]!.image;
  const [height, width] = size === undefined ? [first.height, first.width] : [size, size];
  const images = new Float32Array(files.length * height * width * channels);
  decoded.forEach(({ image }, index) => {
    if (size === undefined && (image.width !== width || image.height !== height)) {
      throw dataError(files[index]!, undefined, `the image is ${image.width}x${image.height} but ${relative(folder, files[0]!)} is ${width}x${height}; give --size to resize and centre-crop every image`, [image.width, image.height], `${width}x${height}`);
    }
    const shaped = size === undefined ? image : resizeAndCentreCrop(image, size);
    const converted = channels === 3 ? shaped : toChannels({ ...shaped, channels: 4, data: withAlpha(shaped.data) }, 1);
    const offset = index * height * width * channels;
    for (let value = 0; value < converted.data.length; value += 1) images[offset + value] = Math.min(255, Math.max(0, converted.data[value]!)) / 127.5 - 1;
  });
  const table = { images, count: files.length, sampleShape: [height, width, channels] as [number, number, number], files: files.map((file) => relative(folder, file)) };
  if (classFolders.length === 0) return table;
  const { labels, classNames } = classesOf(classFolders.flatMap((entry) => entry.files.map(() => entry.name)));
  return { ...table, labels, classNames };
}

/** RGB values as RGBA (alpha unused) for the luma conversion. */
function withAlpha(rgb: Float32Array): Float32Array {
  const out = new Float32Array((rgb.length / 3) * 4);
  for (let pixel = 0; pixel < rgb.length / 3; pixel += 1) out.set(rgb.subarray(pixel * 3, pixel * 3 + 3), pixel * 4);
  return out;
}
