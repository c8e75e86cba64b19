import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { readImageFolder } from './image-folder';

/** A PNG of `width x height` whose pixel (x, y) is `colour(x, y)` = [r, g, b]. */
function png(width: number, height: number, colour: (x: number, y: number) => [number, number, number], colorType: 0 | 2 | 6 = 6): Buffer {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) image.data.set([...colour(x, y), 255], (y * width + x) * 4);
  return PNG.sync.write(image, { colorType });
}

function folder(files: Record<string, Uint8Array | string>): string {
  const root = mkdtempSync(join(tmpdir(), 'image-folder-'));
  for (const [name, contents] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), contents);
  }
  return root;
}

const grey = (level: number) => (): [number, number, number] => [level, level, level];

describe('readImageFolder', () => {
  it('reads grey PNGs as one channel in [-1, 1], skipping other files', () => {
    const root = folder({ 'a.png': png(2, 2, (x) => [x * 255, x * 255, x * 255], 0), 'b.PNG': png(2, 2, grey(0)), 'notes.txt': 'hello' });
    const table = readImageFolder(root);
    expect(table.sampleShape).toEqual([2, 2, 1]);
    expect(table.files).toEqual(['a.png', 'b.PNG']);
    expect(Array.from(table.images)).toEqual([-1, 1, -1, 1, -1, -1, -1, -1]);
    expect(table.labels).toBeUndefined();
  });

  it('labels images by class subfolder and keeps colour when any image has it', () => {
    const root = folder({ 'cat/1.png': png(1, 1, () => [255, 0, 0]), 'ant/x/2.png': png(1, 1, grey(51)), 'ant/3.png': png(1, 1, grey(102)) });
    const table = readImageFolder(root);
    expect(table.classNames).toEqual(['ant', 'cat']);
    expect(table.files).toEqual(['ant/3.png', 'ant/x/2.png', 'cat/1.png']);
    expect(Array.from(table.labels!)).toEqual([0, 0, 1]);
    expect(table.sampleShape).toEqual([1, 1, 3]);
    expect(Array.from(table.images.subarray(6))).toEqual([1, -1, -1]);
    // --channels 1: ITU-R 601-2 luma of pure red is 0.299 * 255.
    expect(readImageFolder(root, { channels: 1 }).images[2]).toBeCloseTo((0.299 * 255) / 127.5 - 1, 5);
  });

  it('decodes JPEG files (lossy, within a few grey levels)', () => {
    const width = 16;
    const data = new Uint8Array(width * width * 4).fill(200);
    const encoded = jpeg.encode({ data, width, height: width }, 95).data;
    const table = readImageFolder(folder({ 'a.jpg': encoded }));
    for (const value of table.images) expect(Math.abs((value + 1) * 127.5 - 200)).toBeLessThan(3);
  });

  it('resizes and centre-crops every image with --size', () => {
    const root = folder({ 'wide.png': png(8, 4, (x) => [x * 30, x * 30, x * 30]), 'small.png': png(3, 3, grey(90)) });
    const table = readImageFolder(root, { size: 4 });
    expect(table.sampleShape).toEqual([4, 4, 1]);
    expect(table.count).toBe(2);
  });

  it('names the file of another size, of an undecodable image, and an empty or mixed folder', () => {
    const sizes = folder({ 'a.png': png(2, 2, grey(0)), 'b.png': png(3, 2, grey(0)) });
    expect(() => readImageFolder(sizes)).toThrow(`${join(sizes, 'b.png')}: the image is 3x2 but a.png is 2x2; give --size`);
    const broken = folder({ 'a.png': png(2, 2, grey(0)), 'b.png': 'not a png at all' });
    expect(() => readImageFolder(broken)).toThrow(`${join(broken, 'b.png')}: cannot decode the image (it is neither a PNG nor a JPEG file`);
    const truncated = folder({ 'a.png': png(4, 4, grey(0)).subarray(0, 40) });
    expect(() => readImageFolder(truncated)).toThrow(`${join(truncated, 'a.png')}: cannot decode the image`);
    const empty = folder({ 'readme.md': '#' });
    expect(() => readImageFolder(empty)).toThrow(`${empty}: holds no .png/.jpg/.jpeg images (an empty dataset)`);
    const mixed = folder({ 'a.png': png(1, 1, grey(0)), '3/b.png': png(1, 1, grey(0)) });
    expect(() => readImageFolder(mixed)).toThrow('holds images at its top level (a.png) and class subfolders (3/)');
    expect(() => readImageFolder(join(empty, 'nope'))).toThrow(`${join(empty, 'nope')}: cannot read the data file (no such file)`);
  });
});
