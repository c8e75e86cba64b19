import { DiffusionError } from '@diffusion/core/errors';
import { numberToBfloat16, numberToFloat16, numberToFloat8E4m3, numberToFloat8E5m2 } from './float-formats';
import { floatingDtypes, isSafetensorsDtype, safetensorsDtypeSizes, type SafetensorsDtype } from './safetensors-dtypes';
import type { SafetensorsValues } from './safetensors-values';

const floating = new Set<SafetensorsDtype>(floatingDtypes);

/** One tensor to write. */
export interface SafetensorsEntry {
  /** Tensor name (any string but `__metadata__`). */
  readonly name: string;
  /** Shape, row-major. */
  readonly shape: readonly number[];
  /** Values in row-major order; `shape`'s product of them. */
  readonly values: SafetensorsValues | readonly number[];
  /**
   * Element type written (default: F32 for plain arrays and Float32Array, else the array's own
   * type: Float64Array → F64, Int32Array → I32, …). Floats may be narrowed to F16, BF16 or F8,
   * rounded to nearest even.
   */
  readonly dtype?: SafetensorsDtype;
}

function defaultDtype(values: SafetensorsEntry['values']): SafetensorsDtype {
  if (Array.isArray(values) || values instanceof Float32Array) return 'F32';
  if (values instanceof Float64Array) return 'F64';
  if (values instanceof Int8Array) return 'I8';
  if (values instanceof Uint8Array) return 'U8';
  if (values instanceof Int16Array) return 'I16';
  if (values instanceof Uint16Array) return 'U16';
  if (values instanceof Int32Array) return 'I32';
  if (values instanceof Uint32Array) return 'U32';
  if (values instanceof BigInt64Array) return 'I64';
  return 'U64';
}

function invalidEntry(name: string, field: string, value: unknown, allowed: string): DiffusionError {
  return new DiffusionError('invalid-argument', `encodeSafetensors: tensor ${JSON.stringify(name)}: ${field} ${JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? String(v) : v))?.slice(0, 120)} is not ${allowed}.`, {
    field: `encodeSafetensors.${name}.${field}`, value, allowed,
  });
}

function writeValues(view: DataView, position: number, dtype: SafetensorsDtype, values: SafetensorsEntry['values']): void {
  const count = values.length;
  const at = (index: number) => (values as ArrayLike<number | bigint>)[index]!;
  const number = (index: number) => Number(at(index));
  const size = safetensorsDtypeSizes[dtype];
  for (let index = 0; index < count; index += 1) {
    const offset = position + size * index;
    switch (dtype) {
      case 'F32': view.setFloat32(offset, number(index), true); break;
      case 'F64': view.setFloat64(offset, number(index), true); break;
      case 'F16': view.setUint16(offset, numberToFloat16(number(index)), true); break;
      case 'BF16': view.setUint16(offset, numberToBfloat16(number(index)), true); break;
      case 'F8_E4M3': view.setUint8(offset, numberToFloat8E4m3(number(index))); break;
      case 'F8_E5M2': view.setUint8(offset, numberToFloat8E5m2(number(index))); break;
      case 'BOOL': view.setUint8(offset, number(index) ? 1 : 0); break;
      case 'U8': view.setUint8(offset, number(index)); break;
      case 'I8': view.setInt8(offset, number(index)); break;
      case 'U16': view.setUint16(offset, number(index), true); break;
      case 'I16': view.setInt16(offset, number(index), true); break;
      case 'U32': view.setUint32(offset, number(index), true); break;
      case 'I32': view.setInt32(offset, number(index), true); break;
      case 'I64': view.setBigInt64(offset, BigInt(at(index)), true); break;
      case 'U64': view.setBigUint64(offset, BigInt(at(index)), true); break;
    }
  }
}

/**
 * Writes the safetensors format (Hugging Face, github.com/huggingface/safetensors): an 8-byte
 * little-endian header length, a JSON header (`__metadata__` first) padded with spaces to a
 * multiple of 8, then each tensor's raw little-endian data, in name order.
 */
export function encodeSafetensors(entries: readonly SafetensorsEntry[], metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw invalidEntry('__metadata__', key, value, 'a string (safetensors metadata maps strings to strings)');
  }
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const layout: Array<{ entry: SafetensorsEntry; dtype: SafetensorsDtype; begin: number }> = [];
  for (const entry of sorted) {
    const { name, shape, values } = entry;
    if (typeof name !== 'string' || name === '__metadata__' || Object.prototype.hasOwnProperty.call(header, name)) throw invalidEntry(String(name), 'name', name, 'a unique tensor name other than __metadata__');
    if (!Array.isArray(shape) || !shape.every((size) => Number.isSafeInteger(size) && size >= 0)) throw invalidEntry(name, 'shape', shape, 'an array of non-negative integers');
    const dtype = entry.dtype ?? defaultDtype(values);
    if (!isSafetensorsDtype(dtype)) throw invalidEntry(name, 'dtype', dtype, `one of ${Object.keys(safetensorsDtypeSizes).join(', ')}`);
    const count = shape.reduce((product, size) => product * size, 1);
    if (values?.length !== count) throw invalidEntry(name, 'values.length', values?.length, `${count}, the product of the shape [${shape.join(', ')}]`);
    const bigValues = values instanceof BigInt64Array || values instanceof BigUint64Array;
    if (bigValues && dtype !== 'I64' && dtype !== 'U64') throw invalidEntry(name, 'dtype', dtype, 'I64 or U64 for BigInt values');
    if (!bigValues && !floating.has(dtype) && dtype !== 'BOOL') {
      const index = Array.prototype.findIndex.call(values, (value: number) => !Number.isSafeInteger(value));
      if (index >= 0) throw invalidEntry(name, `values[${index}]`, (values as ArrayLike<number>)[index], `an integer (dtype ${dtype})`);
    }
    const byteLength = count * safetensorsDtypeSizes[dtype];
    header[name] = { dtype, shape: [...shape], data_offsets: [offset, offset + byteLength] };
    layout.push({ entry, dtype, begin: offset });
    offset += byteLength;
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
  const dataStart = 8 + headerBytes.length;
  for (const { entry, dtype, begin } of layout) writeValues(view, dataStart + begin, dtype, entry.values);
  return file;
}
