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

/** CRC-32 (ISO-HDLC, as zlib and PNG: reflected polynomial 0xEDB88320) of bytes. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let index = 0; index < bytes.length; index += 1) crc = crcTable[(crc ^ bytes[index]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The data section of a safetensors file (after the 8-byte length and the header). */
function dataSection(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bytes.subarray(Math.min(bytes.length, 8 + view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32));
}

/**
 * Encodes a checkpoint as one safetensors file (Hugging Face safetensors format, through
 * `@diffusion/safetensors`' writer) with a CRC-32 of the data section in the metadata (`dataCrc32`).
 */
export function encodeCheckpointFile(contents: CheckpointContents): Uint8Array {
  const entries = [...contents.tensors].map(([name, { shape, values }]) => ({ name, shape, values }));
  // The data section does not depend on the metadata: write once to checksum it, then for real.
  const checksum = crc32(dataSection(encodeSafetensors(entries, { placeholder: '' })));
  return encodeSafetensors(entries, { ...contents.metadata, dataCrc32: String(checksum) });
}

/** Decodes a checkpoint file, checking its structure (strict safetensors reader) and its CRC-32; damage throws DiffusionError 'checkpoint'. */
export function decodeCheckpointFile(bytes: Uint8Array): CheckpointContents {
  let file: ReturnType<typeof decodeSafetensors>;
  try {
    file = decodeSafetensors(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DiffusionError('checkpoint', `checkpoint: the file is truncated or corrupted (${reason})`, { field: 'checkpoint', allowed: 'a complete checkpoint written by saveCheckpoint', cause: error });
  }
  const { metadata, tensors: stored } = file;
  if (metadata.dataCrc32 !== undefined && String(crc32(dataSection(bytes))) !== metadata.dataCrc32) {
    throw new DiffusionError('checkpoint', 'checkpoint: the data checksum does not match (the file is corrupted).', { field: 'checkpoint', value: metadata.dataCrc32, allowed: 'a complete checkpoint written by saveCheckpoint' });
  }
  const tensors = new Map<string, CheckpointTensor>();
  for (const [name, { dtype, shape, bytes: raw }] of stored) {
    if (dtype !== 'F32') throw new DiffusionError('checkpoint', `checkpoint: tensor "${name}" has dtype ${dtype}; expected F32.`, { field: `checkpoint.${name}`, value: dtype, allowed: 'F32' });
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const values = new Float32Array(raw.byteLength / 4);
    for (let index = 0; index < values.length; index += 1) values[index] = view.getFloat32(4 * index, true);
    tensors.set(name, { shape, values });
  }
  return { tensors, metadata };
}
