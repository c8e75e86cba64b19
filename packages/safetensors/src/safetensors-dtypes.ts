/**
 * The element types of the safetensors format (github.com/huggingface/safetensors, `Dtype`),
 * every one of which this package reads and writes.
 */
export type SafetensorsDtype =
  | 'BOOL'
  | 'U8'
  | 'I8'
  | 'F8_E4M3'
  | 'F8_E5M2'
  | 'I16'
  | 'U16'
  | 'F16'
  | 'BF16'
  | 'I32'
  | 'U32'
  | 'F32'
  | 'I64'
  | 'U64'
  | 'F64';

/** Bytes per element of each dtype. */
export const safetensorsDtypeSizes: Readonly<Record<SafetensorsDtype, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E4M3: 1, F8_E5M2: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
};

/** The floating-point dtypes, which read as float32 for model weights. */
export const floatingDtypes: readonly SafetensorsDtype[] = ['F8_E4M3', 'F8_E5M2', 'F16', 'BF16', 'F32', 'F64'];

/** Whether a header's dtype string is one this package reads. */
export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(safetensorsDtypeSizes, value);
}
