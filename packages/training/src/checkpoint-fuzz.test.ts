// Fuzzing the checkpoint reader (issue #19): damaged files are rejected with a named error or
// restore to exactly the saved state, never to a different one. CI runs a modest share;
// CHECKPOINT_FUZZ_RUNS=20000 CHECKPOINT_FUZZ_SEED=random runs a long local campaign (the counts are printed).
import { DiffusionError } from '@diffusion/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpointFile, encodeCheckpointFile } from './checkpoint-format';
import { firstDifference } from './trainer-checkpoint';
import { createStatefulDensityTrainer, gaussianMixtureDataset } from './test-doubles';
import type { Trainer } from './trainer';

const runs = Number(process.env.CHECKPOINT_FUZZ_RUNS ?? 200);
// CI draws the same cases every run (seed 19), so a red CI names a defect, not a draw;
// CHECKPOINT_FUZZ_SEED=random (or any integer) explores other cases, as long campaigns do.
const seedSetting = process.env.CHECKPOINT_FUZZ_SEED ?? '19';
const seeded = seedSetting === 'random' ? {} : { seed: Number(seedSetting) };

const makeTrainer = createStatefulDensityTrainer;

let saved: Uint8Array;
let headerEnd: number;
let fresh: Trainer;
const counts = { tried: 0, rejected: 0, exact: 0, acceptedAsWritten: 0 };
const byKind = new Map<string, { tried: number; rejected: number; exact: number; acceptedAsWritten: number }>();

beforeAll(async () => {
  const trainer = makeTrainer();
  await trainer.train({ data: gaussianMixtureDataset, steps: 30 });
  saved = trainer.serializeCheckpoint();
  headerEnd = 8 + new DataView(saved.buffer).getUint32(0, true);
  trainer.dispose();
  fresh = makeTrainer();
  current = fresh.serializeCheckpoint();
});

afterAll(() => {
  console.log(`checkpoint fuzz: ${JSON.stringify(counts)} by kind ${JSON.stringify(Object.fromEntries(byKind))}; valid re-checksummed files accepted as written, by the field they changed: ${JSON.stringify(Object.fromEntries(acceptedChanges))}`);
});

function tally(kind: string, outcome: 'rejected' | 'exact' | 'acceptedAsWritten'): void {
  const entry = byKind.get(kind) ?? { tried: 0, rejected: 0, exact: 0, acceptedAsWritten: 0 };
  entry.tried += 1;
  entry[outcome] += 1;
  byKind.set(kind, entry);
  counts.tried += 1;
  counts[outcome] += 1;
}

const equalBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** What the shared trainer serialises to now (updated when a file is accepted). */
let current: Uint8Array;

/**
 * Restores `bytes` into the shared trainer. A rejection must be a named DiffusionError that left
 * the trainer as it was (checked in full every 8th time: serialising is the slow part); an accepted
 * file must leave the trainer serialising to `expected`. A "damaged" file equal to the saved one
 * (two flips that cancel) is not counted.
 */
function attempt(kind: string, bytes: Uint8Array, expected: Uint8Array): void {
  if (kind !== 'random JSON' && equalBytes(bytes, saved)) return;
  const steps = fresh.completedSteps;
  try {
    fresh.restoreCheckpoint(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(DiffusionError);
    expect((error as DiffusionError).code).toBe('checkpoint');
    expect((error as DiffusionError).field).toMatch(/^checkpoint/);
    expect(fresh.completedSteps).toBe(steps);
    if (counts.rejected % 8 === 0) expect(equalBytes(fresh.serializeCheckpoint(), current)).toBe(true);
    tally(kind, 'rejected');
    return;
  }
  current = fresh.serializeCheckpoint();
  expect(equalBytes(current, expected) || sameState(current, expected)).toBe(true);
  tally(kind, equalBytes(expected, saved) ? 'exact' : 'acceptedAsWritten');
  if (!equalBytes(expected, saved)) {
    // Which field the accepted (valid, re-checksummed) file changed: reported, to show what passes.
    const trainerJson = (bytes: Uint8Array) => JSON.parse(decodeCheckpointFile(bytes).metadata.trainer!) as unknown;
    const path = firstDifference(trainerJson(saved), trainerJson(expected))?.path.replace(/\.\d+(\.\d+)?$/, '.<n>') ?? '(none)';
    acceptedChanges.set(path, (acceptedChanges.get(path) ?? 0) + 1);
  }
}
const acceptedChanges = new Map<string, number>();

/**
 * Whether two checkpoints hold the same trainer state: equal tensors and trainer JSON, apart from
 * the backbone's own config (its initialisation seed, say), which restoring does not compare: the
 * weights come from the file, checked tensor by tensor. A file without the "condition" random
 * stream (an unconditional run's file from before label dropout) means that stream at counter 0.
 */
function sameState(a: Uint8Array, b: Uint8Array): boolean {
  const [left, right] = [decodeCheckpointFile(a), decodeCheckpointFile(b)];
  type State = { config: { backbone: { config?: unknown } }; random?: { condition?: { counter?: unknown } } };
  const parse = (metadata: Readonly<Record<string, string>>) => JSON.parse(metadata.trainer!) as State;
  const [restored, described] = [parse(left.metadata), parse(right.metadata)];
  if (described.random !== undefined && described.random.condition === undefined && restored.random?.condition?.counter === 0) delete restored.random.condition;
  for (const state of [restored, described]) delete state.config.backbone.config;
  if (JSON.stringify(restored) !== JSON.stringify(described) || left.tensors.size !== right.tensors.size) return false;
  return [...left.tensors].every(([name, entry]) => right.tensors.has(name) && Buffer.from(entry.values.buffer).equals(Buffer.from(right.tensors.get(name)!.values.buffer)));
}

/** Up to 8 byte flips (XOR with 1..255) at positions in [from, to). */
const flips = (from: () => number, to: () => number) =>
  fc.array(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }).map((changes) => {
    const bytes = saved.slice();
    for (const [where, mask] of changes) {
      const position = from() + Math.floor(where * (to() - from()));
      bytes[position] = bytes[position]! ^ mask;
    }
    return bytes;
  });

