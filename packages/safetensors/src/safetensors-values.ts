import { bfloat16ToNumber, float16ToNumber, float8E4m3ToNumber, float8E5m2ToNumber } from './float-formats';
import { safetensorsDtypeSizes, type SafetensorsDtype } from './safetensors-dtypes';
import type { SafetensorsTensor } from './safetensors-decode';
import { safetensorsError } from './safetensors-errors';

/** The typed array each dtype reads as: floats narrower than 32 bits widen to float32, BOOL reads as 0/1 bytes. */
export type SafetensorsValues = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type ArrayConstructorOf = new (buffer: ArrayBuffer) => SafetensorsValues;

const directArrays: Partial<Record<SafetensorsDtype, ArrayConstructorOf>> = {
  F32: Float32Array, F64: Float64Array, I8: Int8Array, U8: Uint8Array, BOOL: Uint8Array, I16: Int16Array, U16: Uint16Array,
  I32: Int32Array, U32: Uint32Array, I64: BigInt64Array, U64: BigUint64Array,
};

const dataViewReaders: Partial<Record<SafetensorsDtype, (view: DataView, offset: number) => number | bigint>> = {
  F32: (view, offset) => view.getFloat32(offset, true),
  F64: (view, offset) => view.getFloat64(offset, true),
  I16: (view, offset) => view.getInt16(offset, true),
  U16: (view, offset) => view.getUint16(offset, true),
  I32: (view, offset) => view.getInt32(offset, true),
  U32: (view, offset) => view.getUint32(offset, true),
  I64: (view, offset) => view.getBigInt64(offset, true),
  U64: (view, offset) => view.getBigUint64(offset, true),
};

function narrowFloats(bytes: Uint8Array, width: 1 | 2, decode: (bits: number) => number): Float32Array {
  const values = new Float32Array(bytes.length / width);
  if (width === 1) {
    const table = Float32Array.from({ length: 256 }, (_, bits) => decode(bits));
    for (let index = 0; index < values.length; index += 1) values[index] = table[bytes[index]!]!;
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let index = 0; index < values.length; index += 1) values[index] = decode(view.getUint16(2 * index, true));
  }
  return values;
}

/**
 * The values of a tensor in row-major order, in the typed array of its dtype (a fresh copy, aligned):
 * F16, BF16 and the F8 formats widen exactly to float32; BOOL reads as a Uint8Array of 0/1.
 */
export function tensorValues(tensor: SafetensorsTensor): SafetensorsValues {
  const { dtype, bytes } = tensor;
  if (dtype === 'F16') return narrowFloats(bytes, 2, float16ToNumber);
  if (dtype === 'BF16') return narrowFloats(bytes, 2, bfloat16ToNumber);
  if (dtype === 'F8_E4M3') return narrowFloats(bytes, 1, float8E4m3ToNumber);
  if (dtype === 'F8_E5M2') return narrowFloats(bytes, 1, float8E5m2ToNumber);
  const Constructor = directArrays[dtype]!;
  // A copy is aligned whatever the file's offsets; on a big-endian host each element is byte-swapped by DataView.
  const read = dataViewReaders[dtype];
  if (littleEndianHost || read === undefined) return new Constructor(bytes.slice().buffer);
  const width = safetensorsDtypeSizes[dtype];
  const values = new Constructor(new ArrayBuffer(bytes.length));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let index = 0; index < bytes.length / width; index += 1) (values as unknown as Array<number | bigint>)[index] = read(view, width * index);
  return values;
}

/**
 * The values of a floating-point tensor as float32 (F16, BF16, F8 exactly; F64 rounded to nearest).
 * Integer and BOOL tensors are refused with a `DiffusionError` naming `file` and the tensor.
 */
export function float32Values(tensor: SafetensorsTensor, file = 'safetensors', name = 'tensor'): Float32Array {
  const values = tensorValues(tensor);
  if (values instanceof Float32Array) return values;
  if (values instanceof Float64Array) return Float32Array.from(values);
  throw safetensorsError(file, `${JSON.stringify(name)}.dtype`, `tensor ${JSON.stringify(name)} has dtype ${tensor.dtype}; expected a floating-point dtype (F32, F16, BF16, F64, F8_E4M3, F8_E5M2)`, tensor.dtype);
}
