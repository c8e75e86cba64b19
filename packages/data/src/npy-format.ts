import { DiffusionError } from '@diffusion/core';

/** A decoded `.npy` array: values in C (row-major) order as float64, with NumPy's shape and dtype. */
export interface NpyArray {
  /** Values in row-major order (Fortran-order files are reordered). */
  readonly values: Float64Array;
  /** Shape as NumPy reports it (`()` for a scalar is `[]`). */
  readonly shape: readonly number[];
  /** NumPy dtype string as stored, e.g. `'<f4'`. */
  readonly dtype: string;
}

const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** Element readers by dtype kind and size (little-endian flag passed in). */
const readers: Record<string, (view: DataView, offset: number, little: boolean) => number> = {
  f2: (view, offset, little) => float16(view.getUint16(offset, little)),
  f4: (view, offset, little) => view.getFloat32(offset, little),
  f8: (view, offset, little) => view.getFloat64(offset, little),
  i1: (view, offset) => view.getInt8(offset),
  i2: (view, offset, little) => view.getInt16(offset, little),
  i4: (view, offset, little) => view.getInt32(offset, little),
  i8: (view, offset, little) => Number(view.getBigInt64(offset, little)),
  u1: (view, offset) => view.getUint8(offset),
  u2: (view, offset, little) => view.getUint16(offset, little),
  u4: (view, offset, little) => view.getUint32(offset, little),
  u8: (view, offset, little) => Number(view.getBigUint64(offset, little)),
  b1: (view, offset) => view.getUint8(offset),
};

/** IEEE 754 half precision to a number. */
function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function damaged(source: string, message: string, value?: unknown): DiffusionError {
  return new DiffusionError('invalid-argument', `${source}: ${message}`, { field: source, value, allowed: 'a NumPy .npy file (format 1.0, 2.0 or 3.0) of a numeric dtype' });
}

/**
 * Reads the header dictionary of the `.npy` format (NumPy NEP 1): a Python literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }`. Only that grammar is accepted.
 */
function parseHeader(text: string, source: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const entry = (key: string, pattern: string): RegExpMatchArray | null => text.match(new RegExp(`['"]${key}['"]\\s*:\\s*${pattern}`));
  const descr = entry('descr', `['"]([^'"]*)['"]`);
  const fortran = entry('fortran_order', '(True|False)');
  const shape = entry('shape', '\\(([^)]*)\\)');
  if (!/^\s*\{.*\}\s*$/s.test(text) || descr === null || fortran === null || shape === null) {
    throw damaged(source, `the header ${JSON.stringify(text.trim().slice(0, 120))} is not a dictionary with 'descr', 'fortran_order' and 'shape'`, text);
  }
  const sizes = shape[1]!.split(',').map((part) => part.trim()).filter((part) => part !== '');
  const parsed = sizes.map((part) => (/^\d+L?$/.test(part) ? Number.parseInt(part, 10) : Number.NaN));
  if (parsed.some((size) => !Number.isSafeInteger(size))) throw damaged(source, `the shape (${shape[1]}) is not a tuple of non-negative integers`, shape[1]);
  return { descr: descr[1]!, fortranOrder: fortran[1] === 'True', shape: parsed };
}

/** Row-major index of a Fortran-order element position. */
function fortranToC(values: Float64Array, shape: readonly number[]): Float64Array {
  const out = new Float64Array(values.length);
  const rank = shape.length;
  const cStrides = new Array<number>(rank).fill(1);
  for (let axis = rank - 2; axis >= 0; axis -= 1) cStrides[axis] = cStrides[axis + 1]! * shape[axis + 1]!;
  const position = new Array<number>(rank).fill(0);
  for (let index = 0; index < values.length; index += 1) {
    // Fortran order: the first axis varies fastest.
    let target = 0;
    for (let axis = 0; axis < rank; axis += 1) target += position[axis]! * cStrides[axis]!;
    out[target] = values[index]!;
    for (let axis = 0; axis < rank; axis += 1) {
      position[axis]! += 1;
      if (position[axis]! < shape[axis]!) break;
      position[axis] = 0;
    }
  }
  return out;
}

/**
 * Decodes a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0; NumPy NEP 1) of a float
 * (f2, f4, f8), integer (i1–i8, u1–u8) or bool dtype, either byte order, C or Fortran order.
 * `source` names the file in errors. Complex, object and structured dtypes are refused by name.
 */
export function decodeNpy(bytes: Uint8Array, source = 'npy'): NpyArray {
  if (bytes.length < 10 || magic.some((byte, index) => bytes[index] !== byte)) throw damaged(source, 'not a .npy file (it does not start with "\\x93NUMPY")');
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw damaged(source, `format version ${major}.${bytes[7]} is not one of 1.0, 2.0, 3.0`, major);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw damaged(source, 'the file ends inside its header');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > bytes.length) throw damaged(source, `the header claims ${headerLength} bytes but the file has ${bytes.length - 8 - lengthBytes} after the length`, headerLength);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lengthBytes, dataStart));
  const { descr, fortranOrder, shape } = parseHeader(header, source);
  const match = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  const kind = match === null ? undefined : `${match[2]}${match[3]}`;
  const reader = kind === undefined ? undefined : readers[kind];
  if (match === null || reader === undefined) {
    throw new DiffusionError('invalid-argument', `${source}: dtype ${JSON.stringify(descr)} is not supported; expected a float (f2, f4, f8), integer (i1–i8, u1–u8) or bool array`, { field: `${source}.descr`, value: descr, allowed: 'f2, f4, f8, i1–i8, u1–u8, b1' });
  }
  const itemSize = Number(match[3]);
  const little = match[1] !== '>';
  const count = shape.reduce((product, size) => product * size, 1);
  const available = bytes.length - dataStart;
  if (available < count * itemSize) throw damaged(source, `shape (${shape.join(', ')}) of ${descr} needs ${count * itemSize} data bytes but the file holds ${available} (truncated?)`, available);
  const values = new Float64Array(count);
  for (let index = 0; index < count; index += 1) values[index] = reader(view, dataStart + index * itemSize, little);
  return { values: fortranOrder && shape.length > 1 ? fortranToC(values, shape) : values, shape, dtype: descr };
}

/** Encodes a float32 or float64 array as a `.npy` file (format 1.0, little-endian, C order), as `numpy.save` writes it. */
export function encodeNpy(values: Float32Array | Float64Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((product, size) => product * size, 1);
  if (count !== values.length) throw new DiffusionError('shape-mismatch', `encodeNpy: shape [${shape.join(', ')}] holds ${count} values but ${values.length} were given`, { field: 'encodeNpy.shape', value: shape, allowed: `a shape of ${values.length} values` });
  const descr = values instanceof Float32Array ? '<f4' : '<f8';
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  // Pad with spaces so the data starts on a 64-byte boundary, ending in a newline (NEP 1).
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + values.byteLength);
  out.set(magic, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let index = 0; index < header.length; index += 1) out[10 + index] = header.charCodeAt(index);
  const view = new DataView(out.buffer, total);
  const size = values.BYTES_PER_ELEMENT;
  for (let index = 0; index < values.length; index += 1) {
    if (size === 4) view.setFloat32(index * 4, values[index]!, true);
    else view.setFloat64(index * 8, values[index]!, true);
  }
  return out;
}
