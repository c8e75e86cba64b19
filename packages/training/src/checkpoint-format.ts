import { DiffusionError } from '@diffusion/core';

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

/** CRC-32 (ISO-HDLC, as zlib and PNG) of bytes. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let index = 0; index < bytes.length; index += 1) crc = crcTable[(crc ^ bytes[index]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function corrupt(reason: string): DiffusionError {
  return new DiffusionError('checkpoint', `checkpoint: the file is truncated or corrupted (${reason}).`, { field: 'checkpoint', allowed: 'a complete checkpoint written by saveCheckpoint' });
}

/**
 * Encodes tensors in the safetensors layout (Hugging Face safetensors format: u64 little-endian
 * header size, JSON header, packed little-endian data) with a CRC-32 of the data in the metadata.
 */
export function encodeSafetensors(contents: CheckpointContents): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, { shape, values }] of contents.tensors) {
    header[name] = { dtype: 'F32', shape: [...shape], data_offsets: [offset, offset + values.byteLength] };
    offset += values.byteLength;
  }
  const data = new Uint8Array(offset);
  let position = 0;
  for (const { values } of contents.tensors.values()) {
    const littleEndian = new DataView(data.buffer, position, values.byteLength);
    values.forEach((value, index) => littleEndian.setFloat32(index * 4, value, true));
    position += values.byteLength;
  }
  header.__metadata__ = { ...contents.metadata, dataCrc32: String(crc32(data)) };
  let headerText = JSON.stringify(header);
  // Pad with spaces so the data starts on an 8-byte boundary, as the format recommends.
  headerText += ' '.repeat((8 - ((new TextEncoder().encode(headerText).length + 8) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(headerText);
  const bytes = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  bytes.set(headerBytes, 8);
  bytes.set(data, 8 + headerBytes.length);
  return bytes;
}

/** Decodes a file written by {@link encodeSafetensors}; throws DiffusionError 'checkpoint' on any damage. */
export function decodeSafetensors(bytes: Uint8Array): CheckpointContents {
  if (bytes.length < 8) throw corrupt(`${bytes.length} bytes, shorter than the 8-byte header size`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = Number(view.getBigUint64(0, true));
  if (headerSize > bytes.length - 8) throw corrupt(`header of ${headerSize} bytes in a file of ${bytes.length}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerSize))) as Record<string, unknown>;
  } catch (error) {
    throw new DiffusionError('checkpoint', 'checkpoint: the header is not valid JSON (truncated or corrupted file).', { field: 'checkpoint', cause: error });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw corrupt('the header is not an object');
  const data = bytes.subarray(8 + headerSize);
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  if (metadata.dataCrc32 !== undefined && String(crc32(data)) !== metadata.dataCrc32) throw corrupt('the data checksum does not match');
  const tensors = new Map<string, CheckpointTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (dtype !== 'F32') throw new DiffusionError('checkpoint', `checkpoint: tensor "${name}" has dtype ${JSON.stringify(dtype)}; expected "F32".`, { field: `checkpoint.${name}.dtype`, value: dtype, allowed: '"F32"' });
    if (!Array.isArray(shape) || !shape.every((size) => Number.isInteger(size) && size >= 0)) throw corrupt(`tensor "${name}" has no valid shape`);
    if (!Array.isArray(offsets) || offsets.length !== 2) throw corrupt(`tensor "${name}" has no data offsets`);
    const [begin, end] = offsets as [number, number];
    const size = (shape as number[]).reduce((product, dimension) => product * dimension, 1);
    if (!Number.isInteger(begin) || !Number.isInteger(end) || end - begin !== size * 4 || begin < 0 || end > data.length) {
      throw corrupt(`tensor "${name}" spans bytes [${begin}, ${end}) of ${data.length}`);
    }
    const values = new Float32Array(size);
    const tensorView = new DataView(data.buffer, data.byteOffset + begin, end - begin);
    for (let index = 0; index < size; index += 1) values[index] = tensorView.getFloat32(index * 4, true);
    tensors.set(name, { shape: shape as number[], values });
  }
  return { tensors, metadata };
}
