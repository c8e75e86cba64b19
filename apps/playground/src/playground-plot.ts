/** A linear map from a data interval onto a pixel interval (pixels may run backwards, as y does). */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  return (value) => (span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0));
}

/** The smallest and largest finite entries of some arrays, widened when they coincide; [0, 1] when none is finite. */
export function finiteExtent(...arrays: ArrayLike<number>[]): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const values of arrays) {
    for (let index = 0; index < values.length; index += 1) {
      const value = values[index]!;
      if (!Number.isFinite(value)) continue;
      if (value < low) low = value;
      if (value > high) high = value;
    }
  }
  if (low > high) return [0, 1];
  if (low === high) return [low - 1, high + 1];
  return [low, high];
}

/** Shortest readable form of a number for axis labels and read-outs. */
export function formatNumber(value: number, digits = 3): string {
  if (Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '+∞' : '−∞';
  if (value !== 0 && (Math.abs(value) >= 1e4 || Math.abs(value) < 1e-3)) return value.toExponential(digits - 1);
  return Number(value.toPrecision(digits)).toString();
}

/** Canvas 2-D context sized to the element's CSS box at the device's pixel ratio. */
export function fitCanvas(canvas: HTMLCanvasElement): { context: CanvasRenderingContext2D; width: number; height: number } {
  const ratio = globalThis.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const context = canvas.getContext('2d')!;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { context, width, height };
}

/** One set of points of a scatter plot. */
export interface ScatterLayer {
  readonly points: ArrayLike<number>;
  readonly color: string;
  readonly size?: number;
}

/** Draws row-major 2-D point sets in the square [-radius, radius]^2, with axes and a range label. */
export function drawScatter(canvas: HTMLCanvasElement, layers: readonly ScatterLayer[], radius: number, caption?: string): number {
  const { context, width, height } = fitCanvas(canvas);
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  const side = Math.min(width, height);
  const x = linearScale([-radius, radius], [(width - side) / 2, (width + side) / 2]);
  const y = linearScale([-radius, radius], [(height + side) / 2, (height - side) / 2]);
  context.strokeStyle = '#ddd';
  context.beginPath();
  context.moveTo(x(-radius), y(0));
  context.lineTo(x(radius), y(0));
  context.moveTo(x(0), y(-radius));
  context.lineTo(x(0), y(radius));
  context.stroke();
  let drawn = 0;
  for (const layer of layers) {
    const size = layer.size ?? 2;
    context.fillStyle = layer.color;
    for (let index = 0; index + 1 < layer.points.length; index += 2) {
      const px = x(layer.points[index]!);
      const py = y(layer.points[index + 1]!);
      if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
      context.fillRect(px - size / 2, py - size / 2, size, size);
      drawn += 1;
    }
  }
  context.fillStyle = '#555';
  context.font = '11px system-ui, sans-serif';
  context.fillText(`±${formatNumber(radius, 2)}`, 4, height - 4);
  if (caption !== undefined) context.fillText(caption, 4, 12);
  return drawn;
}

/** One line of a line chart. */
export interface LineSeries {
  readonly label: string;
  readonly color: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
}

/** Draws lines with a shared y extent, labelled axes, a legend and an optional vertical marker at `markerX`. */
export function drawLines(canvas: HTMLCanvasElement, series: readonly LineSeries[], options: { xExtent?: [number, number]; yExtent?: [number, number]; markerX?: number; logY?: boolean; title?: string } = {}): void {
  const { context, width, height } = fitCanvas(canvas);
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  const transform = (value: number): number => (options.logY ? (value > 0 ? Math.log10(value) : Number.NaN) : value);
  const ys = series.map((line) => Float64Array.from(line.y as ArrayLike<number>, transform));
  const xExtent = options.xExtent ?? finiteExtent(...series.map((line) => line.x));
  const yExtent = options.yExtent ?? finiteExtent(...ys);
  const margin = { left: 44, right: 8, top: options.title ? 18 : 8, bottom: 18 };
  const x = linearScale(xExtent, [margin.left, width - margin.right]);
  const y = linearScale(yExtent, [height - margin.bottom, margin.top]);
  context.strokeStyle = '#bbb';
  context.strokeRect(margin.left, margin.top, width - margin.left - margin.right, height - margin.top - margin.bottom);
  context.fillStyle = '#555';
  context.font = '10px system-ui, sans-serif';
  const label = (value: number): string => (options.logY ? formatNumber(10 ** value, 2) : formatNumber(value, 3));
  context.fillText(label(yExtent[1]), 2, margin.top + 8);
  context.fillText(label(yExtent[0]), 2, height - margin.bottom);
  context.fillText(formatNumber(xExtent[0]), margin.left, height - 4);
  const right = formatNumber(xExtent[1]);
  context.fillText(right, width - margin.right - context.measureText(right).width, height - 4);
  if (options.title) context.fillText(options.title, margin.left, 11);
  context.save();
  context.beginPath();
  context.rect(margin.left, margin.top, width - margin.left - margin.right, height - margin.top - margin.bottom);
  context.clip();
  series.forEach((line, lineIndex) => {
    context.strokeStyle = line.color;
    context.lineWidth = 1.5;
    context.beginPath();
    let open = false;
    for (let index = 0; index < line.x.length; index += 1) {
      const px = x(line.x[index]!);
      const py = y(ys[lineIndex]![index]!);
      if (!Number.isFinite(px) || !Number.isFinite(py)) {
        open = false;
        continue;
      }
      if (open) context.lineTo(px, py);
      else context.moveTo(px, py);
      open = true;
    }
    context.stroke();
  });
  if (options.markerX !== undefined) {
    context.strokeStyle = '#c33';
    context.setLineDash([3, 3]);
    context.beginPath();
    context.moveTo(x(options.markerX), margin.top);
    context.lineTo(x(options.markerX), height - margin.bottom);
    context.stroke();
    context.setLineDash([]);
  }
  context.restore();
  let legendX = width - margin.right - 4;
  for (const line of [...series].reverse()) {
    const text = line.label;
    legendX -= context.measureText(text).width + 16;
    context.fillStyle = line.color;
    context.fillRect(legendX, margin.top + 4, 10, 3);
    context.fillStyle = '#333';
    context.fillText(text, legendX + 13, margin.top + 9);
  }
}
