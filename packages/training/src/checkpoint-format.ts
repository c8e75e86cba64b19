import { DiffusionError } from '@diffusion/core';
import { decodeSafetensors, encodeSafetensors } from '@diffusion/safetensors';

/** One float32 tensor of a checkpoint. */
export interface CheckpointTensor {
  /** Shape, without strides. */
  readonly shape: readonly number[];
  /** Values in row-major order. */
  readonly values: Float32Array;
}

/** The contents of a checkpoint: named tensors and string metadata. */
export interface CheckpointContents {
  /** Tensors by name. */
  readonly tensors: ReadonlyMap<string, CheckpointTensor>;
  /** String metadata (safetensors' `__metadata__`). */
  readonly metadata: Readonly<Record<string, string>>;
}

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let index = 0; index < 256; index += 1) {
    let value = index;
    for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    table[index] = value >>> 0;
  }
  return table;
})();

/** Continues a CRC-32 over more bytes: `crc32Update(crc32Update(0, a), b) === crc32(a ++ b)`. */
function crc32Update(crc: number, bytes: Uint8Array): number {
  let state = (crc ^ 0xffffffff) >>> 0;
  for (let index = 0; index < bytes.length; index += 1) state = crcTable[(state ^ bytes[index]!) & 0xff]! ^ (state >>> 8);
  return (state ^ 0xffffffff) >>> 0;
}

/** CRC-32 (ISO-HDLC, as zlib and PNG: reflected polynomial 0xEDB88320) of bytes. */
export function crc32(bytes: Uint8Array): number {
  return crc32Update(0, bytes);
}

// The checksums sit in the metadata as 8 lowercase hex digits, so writing them changes no offset:
// `fileCrc32` is the CRC-32 of the whole file with its own 8 digits read as "00000000" (it covers the
// header, the metadata and `dataCrc32` too); `dataCrc32` covers the data section alone and only
// says where damage lies. A file without `fileCrc32` is refused: nothing is ever read unchecked.
const fileChecksumKey = 'fileCrc32';
const dataChecksumKey = 'dataCrc32';
const placeholder = '00000000';
const hexDigits = /^[0-9a-f]{8}$/;

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function damaged(message: string, field: string, value?: unknown): DiffusionError {
  return new DiffusionError('checkpoint', `checkpoint: ${message}`, { field, value, allowed: 'a complete checkpoint written by saveCheckpoint' });
}

/** End of the header (8-byte length + JSON) of a structurally valid file. */
function headerEnd(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return 8 + view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
}

/**
 * Byte offset of the 8 hex digits of `"key":"digits"` in the header: the one occurrence that follows
 * `{` or `,` (a real key of the compact JSON; inside a JSON string a quote is always escaped), or -1.
 */
function checksumOffset(bytes: Uint8Array, end: number, key: string, digits: string): number {
  const pattern = new TextEncoder().encode(`"${key}":"${digits}"`);
  let found = -1;
  for (let start = 9; start + pattern.length <= end; start += 1) {
    if (bytes[start] !== 0x22 || (bytes[start - 1] !== 0x7b && bytes[start - 1] !== 0x2c)) continue;
    let index = 0;
    while (index < pattern.length && bytes[start + index] === pattern[index]) index += 1;
    if (index < pattern.length) continue;
    if (found !== -1) return -1;
    found = start + pattern.length - 1 - digits.length;
  }
  return found;
}

/** CRC-32 of the file with the 8 digits at `offset` read as the placeholder. */
function fileChecksum(bytes: Uint8Array, offset: number): number {
  const zeros = new TextEncoder().encode(placeholder);
  return crc32Update(crc32Update(crc32Update(0, bytes.subarray(0, offset)), zeros), bytes.subarray(offset + placeholder.length));
}

/**
 * Encodes a checkpoint as one safetensors file (Hugging Face safetensors format, through
 * `@diffusion/safetensors`' writer) with two CRC-32s in the metadata: `fileCrc32` over the whole file
 * (header included) and `dataCrc32` over the data section. Given metadata keys of those names are replaced.
 */
