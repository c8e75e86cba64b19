import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';

/**
 * Tiles the first `count` images of a `[n, h, w, 1]` tensor in [-1, 1] into one grey PNG
 * (`columns` per row, 2-pixel gaps). Returns the PNG bytes.
 */
export function imageGridPng(images: tf.Tensor, count = 64, columns = 8): Buffer {
  const [total, height, width] = images.shape as [number, number, number, number];
  const shown = Math.min(count, total);
  const rows = Math.ceil(shown / columns);
  const gap = 2;
  const png = new PNG({ width: columns * (width + gap) + gap, height: rows * (height + gap) + gap });
  png.data.fill(255);
  const values = tf.tidy(() => tf.slice(images, [0, 0, 0, 0], [shown, height, width, 1]).dataSync());
  for (let index = 0; index < shown; index += 1) {
    const left = gap + (index % columns) * (width + gap);
    const top = gap + Math.floor(index / columns) * (height + gap);
    for (let row = 0; row < height; row += 1) {
      for (let column = 0; column < width; column += 1) {
        const value = values[(index * height + row) * width + column]!;
        const grey = Math.round(Math.min(1, Math.max(0, (value + 1) / 2)) * 255);
        const offset = ((top + row) * png.width + left + column) * 4;
        png.data[offset] = grey;
        png.data[offset + 1] = grey;
        png.data[offset + 2] = grey;
        png.data[offset + 3] = 255;
      }
    }
  }
  return PNG.sync.write(png);
}

/** A PNG as a `data:` URI for the self-contained report. */
export function pngDataUri(bytes: Buffer): string {
  return `data:image/png;base64,${bytes.toString('base64')}`;
}
