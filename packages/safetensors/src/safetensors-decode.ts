import { isSafetensorsDtype, safetensorsDtypeSizes, type SafetensorsDtype } from './safetensors-dtypes';
import { safetensorsError } from './safetensors-errors';

/** Largest header accepted, as in the reference implementation (100 MB). */
const maximumHeaderLength = 100_000_000;

/** One tensor read from a file: its dtype, shape and raw little-endian bytes (a view into the file). */
export interface SafetensorsTensor {
  /** Element type as written in the header. */
  readonly dtype: SafetensorsDtype;
  /** Shape (row-major; `[]` for a scalar). */
  readonly shape: readonly number[];
  /** The raw little-endian data, a view into the file's bytes. */
  readonly bytes: Uint8Array;
}

/** A parsed safetensors file. */
export interface SafetensorsFile {
  /** The name used in error messages (a path, or `'safetensors'`). */
  readonly file: string;
  /** The `__metadata__` string map (empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Tensors by name, in header order. */
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads and strictly validates a safetensors file (Hugging Face's format: an 8-byte little-endian
 * header length, a UTF-8 JSON header, then the tensors' raw little-endian data covering the data
 * section exactly). Any defect throws a `DiffusionError` with code `'checkpoint'` whose `field`
 * names `file` and the place: the header length, an entry's `dtype`, `shape` or `data_offsets`.
 */
export function decodeSafetensors(bytes: Uint8Array, file = 'safetensors'): SafetensorsFile {
  if (!(bytes instanceof Uint8Array)) throw safetensorsError(file, 'bytes', 'expected the file\'s bytes as a Uint8Array', typeof bytes);
  if (bytes.length < 8) throw safetensorsError(file, 'header length', `the file has ${bytes.length} bytes, fewer than the 8-byte header length (truncated?)`, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > maximumHeaderLength) throw safetensorsError(file, 'header length', `header length ${headerLength} exceeds ${maximumHeaderLength} bytes`, headerLength);
  if (8 + headerLength > bytes.length) {
    throw safetensorsError(file, 'header length', `header length ${headerLength} runs past the end of the ${bytes.length}-byte file (truncated?)`, headerLength);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (cause) {
    throw safetensorsError(file, 'header', 'the header is not valid UTF-8 JSON', undefined, cause);
  }
  if (!isPlainObject(header)) throw safetensorsError(file, 'header', 'the header is not a JSON object', header);
  const data = bytes.subarray(8 + headerLength);
  const tensors = new Map<string, SafetensorsTensor>();
  const spans: Array<[number, number, string]> = [];
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    const place = JSON.stringify(name);
    if (name === '__metadata__') {
      if (!isPlainObject(info) || Object.values(info).some((value) => typeof value !== 'string')) {
        throw safetensorsError(file, '__metadata__', '__metadata__ must map strings to strings', info);
      }
      metadata = info as Record<string, string>;
      continue;
    }
    if (!isPlainObject(info)) throw safetensorsError(file, place, `entry ${place} is not an object`, info);
    const { dtype, shape, data_offsets: offsets, ...extra } = info;
    if (Object.keys(extra).length > 0) throw safetensorsError(file, place, `entry ${place} has unknown fields ${Object.keys(extra).join(', ')}`, info);
    if (!isSafetensorsDtype(dtype)) {
      throw safetensorsError(file, `${place}.dtype`, `entry ${place} has dtype ${JSON.stringify(dtype)}, which this reader does not read (it reads ${Object.keys(safetensorsDtypeSizes).join(', ')})`, dtype);
    }
    if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) throw safetensorsError(file, `${place}.shape`, `entry ${place} has an invalid shape`, shape);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger) || offsets[0]! > offsets[1]!) {
      throw safetensorsError(file, `${place}.data_offsets`, `entry ${place} has invalid data_offsets (two byte offsets, begin <= end)`, offsets);
    }
    const [begin, end] = offsets as [number, number];
    const expectedBytes = shape.reduce((product: number, size: number) => product * size, 1) * safetensorsDtypeSizes[dtype];
    if (end - begin !== expectedBytes) {
      throw safetensorsError(file, `${place}.data_offsets`, `entry ${place} spans ${end - begin} bytes but its shape [${shape.join(', ')}] and dtype ${dtype} need ${expectedBytes}`, offsets);
    }
    if (end > data.length) throw safetensorsError(file, `${place}.data_offsets`, `entry ${place} ends at byte ${end} of a ${data.length}-byte data section (truncated?)`, offsets);
    spans.push([begin, end, name]);
    tensors.set(name, { dtype, shape: shape as number[], bytes: data.subarray(begin, end) });
  }
  // The data section must be covered exactly: no gaps, no overlaps, nothing after the last tensor.
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let expectedBegin = 0;
  for (const [begin, end, name] of spans) {
    const place = `${JSON.stringify(name)}.data_offsets`;
    if (begin < expectedBegin) throw safetensorsError(file, place, `entry ${JSON.stringify(name)} starts at byte ${begin}, inside the previous tensor, which ends at ${expectedBegin} (gap or overlap: offsets overlap)`, [begin, end]);
    if (begin > expectedBegin) throw safetensorsError(file, place, `entry ${JSON.stringify(name)} starts at byte ${begin}, expected ${expectedBegin} (gap or overlap: unused bytes before it)`, [begin, end]);
    expectedBegin = end;
  }
  if (expectedBegin !== data.length) {
    throw safetensorsError(file, 'data section', `the data section has ${data.length} bytes but the tensors cover ${expectedBegin}`, data.length);
  }
  return { file, metadata, tensors };
}