describe('checkpoint reader fuzz (fast-check)', () => {
  it('rejects every truncation with a named error', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1 << 30 }), (cut) => attempt('truncation', saved.slice(0, cut % saved.length), saved)), { numRuns: runs, ...seeded });
  });

  it('rejects byte flips in the header (length, JSON, metadata, padding) with a named error', () => {
    fc.assert(fc.property(flips(() => 0, () => headerEnd), (bytes) => attempt('header flips', bytes, saved)), { numRuns: runs, ...seeded });
  });

  it('rejects byte flips in the data with a named error', () => {
    fc.assert(fc.property(flips(() => headerEnd, () => saved.length), (bytes) => attempt('data flips', bytes, saved)), { numRuns: runs, ...seeded });
  });

  it('rejects flips anywhere followed by a truncation or an appended tail', () => {
    fc.assert(
      fc.property(flips(() => 0, () => saved.length), fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 64 }), fc.integer({ min: -64, max: -1 })), (bytes, change) => {
        const damaged = change >= 0 ? Uint8Array.from([...bytes, ...new Uint8Array(change)]) : bytes.slice(0, bytes.length + change);
        attempt('flips + length change', damaged, saved);
      }),
      { numRuns: runs, ...seeded },
    );
  });

  it('never restores a different state from random JSON in the metadata (valid checksums): named error or exactly what the file says', () => {
    const { tensors, metadata } = decodeCheckpointFile(saved);
    const state = JSON.parse(metadata.trainer!) as Record<string, unknown>;
    // Every path of the trainer state (objects and arrays walked; long arrays only at their start).
    const paths: string[][] = [];
    const walk = (value: unknown, path: string[]) => {
      paths.push(path);
      if (typeof value !== 'object' || value === null) return;
      const keys = Array.isArray(value) ? value.slice(0, 3).map((_, index) => String(index)) : Object.keys(value);
      for (const key of keys) walk((value as Record<string, unknown>)[key], [...path, key]);
    };
    walk(state, []);
    const setAt = (root: unknown, path: string[], replacement: unknown, remove: boolean): unknown => {
      if (path.length === 0) return replacement;
      const copy = JSON.parse(JSON.stringify(root)) as Record<string, unknown>;
      let node = copy;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
      if (remove) delete node[path.at(-1)!];
      else node[path.at(-1)!] = replacement;
      return copy;
    };
    const mutation = fc.oneof(
      fc.record({ path: fc.constantFrom(...paths), value: fc.jsonValue({ maxDepth: 3 }), remove: fc.boolean() }).map(({ path, value, remove }) => ({ ...metadata, trainer: JSON.stringify(setAt(state, path, value, remove && path.length > 0)) })),
      // A random number where a number was (the likeliest silent change: a step or a counter).
      fc.record({ path: fc.constantFrom(...paths.filter((path) => typeof path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], state) === 'number')), value: fc.oneof(fc.integer(), fc.double()) }).map(({ path, value }) => ({ ...metadata, trainer: JSON.stringify(setAt(state, path, value, false)) })),
      fc.oneof(fc.string(), fc.json()).map((text) => ({ ...metadata, trainer: text })),
      fc.record({ key: fc.constantFrom('format', 'formatVersion', 'trainer'), value: fc.oneof(fc.string(), fc.json()), remove: fc.boolean() }).map(({ key, value, remove }) => {
        const copy: Record<string, string> = { ...metadata };
        if (remove) delete copy[key];
        else copy[key] = value;
        return copy;
      }),
    );
    fc.assert(
      fc.property(mutation, (changed) => {
        const bytes = encodeCheckpointFile({ tensors, metadata: changed });
        // The trainer, if it accepts the file, must hold exactly the state the file describes: written back, the file again.
        attempt('random JSON', bytes, bytes);
      }),
      { numRuns: runs * 2, ...seeded },
    );
    // The unchanged metadata still restores exactly (the check above is not vacuous).
    attempt('random JSON', encodeCheckpointFile({ tensors, metadata }), saved);
  });

  it('counts: every damaged file was rejected or restored exactly', () => {
    expect(counts.tried).toBeGreaterThanOrEqual(5 * runs);
    const damaged = [...byKind].filter(([kind]) => kind !== 'random JSON');
    for (const [, entry] of damaged) expect(entry.rejected + entry.exact).toBe(entry.tried);
    for (const [, entry] of damaged) expect(entry.acceptedAsWritten).toBe(0);
  });
});