export function encodeCheckpointFile(contents: CheckpointContents): Uint8Array {
  const entries = [...contents.tensors].map(([name, { shape, values }]) => ({ name, shape, values }));
  const { [fileChecksumKey]: _file, [dataChecksumKey]: _data, ...metadata } = contents.metadata;
  const bytes = encodeSafetensors(entries, { ...metadata, [dataChecksumKey]: placeholder, [fileChecksumKey]: placeholder });
  const end = headerEnd(bytes);
  const encoder = new TextEncoder();
  const dataOffset = checksumOffset(bytes, end, dataChecksumKey, placeholder);
  const fileOffset = checksumOffset(bytes, end, fileChecksumKey, placeholder);
  if (dataOffset < 0 || fileOffset < 0) throw new Error('internal: checkpoint checksum placeholders not found');
  bytes.set(encoder.encode(hex(crc32(bytes.subarray(end)))), dataOffset);
  bytes.set(encoder.encode(hex(fileChecksum(bytes, fileOffset))), fileOffset);
  return bytes;
}

/** Checks the checksums of a structurally valid file; damage throws DiffusionError 'checkpoint' naming where. */
function checkChecksums(bytes: Uint8Array, metadata: Readonly<Record<string, string>>): void {
  const stored = metadata[fileChecksumKey];
  if (stored === undefined) {
    const older = metadata[dataChecksumKey] !== undefined ? ' (it has only a data checksum, dataCrc32, so its header could be damaged unseen; re-create it with this version)' : '';
    throw damaged(`the file has no checksum: no "${fileChecksumKey}" in its metadata${older}.`, `checkpoint.${fileChecksumKey}`);
  }
  const end = headerEnd(bytes);
  const offset = hexDigits.test(stored) ? checksumOffset(bytes, end, fileChecksumKey, stored) : -1;
  if (offset < 0) throw damaged(`the file checksum ${JSON.stringify(stored)} is not 8 hex digits in the form saveCheckpoint writes (the header, bytes 0-${end}, is damaged).`, `checkpoint.${fileChecksumKey}`, stored);
  const actual = hex(fileChecksum(bytes, offset));
  if (actual === stored) return;
  const dataIntact = metadata[dataChecksumKey] === hex(crc32(bytes.subarray(end)));
  const where = dataIntact ? `in the header (bytes 0-${end}; the data section's own checksum matches)` : `in the data section (bytes ${end}-${bytes.length})`;
  throw damaged(`the checksum does not match: the file is corrupted ${where} (CRC-32 ${actual}, stored ${stored}).`, `checkpoint.${fileChecksumKey}`, stored);
}

/** Decodes a checkpoint file, checking its structure (strict safetensors reader) and its CRC-32s; damage throws DiffusionError 'checkpoint'. */
export function decodeCheckpointFile(bytes: Uint8Array): CheckpointContents {
  let file: ReturnType<typeof decodeSafetensors>;
  try {
    file = decodeSafetensors(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DiffusionError('checkpoint', `checkpoint: the file is truncated or corrupted (${reason})`, { field: 'checkpoint', allowed: 'a complete checkpoint written by saveCheckpoint', cause: error });
  }
  const { metadata: stored, tensors: storedTensors } = file;
  checkChecksums(bytes, stored);
  const { [fileChecksumKey]: _file, [dataChecksumKey]: _data, ...metadata } = stored;
  const tensors = new Map<string, CheckpointTensor>();
  for (const [name, { dtype, shape, bytes: raw }] of storedTensors) {
    if (dtype !== 'F32') throw new DiffusionError('checkpoint', `checkpoint: tensor "${name}" has dtype ${dtype}; expected F32.`, { field: `checkpoint.${name}`, value: dtype, allowed: 'F32' });
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const values = new Float32Array(raw.byteLength / 4);
    for (let index = 0; index < values.length; index += 1) values[index] = view.getFloat32(4 * index, true);
    tensors.set(name, { shape, values });
  }
  return { tensors, metadata };
}
