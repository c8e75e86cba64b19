// Node-only: PNG (pngjs) and JPEG (jpeg-js) decoding for `@diffusion/data/node`.
import { DiffusionError } from '@diffusion/core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { RasterImage } from './image-resize';

/** A decoded file: 8-bit RGBA pixels and whether any pixel has colour (R, G, B not all equal). */
export interface DecodedImage extends RasterImage {
  /** True when some pixel's red, green and blue differ. */
  readonly coloured: boolean;
}

const isPng = (bytes: Uint8Array): boolean => bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
const isJpeg = (bytes: Uint8Array): boolean => bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;

/**
 * Decodes a PNG (any colour type and bit depth pngjs reads; 16-bit scaled to 8) or a baseline or
 * progressive JPEG, chosen by the file's magic bytes, into RGBA `[height, width, 4]` values 0..255.
 * `file` names the image in errors.
 */
export function decodeImage(bytes: Uint8Array, file: string): DecodedImage {
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  try {
    if (isPng(bytes)) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = png);
      rgba = png.data;
    } else if (isJpeg(bytes)) {
      const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
      ({ width, height } = decoded);
      rgba = decoded.data;
    } else {
      throw new Error('it is neither a PNG nor a JPEG file (unknown magic bytes)');
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DiffusionError('invalid-argument', `${file}: cannot decode the image (${reason})`, { field: file, allowed: 'a PNG or JPEG file', cause: error });
  }
  if (width < 1 || height < 1 || rgba.length < width * height * 4) throw new DiffusionError('invalid-argument', `${file}: the image decodes to ${width}x${height} pixels with ${rgba.length} bytes`, { field: file, allowed: 'a non-empty PNG or JPEG image' });
  let coloured = false;
  for (let index = 0; index < width * height * 4 && !coloured; index += 4) coloured = rgba[index] !== rgba[index + 1] || rgba[index] !== rgba[index + 2];
  const data = new Float32Array(width * height * 4);
  for (let index = 0; index < data.length; index += 1) data[index] = rgba[index]!;
  return { width, height, channels: 4, data, coloured };
}

/**
 * RGBA to `channels` channels: 3 drops alpha (as PIL's `convert('RGB')`), 1 takes ITU-R 601-2
 * luma `L = 0.299 R + 0.587 G + 0.114 B` (PIL's `convert('L')`, without its integer rounding).
 */
export function toChannels(image: RasterImage, channels: 1 | 3): RasterImage {
  const pixels = image.width * image.height;
  const data = new Float32Array(pixels * channels);
  for (let pixel = 0; pixel < pixels; pixel += 1) {
    const [red, green, blue] = [image.data[pixel * 4]!, image.data[pixel * 4 + 1]!, image.data[pixel * 4 + 2]!];
    if (channels === 1) data[pixel] = (red * 299 + green * 587 + blue * 114) / 1000;
    else data.set([red, green, blue], pixel * 3);
  }
  return { width: image.width, height: image.height, channels, data };
}
