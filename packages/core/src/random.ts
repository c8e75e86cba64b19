import { checkNonNegativeInteger, checkPositiveInteger } from './checks';
import { invalidOption } from './errors';
import { philox4x32 } from './philox';

/** The serialisable position of a random stream, for checkpoints and exact resume. */
export interface RandomState {
  /** The seed (integer in [0, 2^53)). */
  readonly seed: number;
  /** The stream id (integer in [0, 2^53)); independent streams share a seed. */
  readonly stream: number;
  /** Blocks consumed so far (integer in [0, 2^53)). */
  readonly counter: number;
}

/**
 * A seeded, counter-based source of random numbers (Philox4x32-10). Values depend only on
 * (seed, stream, counter), never on the tfjs backend or the platform.
 */
export interface RandomSource {
  /**
   * `count` uniforms in the open interval (0, 1), 53-bit resolution, as float64 for plain-JS maths.
   * `tf.tensor` takes no Float64Array: pass `'float32'` for a Float32Array it takes (rounded to
   * float32, which can round a value next to 1 up to exactly 1), or use `randomUniformTensor`.
   */
  uniforms(count: number): Float64Array;
  uniforms(count: number, dtype: 'float64'): Float64Array;
  uniforms(count: number, dtype: 'float32'): Float32Array;
  /**
   * `count` standard normals (Box–Muller on Philox uniforms), as float64 for plain-JS maths.
   * `tf.tensor` takes no Float64Array: pass `'float32'` for a Float32Array it takes
   * (`tf.tensor(source.normals(n, 'float32'), shape)`), or use `randomNormalTensor(source, shape)`.
   */
  normals(count: number): Float64Array;
  normals(count: number, dtype: 'float64'): Float64Array;
  normals(count: number, dtype: 'float32'): Float32Array;
  /** `count` integers uniform in [0, upper). */
  integers(count: number, upper: number): Float64Array;
  /** An independent stream derived from this one's seed and a label. */
  fork(label: string | number): RandomSource;
  /** Where this stream stands. */
  state(): RandomState;
}

const twoTo32 = 4294967296;
const twoTo53 = 9007199254740992;

/** Splits an integer in [0, 2^53) into its low and high 32-bit words. */
function splitWords(value: number): [number, number] {
  return [value % twoTo32 >>> 0, Math.floor(value / twoTo32) >>> 0];
}

/** 32-bit FNV-1a hash of a label, to derive stream ids from names. */
function hashLabel(label: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < label.length; index += 1) {
    hash ^= label.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The values in the array type asked for: float64 as drawn, or rounded to float32 (what `tf.tensor` takes). */
function asType(field: string, values: Float64Array, dtype: 'float64' | 'float32' | undefined): Float64Array | Float32Array {
  if (dtype === undefined || dtype === 'float64') return values;
  if (dtype === 'float32') return Float32Array.from(values);
  throw invalidOption(`${field}.dtype`, dtype, "'float64' (default) or 'float32'");
}

/** Creates a random source at a given position (use `createRandomSource(state)` to resume). */
export function createRandomSource(seedOrState: number | RandomState, stream = 0): RandomSource {
  const state = typeof seedOrState === 'number' ? { seed: seedOrState, stream, counter: 0 } : seedOrState;
  const seed = checkNonNegativeInteger('createRandomSource.seed', state.seed);
  const streamId = checkNonNegativeInteger('createRandomSource.stream', state.stream);
  let counter = checkNonNegativeInteger('createRandomSource.counter', state.counter);
  if (seed >= twoTo53) throw invalidOption('createRandomSource.seed', seed, 'an integer in [0, 2^53)');
  const [key0, key1] = splitWords(seed);
  const [streamLow, streamHigh] = splitWords(streamId);
  const counterWords = new Uint32Array(4);
  const block = new Uint32Array(4);

  /** Two 53-bit uniforms in (0, 1) from the next block. */
  function nextUniformPair(out: Float64Array, offset: number, take: number): void {
    const [counterLow, counterHigh] = splitWords(counter);
    counterWords[0] = counterLow;
    counterWords[1] = counterHigh;
    counterWords[2] = streamLow;
    counterWords[3] = streamHigh;
    philox4x32(counterWords, key0, key1, block);
    counter += 1;
    out[offset] = ((block[0]! >>> 5) * 67108864 + (block[1]! >>> 6) + 0.5) / twoTo53;
    if (take > 1) out[offset + 1] = ((block[2]! >>> 5) * 67108864 + (block[3]! >>> 6) + 0.5) / twoTo53;
  }

  function uniforms(count: number): Float64Array {
    checkNonNegativeInteger('uniforms.count', count);
    const out = new Float64Array(count);
    for (let index = 0; index < count; index += 2) nextUniformPair(out, index, Math.min(2, count - index));
    return out;
  }

  function normals(count: number): Float64Array {
    checkNonNegativeInteger('normals.count', count);
    const out = new Float64Array(count);
    const pair = new Float64Array(2);
    for (let index = 0; index < count; index += 2) {
      nextUniformPair(pair, 0, 2);
      const radius = Math.sqrt(-2 * Math.log(pair[0]!));
      const angle = 2 * Math.PI * pair[1]!;
      out[index] = radius * Math.cos(angle);
      if (index + 1 < count) out[index + 1] = radius * Math.sin(angle);
    }
    return out;
  }

  const source: RandomSource = {
    uniforms: ((count: number, dtype?: 'float64' | 'float32') => asType('uniforms', uniforms(count), dtype)) as RandomSource['uniforms'],
    normals: ((count: number, dtype?: 'float64' | 'float32') => asType('normals', normals(count), dtype)) as RandomSource['normals'],
    integers(count, upper) {
      checkPositiveInteger('integers.upper', upper);
      return uniforms(count).map((value) => Math.min(upper - 1, Math.floor(value * upper)));
    },
    fork(label) {
      const labelHash = typeof label === 'number' ? checkNonNegativeInteger('fork.label', label) : hashLabel(label);
      // A new stream id from (this stream, label): distinct labels give distinct streams.
      const childStream = (streamId * 1_000_003 + labelHash + 1) % twoTo53;
      return createRandomSource({ seed, stream: childStream, counter: 0 });
    },
    state: () => ({ seed, stream: streamId, counter }),
  };
  return source;
}
