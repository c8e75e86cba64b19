import { DiffusionError } from '@diffusion/core';

/** Bytes per element of the safetensors dtypes. */
const dtypeSizes: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E4M3: 1, F8_E5M2: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
};

/** Largest header accepted, as in the reference implementation (100 MB). */
const maximumHeaderLength = 100_000_000;

/** One tensor to write: float32 values in row-major order. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** One tensor read back: its dtype, shape and raw little-endian bytes (a view into the file). */
export interface SafetensorsTensor {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

/** A parsed safetensors file. */
export interface SafetensorsFile {
  /** The `__metadata__` string map (empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Tensors by name. */
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
}

function corrupt(reason: string, value?: unknown): DiffusionError {
  return new DiffusionError('checkpoint', `safetensors: ${reason}.`, { field: 'bytes', value, allowed: 'a complete safetensors file' });
}

/**
 * Writes the safetensors format (Hugging Face, github.com/huggingface/safetensors): an 8-byte
 * little-endian header length, a JSON header padded with spaces to a multiple of 8, then the raw
 * little-endian data of each tensor in name order.
 */
export function encodeSafetensors(entries: readonly SafetensorsEntry[], metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const entry of sorted) {
    if (entry.name === '__metadata__' || entry.name in header) throw new Error(`internal: bad or duplicate tensor name ${entry.name}`);
    header[entry.name] = { dtype: 'F32', shape: [...entry.shape], data_offsets: [offset, offset + 4 * entry.values.length] };
    offset += 4 * entry.values.length;
  }
  let headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  if (padded !== headerBytes.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(headerBytes);
    headerBytes = withSpaces;
  }
  const file = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(file.buffer);
  view.setUint32(0, headerBytes.length, true);
  view.setUint32(4, 0, true);
  file.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const entry of sorted) {
    for (const value of entry.values) {
      view.setFloat32(position, value, true);
      position += 4;
    }
  }
  return file;
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Reads and strictly validates a safetensors file; any defect is a DiffusionError with code `'checkpoint'`. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (!(bytes instanceof Uint8Array)) throw corrupt('expected a Uint8Array');
  if (bytes.length < 8) throw corrupt(`the file has ${bytes.length} bytes, fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > maximumHeaderLength) throw corrupt(`header length ${headerLength} exceeds ${maximumHeaderLength} bytes`);
  if (8 + headerLength > bytes.length) throw corrupt(`header length ${headerLength} runs past the end of the ${bytes.length}-byte file (truncated?)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (cause) {
    throw new DiffusionError('checkpoint', 'safetensors: the header is not valid UTF-8 JSON.', { field: 'bytes', allowed: 'a complete safetensors file', cause });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw corrupt('the header is not a JSON object');
  const data = bytes.subarray(8 + headerLength);
  const tensors = new Map<string, SafetensorsTensor>();
  const spans: Array<[number, number, string]> = [];
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info) || Object.values(info).some((value) => typeof value !== 'string')) {
        throw corrupt('__metadata__ must map strings to strings', info);
      }
      metadata = info as Record<string, string>;
      continue;
    }
    if (typeof info !== 'object' || info === null || Array.isArray(info)) throw corrupt(`entry "${name}" is not an object`, info);
    const { dtype, shape, data_offsets: offsets, ...extra } = info as Record<string, unknown>;
    if (Object.keys(extra).length > 0) throw corrupt(`entry "${name}" has unknown fields ${Object.keys(extra).join(', ')}`, info);
    if (typeof dtype !== 'string' || !(dtype in dtypeSizes)) throw corrupt(`entry "${name}" has unknown dtype ${JSON.stringify(dtype)}`, dtype);
    if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) throw corrupt(`entry "${name}" has an invalid shape`, shape);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger) || (offsets[0] as number) > (offsets[1] as number)) {
      throw corrupt(`entry "${name}" has invalid data_offsets`, offsets);
    }
    const [begin, end] = offsets as [number, number];
    const expectedBytes = (shape as number[]).reduce((product, size) => product * size, 1) * dtypeSizes[dtype]!;
    if (end - begin !== expectedBytes) throw corrupt(`entry "${name}" spans ${end - begin} bytes but its shape and dtype need ${expectedBytes}`, offsets);
    if (end > data.length) throw corrupt(`entry "${name}" ends at byte ${end} of a ${data.length}-byte data section (truncated?)`, offsets);
    spans.push([begin, end, name]);
    tensors.set(name, { dtype, shape: shape as number[], bytes: data.subarray(begin, end) });
  }
  // The data section must be covered exactly: no gaps, no overlaps, nothing after the last tensor.
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let expectedBegin = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== expectedBegin) throw corrupt(`entry "${name}" starts at byte ${begin}, expected ${expectedBegin} (gap or overlap)`);
    expectedBegin = end;
  }
  if (expectedBegin !== data.length) throw corrupt(`the data section has ${data.length} bytes but the tensors cover ${expectedBegin}`);
  return { metadata, tensors };
}

/** Decodes a little-endian F32 tensor's bytes. */
export function float32FromLittleEndian(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(bytes.byteLength / 4);
  for (let index = 0; index < values.length; index += 1) values[index] = view.getFloat32(4 * index, true);
  return values;
}
