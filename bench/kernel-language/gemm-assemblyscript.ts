// The candidate that lost: the SIMD GEMM of packages/kernels-wasm/src/wat/gemm.wat in AssemblyScript
// (same blocking, same 4 x 8 register tile, same summation order: bit-equal results). See README.md.
const tileRows: i32 = 4;
const panelColumns: i32 = 8;
const chunkTiles: i32 = 4;

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

export function packPanels(b: usize, kStride: i32, nStride: i32, packed: usize, depth: i32, columns: i32): void {
  const panels = <u32>columns / <u32>panelColumns;
  let target = packed;
  for (let panel: u32 = 0; panel < panels; panel++) {
    let source = b + <usize>(<i32>panel * panelColumns * nStride);
    for (let k = 0; k < depth; k++) {
      if (nStride == 4) {
        v128.store(target, v128.load(source));
        v128.store(target, v128.load(source, 16), 16);
      } else {
        for (let j = 0; j < panelColumns; j++) store<f32>(target + <usize>(4 * j), load<f32>(source + <usize>(nStride * j)));
      }
      source += kStride;
      target += 4 * panelColumns;
    }
  }
}

export function rowTiles(a: usize, mStride: i32, kStride: i32, sliver: usize, packed: usize, c: usize, rows: i32, columns: i32, depth: i32, tileStart: i32, tileEnd: i32, counter: usize): void {
  const rowBytes = 4 * columns;
  const fullPanels = <u32>columns / <u32>panelColumns;
  const panelEnd = (<u32>columns + panelColumns - 1) / <u32>panelColumns;
  const sliverBytes = 4 * tileRows * depth;
  for (;;) {
    const chunkStart = tileStart + atomic.add<i32>(counter, chunkTiles);
    if (<u32>chunkStart >= <u32>tileEnd) break;
    const chunkEnd = min(chunkStart + chunkTiles, tileEnd);
    // Pack the slivers: sliver[k][r] = A(min(4 tile + r, M - 1), k).
    let sliverBase = sliver;
    for (let tile = chunkStart; tile < chunkEnd; tile++) {
      let s0 = a + <usize>(min(4 * tile + 0, rows - 1) * mStride);
      let s1 = a + <usize>(min(4 * tile + 1, rows - 1) * mStride);
      let s2 = a + <usize>(min(4 * tile + 2, rows - 1) * mStride);
      let s3 = a + <usize>(min(4 * tile + 3, rows - 1) * mStride);
      let pointer = sliverBase;
      for (let k = 0; k < depth; k++) {
        store<f32>(pointer, load<f32>(s0)); s0 += kStride;
        store<f32>(pointer, load<f32>(s1), 4); s1 += kStride;
        store<f32>(pointer, load<f32>(s2), 8); s2 += kStride;
        store<f32>(pointer, load<f32>(s3), 12); s3 += kStride;
        pointer += 16;
      }
      sliverBase += sliverBytes;
    }
    for (let panel: u32 = 0; panel < panelEnd; panel++) {
      sliverBase = sliver;
      for (let tile = chunkStart; tile < chunkEnd; tile++) {
        let acc00 = f32x4.splat(0), acc01 = f32x4.splat(0), acc10 = f32x4.splat(0), acc11 = f32x4.splat(0);
        let acc20 = f32x4.splat(0), acc21 = f32x4.splat(0), acc30 = f32x4.splat(0), acc31 = f32x4.splat(0);
        let sliverPointer = sliverBase;
        let panelPointer = packed + <usize>(<i32>panel * depth * 4 * panelColumns);
        const sliverEnd = sliverBase + sliverBytes;
        while (sliverPointer < sliverEnd) {
          const b0 = v128.load(panelPointer);
          const b1 = v128.load(panelPointer, 16);
          let splat = v128.load32_splat(sliverPointer);
          acc00 = madd(splat, b0, acc00); acc01 = madd(splat, b1, acc01);
          splat = v128.load32_splat(sliverPointer, 4);
          acc10 = madd(splat, b0, acc10); acc11 = madd(splat, b1, acc11);
          splat = v128.load32_splat(sliverPointer, 8);
          acc20 = madd(splat, b0, acc20); acc21 = madd(splat, b1, acc21);
          splat = v128.load32_splat(sliverPointer, 12);
          acc30 = madd(splat, b0, acc30); acc31 = madd(splat, b1, acc31);
          sliverPointer += 16;
          panelPointer += 32;
        }
        storeRow(c, tile * 4 + 0, rows, rowBytes, panel, fullPanels, columns, acc00, acc01);
        storeRow(c, tile * 4 + 1, rows, rowBytes, panel, fullPanels, columns, acc10, acc11);
        storeRow(c, tile * 4 + 2, rows, rowBytes, panel, fullPanels, columns, acc20, acc21);
        storeRow(c, tile * 4 + 3, rows, rowBytes, panel, fullPanels, columns, acc30, acc31);
        sliverBase += sliverBytes;
      }
    }
  }
}

/** Stores one tile row below M: whole vectors, or the first N % 8 lanes of a last, partial panel. */
@inline function storeRow(c: usize, row: i32, rows: i32, rowBytes: i32, panel: u32, fullPanels: u32, columns: i32, low: v128, high: v128): void {
  if (<u32>row >= <u32>rows) return;
  const target = c + <usize>(row * rowBytes) + <usize>(<i32>panel * 32);
  if (panel < fullPanels) {
    v128.store(target, low);
    v128.store(target, high, 16);
    return;
  }
  const first = <i32>panel * 8;
  if (first + 0 < columns) store<f32>(target, f32x4.extract_lane(low, 0));
  if (first + 1 < columns) store<f32>(target, f32x4.extract_lane(low, 1), 4);
  if (first + 2 < columns) store<f32>(target, f32x4.extract_lane(low, 2), 8);
  if (first + 3 < columns) store<f32>(target, f32x4.extract_lane(low, 3), 12);
  if (first + 4 < columns) store<f32>(target, f32x4.extract_lane(high, 0), 16);
  if (first + 5 < columns) store<f32>(target, f32x4.extract_lane(high, 1), 20);
  if (first + 6 < columns) store<f32>(target, f32x4.extract_lane(high, 2), 24);
}
