import { PNG } from 'pngjs';
import { encodeNpy } from '@diffusion/data';

/** CSV text of points `[count, dimension]` with a header. */
export function pointsCsv(values: ArrayLike<number>, columnNames: readonly string[]): string {
  const dimension = columnNames.length;
  const lines = [columnNames.map((name) => (/[",\n]/.test(name) ? `"${name.replaceAll('"', '""')}"` : name)).join(',')];
  for (let row = 0; row * dimension < values.length; row += 1) lines.push(Array.from({ length: dimension }, (_, axis) => String(values[row * dimension + axis])).join(','));
  return `${lines.join('\n')}\n`;
}

const escapeXml = (text: string): string => text.replace(/[<>&"]/g, (character) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[character]!);

/**
 * An SVG scatter plot of the first two coordinates of points (one coordinate: a histogram), in the
 * data's units, with axis labels from the column names; `reference` points (the data) in grey below.
 */
export function scatterSvg(values: ArrayLike<number>, columnNames: readonly string[], title: string, reference?: ArrayLike<number>): string {
  const dimension = columnNames.length;
  const size = 480;
  const margin = 48;
  const count = values.length / dimension;
  const xs = Array.from({ length: count }, (_, row) => values[row * dimension]!);
  const ys = dimension >= 2 ? Array.from({ length: count }, (_, row) => values[row * dimension + 1]!) : undefined;
  const referenceXs = reference === undefined ? [] : Array.from({ length: reference.length / dimension }, (_, row) => reference[row * dimension]!);
  const referenceYs = reference === undefined || dimension < 2 ? [] : Array.from({ length: reference.length / dimension }, (_, row) => reference[row * dimension + 1]!);
  const extent = (list: number[]): [number, number] => {
    const sorted = list.filter(Number.isFinite).sort((a, b) => a - b);
    const low = sorted[Math.floor(sorted.length * 0.001)] ?? 0;
    const high = sorted[Math.ceil(sorted.length * 0.999) - 1] ?? 1;
    const pad = (high - low) * 0.05 || 1;
    return [low - pad, high + pad];
  };
  const [xLow, xHigh] = extent([...xs, ...referenceXs]);
  const toX = (x: number): number => margin + ((x - xLow) / (xHigh - xLow)) * (size - 2 * margin);
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" font-family="sans-serif" font-size="12">`, `<rect width="${size}" height="${size}" fill="white"/>`];
  parts.push(`<text x="${size / 2}" y="20" text-anchor="middle">${escapeXml(title)}</text>`);
  parts.push(`<text x="${size / 2}" y="${size - 10}" text-anchor="middle">${escapeXml(columnNames[0]!)} [${xLow.toPrecision(3)}, ${xHigh.toPrecision(3)}]</text>`);
  if (ys === undefined) {
    const bins = 40;
    const counts = new Array<number>(bins).fill(0);
    for (const x of xs) counts[Math.min(bins - 1, Math.max(0, Math.floor(((x - xLow) / (xHigh - xLow)) * bins)))]! += 1;
    const highest = Math.max(1, ...counts);
    counts.forEach((value, bin) => {
      const height = (value / highest) * (size - 2 * margin);
      parts.push(`<rect x="${(margin + (bin / bins) * (size - 2 * margin)).toFixed(1)}" y="${(size - margin - height).toFixed(1)}" width="${((size - 2 * margin) / bins - 1).toFixed(1)}" height="${height.toFixed(1)}" fill="#1f77b4"/>`);
    });
  } else {
    const [yLow, yHigh] = extent([...ys, ...referenceYs]);
    const toY = (y: number): number => size - margin - ((y - yLow) / (yHigh - yLow)) * (size - 2 * margin);
    parts.push(`<text x="14" y="${size / 2}" text-anchor="middle" transform="rotate(-90 14 ${size / 2})">${escapeXml(columnNames[1]!)} [${yLow.toPrecision(3)}, ${yHigh.toPrecision(3)}]</text>`);
    const dots = (pointsX: number[], pointsY: number[], colour: string): void => {
      parts.push(`<g fill="${colour}" fill-opacity="0.5">`);
      pointsX.forEach((x, index) => {
        const y = pointsY[index]!;
        if (Number.isFinite(x) && Number.isFinite(y)) parts.push(`<circle cx="${toX(x).toFixed(1)}" cy="${toY(y).toFixed(1)}" r="1.3"/>`);
      });
      parts.push('</g>');
    };
    dots(referenceXs, referenceYs, '#bbbbbb');
    dots(xs, ys, '#1f77b4');
  }
  parts.push(`<rect x="${margin}" y="${margin}" width="${size - 2 * margin}" height="${size - 2 * margin}" fill="none" stroke="#444"/>`, '</svg>');
  return `${parts.join('\n')}\n`;
}

/** Images `[count, h, w, c]` in [-1, 1] as grey levels 0..255 (float32, not rounded or clipped): the `.npy` of `sample`. */
export function toPixelUnits(values: Float32Array): Float32Array {
  return values.map((value) => (value + 1) * 127.5);
}

/** A PNG grid of images `[count, h, w, c]` in [-1, 1] (c = 1 or 3), `columns` per row, 2-pixel white gaps. */
export function imageGridPng(values: Float32Array, shape: readonly [number, number, number], columns: number): Uint8Array {
  const [height, width, channels] = shape;
  const count = values.length / (height * width * channels);
  const rows = Math.ceil(count / columns);
  const gap = 2;
  const png = new PNG({ width: columns * (width + gap) + gap, height: rows * (height + gap) + gap });
  png.data.fill(255);
  for (let index = 0; index < count; index += 1) {
    const left = gap + (index % columns) * (width + gap);
    const top = gap + Math.floor(index / columns) * (height + gap);
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        const offset = ((top + y) * png.width + left + x) * 4;
        for (let channel = 0; channel < 3; channel += 1) {
          const value = values[((index * height + y) * width + x) * channels + (channels === 1 ? 0 : channel)]!;
          png.data[offset + channel] = Math.round(Math.min(1, Math.max(0, (value + 1) / 2)) * 255);
        }
        png.data[offset + 3] = 255;
      }
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

/** The `.npy` bytes of samples. */
export function samplesNpy(values: Float32Array | Float64Array, shape: readonly number[]): Uint8Array {
  return encodeNpy(values, shape);
}
