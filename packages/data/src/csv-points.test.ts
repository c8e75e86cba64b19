import { describe, expect, it } from 'vitest';
import { parseCsvPoints } from './csv-points';

describe('parseCsvPoints', () => {
  it('detects a header and reads every numeric column', () => {
    const table = parseCsvPoints('x,y\n1,2\n3.5,-4e-1\n', 'a.csv');
    expect(table.columnNames).toEqual(['x', 'y']);
    expect([table.count, table.dimension]).toEqual([2, 2]);
    expect(Array.from(table.values)).toEqual([1, 2, 3.5, -0.4]);
  });

  it('reads a file without a header, tab- or whitespace-separated, with comments and blank lines', () => {
    expect(Array.from(parseCsvPoints('1\t2\n\n3\t4\n', 'a.tsv').values)).toEqual([1, 2, 3, 4]);
    const savetxt = parseCsvPoints('# x y\n1.000000000000000000e+00 2.000000000000000000e+00\n3.000000000000000000e+00 4.000000000000000000e+00\n', 'a.txt');
    expect(Array.from(savetxt.values)).toEqual([1, 2, 3, 4]);
    expect(savetxt.columnNames).toEqual(['column 1', 'column 2']);
  });

  it('reads quoted header names and semicolons', () => {
    expect(parseCsvPoints('"a b";"c"\n1;2\n', 'a.csv').columnNames).toEqual(['a b', 'c']);
  });

  it('chooses columns by name or 1-based position, and maps a label column to sorted classes', () => {
    const text = 'id,x,y,kind\n7,1,2,cat\n8,3,4,ant\n9,5,6,cat\n';
    const table = parseCsvPoints(text, 'a.csv', { columns: ['y', 2], labelColumn: 'kind' });
    expect(table.columnNames).toEqual(['y', 'x']);
    expect(Array.from(table.values)).toEqual([2, 1, 4, 3, 6, 5]);
    expect(table.classNames).toEqual(['ant', 'cat']);
    expect(Array.from(table.labels!)).toEqual([1, 0, 1]);
    // Without --columns: every column but the label's; numeric labels sort as numbers.
    const numeric = parseCsvPoints('x,label\n1,10\n2,9\n3,10\n', 'b.csv', { labelColumn: 'label' });
    expect(numeric.classNames).toEqual(['9', '10']);
    expect(numeric.dimension).toBe(1);
  });

  it('names the line and the column of a non-numeric cell', () => {
    expect(() => parseCsvPoints('x,y\n1,2\n3,abc\n', 'data.csv')).toThrow('data.csv, line 3, column 2 ("y"): "abc" is not a finite number');
    expect(() => parseCsvPoints('x,y\n1,2\n,4\n', 'data.csv')).toThrow('data.csv, line 3, column 1 ("x"): the cell is empty');
    expect(() => parseCsvPoints('x,y\n1,NaN\n', 'data.csv')).toThrow('data.csv, line 2, column 2 ("y"): "NaN" is not a finite number');
  });

  it('names the line of a row of another length', () => {
    expect(() => parseCsvPoints('x,y\n1,2\n\n3,4,5\n', 'data.csv')).toThrow('data.csv, line 4: the row has 3 cells but the header (line 1) has 2');
    expect(() => parseCsvPoints('1 2\n3\n', 'data.txt')).toThrow('data.txt, line 2: the row has 1 cells but the first row (line 1) has 2');
  });

  it('refuses an empty dataset, and unknown columns by name', () => {
    expect(() => parseCsvPoints('', 'empty.csv')).toThrow('empty.csv: the file holds no rows (an empty dataset)');
    expect(() => parseCsvPoints('x,y\n', 'header.csv')).toThrow('header.csv: the file holds a header (line 1) but no data rows');
    expect(() => parseCsvPoints('x,y\n1,2\n', 'a.csv', { columns: ['z'] })).toThrow('a.csv: --columns "z" is not a column; the header names "x", "y"');
    expect(() => parseCsvPoints('x,y\n1,2\n', 'a.csv', { columns: [3] })).toThrow('a.csv: --columns 3 is not a column; the file has 2 (positions 1..2)');
  });
});
