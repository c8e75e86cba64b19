/**
 * The assembled variants of one kernel module (src/generated/, built from src/wat/ by
 * scripts/build-kernels.mjs), and the pick of the one an engine and memory need.
 */

/** Base64 of the module importing a plain or a shared `env.memory`, and, where it multiply-adds, with relaxed SIMD. */
export interface WasmModuleVariants {
  readonly plain: string;
  readonly shared: string;
  readonly relaxed?: string;
  readonly relaxedShared?: string;
}

const decoded = new Map<string, Uint8Array<ArrayBuffer>>();

function decode(base64: string): Uint8Array<ArrayBuffer> {
  let bytes = decoded.get(base64);
  if (bytes === undefined) {
    const binary = atob(base64);
    bytes = new Uint8Array(binary.length);
    for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
    decoded.set(base64, bytes);
  }
  return bytes;
}

/**
 * The module's bytes for a plain or `shared` memory; with `relaxedSimd`, the variant that
 * multiply-adds with `f32x4.relaxed_madd` (for modules that have one).
 */
export function wasmModuleBytes(variants: WasmModuleVariants, shared: boolean, relaxedSimd = false): Uint8Array<ArrayBuffer> {
  const relaxed = shared ? variants.relaxedShared : variants.relaxed;
  return decode(relaxedSimd && relaxed !== undefined ? relaxed : shared ? variants.shared : variants.plain);
}
