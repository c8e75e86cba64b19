/** An image in memory: row-major `[height, width, channels]` float values. */
export interface RasterImage {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Float32Array;
}

/**
 * Weights of an antialiased linear (triangle) resampling of `inSize` samples to `outSize`, as
 * PIL's `Image.resize(..., BILINEAR)` and torch's `interpolate(mode='bilinear', antialias=True)`
 * compute them: output `i` is centred on input coordinate `(i + 0.5) * scale`, and when shrinking
 * the triangle is stretched by `scale` so every input sample contributes (no aliasing).
 */
function resampleWeights(inSize: number, outSize: number): Array<{ first: number; weights: Float64Array }> {
  const scale = inSize / outSize;
  const stretch = Math.max(scale, 1);
  const support = stretch; // triangle support 1, stretched
  return Array.from({ length: outSize }, (_, index) => {
    const centre = (index + 0.5) * scale;
    const first = Math.max(0, Math.trunc(centre - support + 0.5));
    const last = Math.min(inSize, Math.trunc(centre + support + 0.5));
    const weights = new Float64Array(Math.max(0, last - first));
    let total = 0;
    for (let offset = 0; offset < weights.length; offset += 1) {
      const distance = Math.abs((first + offset - centre + 0.5) / stretch);
      const weight = distance < 1 ? 1 - distance : 0;
      weights[offset] = weight;
      total += weight;
    }
    if (total > 0) for (let offset = 0; offset < weights.length; offset += 1) weights[offset]! /= total;
    return { first, weights };
  });
}

/** Resamples an image to `width x height` with the antialiased triangle filter, rows then columns, in float. */
export function resizeImage(image: RasterImage, width: number, height: number): RasterImage {
  const { channels } = image;
  const columns = resampleWeights(image.width, width);
  const across = new Float32Array(image.height * width * channels);
  for (let y = 0; y < image.height; y += 1) {
    columns.forEach(({ first, weights }, x) => {
      for (let channel = 0; channel < channels; channel += 1) {
        let value = 0;
        for (let offset = 0; offset < weights.length; offset += 1) value += weights[offset]! * image.data[(y * image.width + first + offset) * channels + channel]!;
        across[(y * width + x) * channels + channel] = value;
      }
    });
  }
  const rows = resampleWeights(image.height, height);
  const data = new Float32Array(height * width * channels);
  rows.forEach(({ first, weights }, y) => {
    for (let x = 0; x < width; x += 1) {
      for (let channel = 0; channel < channels; channel += 1) {
        let value = 0;
        for (let offset = 0; offset < weights.length; offset += 1) value += weights[offset]! * across[((first + offset) * width + x) * channels + channel]!;
        data[(y * width + x) * channels + channel] = value;
      }
    }
  });
  return { width, height, channels, data };
}

/** Python's round-half-to-even, as torchvision's `center_crop` uses for its offsets. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * torchvision's `Resize(size)` then `CenterCrop(size)`: the shorter side is scaled to `size`
 * (the longer to `floor(size * long / short)`), then the centre `size x size` square is kept.
 */
export function resizeAndCentreCrop(image: RasterImage, size: number): RasterImage {
  const short = Math.min(image.width, image.height);
  const long = Math.max(image.width, image.height);
  const scaledLong = Math.trunc((size * long) / short);
  const [width, height] = image.width <= image.height ? [size, scaledLong] : [scaledLong, size];
  const resized = width === image.width && height === image.height ? image : resizeImage(image, width, height);
  const top = roundHalfEven((height - size) / 2);
  const left = roundHalfEven((width - size) / 2);
  const { channels } = image;
  const data = new Float32Array(size * size * channels);
  for (let y = 0; y < size; y += 1) data.set(resized.data.subarray(((top + y) * width + left) * channels, ((top + y) * width + left + size) * channels), y * size * channels);
  return { width: size, height: size, channels, data };
}
