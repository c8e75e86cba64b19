import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resizeAndCentreCrop, resizeImage } from './image-resize';

interface ResizeFixture {
  input: { height: number; width: number; channels: number; data: number[] };
  outputs: Array<{ height: number; width: number; data: number[] }>;
}
const fixture = (JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', 'files', 'expected.json'), 'utf8')) as { resize: ResizeFixture }).resize;

describe('resizeImage', () => {
  const input = { ...fixture.input, data: Float32Array.from(fixture.input.data) };
  for (const output of fixture.outputs) {
    it(`matches torch's antialiased bilinear interpolate from 13x9 to ${output.width}x${output.height}`, () => {
      const resized = resizeImage(input, output.width, output.height);
      const worst = Math.max(...Array.from(resized.data, (value, index) => Math.abs(value - output.data[index]!)));
      // float32 sums of up to ~9 terms of values <= 255.
      expect(worst).toBeLessThan(1e-3);
    });
  }

  it('keeps a constant image constant', () => {
    const constant = { width: 7, height: 5, channels: 1, data: new Float32Array(35).fill(42) };
    for (const [width, height] of [[3, 2], [11, 9], [7, 1]] as const) for (const value of resizeImage(constant, width, height).data) expect(value).toBeCloseTo(42, 4);
  });
});

describe('resizeAndCentreCrop', () => {
  it('scales the shorter side to the size and keeps the centre square, as torchvision', () => {
    // 8 wide, 4 high: the shorter side becomes 2 (width 4), then the centre 2x2 (columns 1..2).
    const data = Float32Array.from({ length: 32 }, (_, index) => index % 8);
    const out = resizeAndCentreCrop({ width: 8, height: 4, channels: 1, data }, 2);
    expect([out.width, out.height]).toEqual([2, 2]);
    const columns = resizeImage({ width: 8, height: 4, channels: 1, data }, 4, 2);
    expect(Array.from(out.data)).toEqual([columns.data[1], columns.data[2], columns.data[5], columns.data[6]]);
  });

  it('returns the image itself cropped when it already has the size', () => {
    const data = Float32Array.from({ length: 12 }, (_, index) => index);
    expect(Array.from(resizeAndCentreCrop({ width: 3, height: 4, channels: 1, data }, 3).data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
