import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy } from './npy-format';
import { readPointsFile } from './points-file';

const dir = mkdtempSync(join(tmpdir(), 'points-file-'));

describe('readPointsFile', () => {
  it('reads a .npy array [n, …rest] as n examples of shape rest', () => {
    const path = join(dir, 'a.npy');
    writeFileSync(path, encodeNpy(Float64Array.from({ length: 12 }, (_, index) => index), [2, 3, 2]));
    const table = readPointsFile(path);
    expect([table.count, table.dimension]).toEqual([2, 6]);
    expect(table.sampleShape).toEqual([3, 2]);
    writeFileSync(path, encodeNpy(Float32Array.from([1, 2, 3]), [3]));
    expect(readPointsFile(path).sampleShape).toEqual([1]);
  });

  it('reads CSV by extension and names a missing file, an unknown type and non-finite .npy values', () => {
    const csv = join(dir, 'b.csv');
    writeFileSync(csv, 'x\n1\n2\n');
    expect(readPointsFile(csv).count).toBe(2);
    expect(() => readPointsFile(join(dir, 'missing.csv'))).toThrow(`${join(dir, 'missing.csv')}: cannot read the data file (no such file)`);
    expect(() => readPointsFile(join(dir, 'b.json'))).toThrow('unknown point-file type ".json"; expected .csv, .tsv, .txt, .npy');
    const bad = join(dir, 'nan.npy');
    writeFileSync(bad, encodeNpy(Float32Array.from([1, 2, Number.NaN, 4]), [2, 2]));
    expect(() => readPointsFile(bad)).toThrow(`${bad}, example 1 (flat index 2): the value NaN is not finite`);
    const empty = join(dir, 'empty.npy');
    writeFileSync(empty, encodeNpy(new Float32Array(0), [0, 2]));
    expect(() => readPointsFile(empty)).toThrow('holds no data (an empty dataset)');
  });
});
