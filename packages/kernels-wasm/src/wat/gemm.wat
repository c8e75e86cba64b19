(module
;; The WebAssembly SIMD code of a single-precision GEMM, `C = op(A) op(B)` with `op(A)` M x K and
;; `op(B)` K x N, on tfjs-backend-wasm's heap. Either operand may be stored transposed: each is
;; read through two byte strides, so a transposed product costs no transpose kernel.
;;
;; The blocking follows Goto & van de Geijn (2008, "Anatomy of high-performance matrix
;; multiplication", section 4): `op(B)` is packed once into panels of 8 columns (`[N / 8][K][8]`,
;; export `packPanels`; a last, partial panel is packed by the caller), and the rows of `op(A)` are
;; packed 4 at a time into slivers (`[K][4]`, 4 KB for K = 256), 4 slivers at a time, before every
;; panel passes over them (sliver and panel both in L1). The register tile is 4 rows x 8 columns
;; (8 f32x4 accumulators): per k one splat of each of the 4 packed A values, all at constant
;; offsets from one pointer, and two vector loads of the panel, with relaxed SIMD's
;; `f32x4.relaxed_madd` where the engine compiles it (one instruction instead of a multiply and an
;; add: 35 to 41-45 GFLOP/s on one thread here), else `f32x4.mul` + `f32x4.add`.
;;
;; Export `packPanels(b, kStride, nStride, packed, K, N)`: `packed[(p K + k) 8 + j] = B(k, 8p + j)`
;; for the whole panels p < N / 8, with `B(k, n)` at byte `b + k kStride + n nStride`.
;;
;; Export `rowTiles(a, mStride, kStride, sliver, packed, c, M, N, K, tileStart, tileEnd, counter)`:
;; rows [4 tileStart, min(4 tileEnd, M)) of `C` (row-major, N columns) from `A(m, k)` at byte
;; `a + m mStride + k kStride`, the packed panels (ceil(N / 8) of them), and a scratch `sliver` of
;; 64 K bytes (one per thread). The chunks of 4 tiles are handed out by the i32 at byte `counter`
;; (0 at the start), which every thread running the same product shares: the work balances itself.
;; Rows past M repeat the last row and are not stored; of a partial last panel only the first
;; N % 8 columns are stored.
;;
;;
;; Written with the names of the paper and of src/gemm-simd.ts; assembled by wabt at build time
;; (scripts/build-kernels.mjs), which also derives the plain variant (f32x4.mul + f32x4.add for each
;; f32x4.relaxed_madd) and the shared-memory one.
  (type $packPanels (func (param i32 i32 i32 i32 i32 i32)))
  (type $rowTiles (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory $memory 0)) ;; plain, or shared in the threaded build (scripts/build-kernels.mjs)
  (func $packPanels (export "packPanels") (type $packPanels) (param $b i32) (param $kStride i32) (param $nStride i32) (param $packed i32) (param $depth i32) (param $columns i32)
    (local $panel i32) (local $k i32) (local $source i32) (local $target i32) (local $wholePanels i32)
    (local.set $wholePanels
      (i32.div_u
        (local.get $columns)
        (i32.const 8)))
    (local.set $target
      (local.get $packed))
    (local.set $panel
      (i32.const 0))
    (block $panelDone
      (loop $panelLoop
        (br_if $panelDone
          (i32.ge_u
            (local.get $panel)
            (local.get $wholePanels)))
        (local.set $source
          (i32.add
            (local.get $b)
            (i32.mul
              (i32.mul
                (local.get $panel)
                (i32.const 8))
              (local.get $nStride))))
        (local.set $k
          (i32.const 0))
        (block $kDone
          (loop $kLoop
            (br_if $kDone
              (i32.ge_u
                (local.get $k)
                (local.get $depth)))
            (if
              (i32.eq
                (local.get $nStride)
                (i32.const 4))
              (then
                (v128.store
                  (local.get $target)
                  (v128.load
                    (local.get $source)))
                (v128.store offset=16
                  (local.get $target)
                  (v128.load offset=16
                    (local.get $source))))
              (else
                (f32.store
                  (local.get $target)
                  (f32.load
                    (i32.add
                      (local.get $source)
                      (i32.mul
                        (local.get $nStride)
                        (i32.const 0)))))
                (f32.store offset=4
                  (local.get $target)
                  (f32.load
                    (i32.add
                      (local.get $source)
                      (i32.mul
                        (local.get $nStride)
                        (i32.const 1)))))
                (f32.store offset=8
                  (local.get $target)
                  (f32.load
                    (i32.add
                      (local.get $source)
                      (i32.mul
                        (local.get $nStride)
                        (i32.const 2)))))
                (f32.store offset=12
                  (local.get $target)
                  (f32.load
                    (i32.add
                      (local.get $source)
                      (i32.mul
                        (local.get $nStride)
                        (i32.const 3)))))
                (f32.store offset=16
                  (local.get $target)
                  (f32.load
                    (i32.add
                      (local.get $source)
                      (i32.mul
                        (local.get $nStride)
                        (i32.const 4)))))
                (f32.store offset=20
                  (local.get $target)
                  (f32.load
                    (i32.add
                      (local.get $source)
                      (i32.mul
                        (local.get $nStride)
                        (i32.const 5)))))
                (f32.store offset=24
                  (local.get $target)
                  (f32.load
                    (i32.add
                      (local.get $source)
                      (i32.mul
                        (local.get $nStride)
                        (i32.const 6)))))
                (f32.store offset=28
                  (local.get $target)
                  (f32.load
                    (i32.add
                      (local.get $source)
                      (i32.mul
                        (local.get $nStride)
                        (i32.const 7)))))))
            (local.set $source
              (i32.add
                (local.get $source)
                (local.get $kStride)))
            (local.set $target
              (i32.add
                (local.get $target)
                (i32.const 32)))
            (local.set $k
              (i32.add
                (local.get $k)
                (i32.const 1)))
            (br $kLoop)))
        (local.set $panel
          (i32.add
            (local.get $panel)
            (i32.const 1)))
        (br $panelLoop))))
  (func $rowTiles (export "rowTiles") (type $rowTiles) (param $a i32) (param $mStride i32) (param $kStride i32) (param $sliver i32) (param $packed i32) (param $c i32) (param $rows i32) (param $columns i32) (param $depth i32) (param $tileStart i32) (param $tileEnd i32) (param $counter i32)
    (local $chunkStart i32) (local $chunkEnd i32) (local $sliverBase i32) (local $tile i32) (local $sliverEnd i32) (local $panel i32) (local $panelEnd i32) (local $fullPanels i32) (local $sliverPointer i32) (local $sliverBytes i32) (local $panelPointer i32) (local $row i32) (local $rowBytes i32) (local $target i32) (local $source0 i32) (local $source1 i32) (local $source2 i32) (local $source3 i32) (local $accumulator0_0 v128) (local $accumulator0_1 v128) (local $accumulator1_0 v128) (local $accumulator1_1 v128) (local $accumulator2_0 v128) (local $accumulator2_1 v128) (local $accumulator3_0 v128) (local $accumulator3_1 v128) (local $panel0 v128) (local $panel1 v128) (local $splat v128)
    (local.set $rowBytes
      (i32.mul
        (local.get $columns)
        (i32.const 4)))
    (local.set $fullPanels
      (i32.div_u
        (local.get $columns)
        (i32.const 8)))
    (local.set $panelEnd
      (i32.div_u
        (i32.add
          (local.get $columns)
          (i32.const 7))
        (i32.const 8)))
    (local.set $sliverBytes
      (i32.mul
        (local.get $depth)
        (i32.const 16)))
    (block $chunksDone
      (loop $nextChunk
        (local.set $chunkStart
          (i32.add
            (local.get $tileStart)
            (i32.atomic.rmw.add
              (local.get $counter)
              (i32.const 4))))
        (br_if $chunksDone
          (i32.ge_u
            (local.get $chunkStart)
            (local.get $tileEnd)))
        (local.set $chunkEnd
          (i32.add
            (local.get $chunkStart)
            (i32.const 4)))
        (local.set $chunkEnd
          (select
            (local.get $chunkEnd)
            (local.get $tileEnd)
            (i32.lt_s
              (local.get $chunkEnd)
              (local.get $tileEnd))))
        (local.set $sliverBase
          (local.get $sliver))
        (local.set $tile
          (local.get $chunkStart))
        (block $tileDone
          (loop $tileLoop
            (br_if $tileDone
              (i32.ge_u
                (local.get $tile)
                (local.get $chunkEnd)))
            (local.set $row
              (i32.add
                (i32.mul
                  (local.get $tile)
                  (i32.const 4))
                (i32.const 0)))
            (local.set $row
              (select
                (local.get $row)
                (i32.sub
                  (local.get $rows)
                  (i32.const 1))
                (i32.lt_s
                  (local.get $row)
                  (i32.sub
                    (local.get $rows)
                    (i32.const 1)))))
            (local.set $source0
              (i32.add
                (local.get $a)
                (i32.mul
                  (local.get $row)
                  (local.get $mStride))))
            (local.set $row
              (i32.add
                (i32.mul
                  (local.get $tile)
                  (i32.const 4))
                (i32.const 1)))
            (local.set $row
              (select
                (local.get $row)
                (i32.sub
                  (local.get $rows)
                  (i32.const 1))
                (i32.lt_s
                  (local.get $row)
                  (i32.sub
                    (local.get $rows)
                    (i32.const 1)))))
            (local.set $source1
              (i32.add
                (local.get $a)
                (i32.mul
                  (local.get $row)
                  (local.get $mStride))))
            (local.set $row
              (i32.add
                (i32.mul
                  (local.get $tile)
                  (i32.const 4))
                (i32.const 2)))
            (local.set $row
              (select
                (local.get $row)
                (i32.sub
                  (local.get $rows)
                  (i32.const 1))
                (i32.lt_s
                  (local.get $row)
                  (i32.sub
                    (local.get $rows)
                    (i32.const 1)))))
            (local.set $source2
              (i32.add
                (local.get $a)
                (i32.mul
                  (local.get $row)
                  (local.get $mStride))))
            (local.set $row
              (i32.add
                (i32.mul
                  (local.get $tile)
                  (i32.const 4))
                (i32.const 3)))
            (local.set $row
              (select
                (local.get $row)
                (i32.sub
                  (local.get $rows)
                  (i32.const 1))
                (i32.lt_s
                  (local.get $row)
                  (i32.sub
                    (local.get $rows)
                    (i32.const 1)))))
            (local.set $source3
              (i32.add
                (local.get $a)
                (i32.mul
                  (local.get $row)
                  (local.get $mStride))))
            (local.set $sliverPointer
              (local.get $sliverBase))
            (local.set $sliverEnd
              (i32.const 0))
            (block $sliverEndDone
              (loop $sliverEndLoop
                (br_if $sliverEndDone
                  (i32.ge_u
                    (local.get $sliverEnd)
                    (local.get $depth)))
                (f32.store
                  (local.get $sliverPointer)
                  (f32.load
                    (local.get $source0)))
                (local.set $source0
                  (i32.add
                    (local.get $source0)
                    (local.get $kStride)))
                (f32.store offset=4
                  (local.get $sliverPointer)
                  (f32.load
                    (local.get $source1)))
                (local.set $source1
                  (i32.add
                    (local.get $source1)
                    (local.get $kStride)))
                (f32.store offset=8
                  (local.get $sliverPointer)
                  (f32.load
                    (local.get $source2)))
                (local.set $source2
                  (i32.add
                    (local.get $source2)
                    (local.get $kStride)))
                (f32.store offset=12
                  (local.get $sliverPointer)
                  (f32.load
                    (local.get $source3)))
                (local.set $source3
                  (i32.add
                    (local.get $source3)
                    (local.get $kStride)))
                (local.set $sliverPointer
                  (i32.add
                    (local.get $sliverPointer)
                    (i32.const 16)))
                (local.set $sliverEnd
                  (i32.add
                    (local.get $sliverEnd)
                    (i32.const 1)))
                (br $sliverEndLoop)))
            (local.set $sliverBase
              (i32.add
                (local.get $sliverBase)
                (local.get $sliverBytes)))
            (local.set $tile
              (i32.add
                (local.get $tile)
                (i32.const 1)))
            (br $tileLoop)))
        (local.set $panel
          (i32.const 0))
        (block $panelDone
          (loop $panelLoop
            (br_if $panelDone
              (i32.ge_u
                (local.get $panel)
                (local.get $panelEnd)))
            (local.set $sliverBase
              (local.get $sliver))
            (local.set $tile
              (local.get $chunkStart))
            (block $tile2Done
              (loop $tile2Loop
                (br_if $tile2Done
                  (i32.ge_u
                    (local.get $tile)
                    (local.get $chunkEnd)))
                (local.set $accumulator0_0
                  (v128.const f32x4 0 0 0 0))
                (local.set $accumulator0_1
                  (v128.const f32x4 0 0 0 0))
                (local.set $accumulator1_0
                  (v128.const f32x4 0 0 0 0))
                (local.set $accumulator1_1
                  (v128.const f32x4 0 0 0 0))
                (local.set $accumulator2_0
                  (v128.const f32x4 0 0 0 0))
                (local.set $accumulator2_1
                  (v128.const f32x4 0 0 0 0))
                (local.set $accumulator3_0
                  (v128.const f32x4 0 0 0 0))
                (local.set $accumulator3_1
                  (v128.const f32x4 0 0 0 0))
                (local.set $sliverPointer
                  (local.get $sliverBase))
                (local.set $panelPointer
                  (i32.add
                    (local.get $packed)
                    (i32.mul
                      (i32.mul
                        (local.get $panel)
                        (local.get $depth))
                      (i32.const 32))))
                (local.set $sliverEnd
                  (i32.add
                    (local.get $sliverBase)
                    (local.get $sliverBytes)))
                (block $sliverPointerDone
                  (loop $sliverPointerLoop
                    (br_if $sliverPointerDone
                      (i32.ge_u
                        (local.get $sliverPointer)
                        (local.get $sliverEnd)))
                    (local.set $panel0
                      (v128.load
                        (local.get $panelPointer)))
                    (local.set $panel1
                      (v128.load offset=16
                        (local.get $panelPointer)))
                    (local.set $splat
                      (v128.load32_splat
                        (local.get $sliverPointer)))
                    (local.set $accumulator0_0
                      (f32x4.relaxed_madd
                        (local.get $splat)
                        (local.get $panel0)
                        (local.get $accumulator0_0)))
                    (local.set $accumulator0_1
                      (f32x4.relaxed_madd
                        (local.get $splat)
                        (local.get $panel1)
                        (local.get $accumulator0_1)))
                    (local.set $splat
                      (v128.load32_splat offset=4
                        (local.get $sliverPointer)))
                    (local.set $accumulator1_0
                      (f32x4.relaxed_madd
                        (local.get $splat)
                        (local.get $panel0)
                        (local.get $accumulator1_0)))
                    (local.set $accumulator1_1
                      (f32x4.relaxed_madd
                        (local.get $splat)
                        (local.get $panel1)
                        (local.get $accumulator1_1)))
                    (local.set $splat
                      (v128.load32_splat offset=8
                        (local.get $sliverPointer)))
                    (local.set $accumulator2_0
                      (f32x4.relaxed_madd
                        (local.get $splat)
                        (local.get $panel0)
                        (local.get $accumulator2_0)))
                    (local.set $accumulator2_1
                      (f32x4.relaxed_madd
                        (local.get $splat)
                        (local.get $panel1)
                        (local.get $accumulator2_1)))
                    (local.set $splat
                      (v128.load32_splat offset=12
                        (local.get $sliverPointer)))
                    (local.set $accumulator3_0
                      (f32x4.relaxed_madd
                        (local.get $splat)
                        (local.get $panel0)
                        (local.get $accumulator3_0)))
                    (local.set $accumulator3_1
                      (f32x4.relaxed_madd
                        (local.get $splat)
                        (local.get $panel1)
                        (local.get $accumulator3_1)))
                    (local.set $sliverPointer
                      (i32.add
                        (local.get $sliverPointer)
                        (i32.const 16)))
                    (local.set $panelPointer
                      (i32.add
                        (local.get $panelPointer)
                        (i32.const 32)))
                    (br $sliverPointerLoop)))
                (if
                  (i32.lt_u
                    (i32.add
                      (i32.mul
                        (local.get $tile)
                        (i32.const 4))
                      (i32.const 0))
                    (local.get $rows))
                  (then
                    (local.set $target
                      (i32.add
                        (i32.add
                          (local.get $c)
                          (i32.mul
                            (i32.add
                              (i32.mul
                                (local.get $tile)
                                (i32.const 4))
                              (i32.const 0))
                            (local.get $rowBytes)))
                        (i32.mul
                          (local.get $panel)
                          (i32.const 32))))
                    (if
                      (i32.lt_u
                        (local.get $panel)
                        (local.get $fullPanels))
                      (then
                        (v128.store
                          (local.get $target)
                          (local.get $accumulator0_0))
                        (v128.store offset=16
                          (local.get $target)
                          (local.get $accumulator0_1)))
                      (else
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 0))
                            (local.get $columns))
                          (then
                            (f32.store
                              (local.get $target)
                              (f32x4.extract_lane 0
                                (local.get $accumulator0_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 1))
                            (local.get $columns))
                          (then
                            (f32.store offset=4
                              (local.get $target)
                              (f32x4.extract_lane 1
                                (local.get $accumulator0_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 2))
                            (local.get $columns))
                          (then
                            (f32.store offset=8
                              (local.get $target)
                              (f32x4.extract_lane 2
                                (local.get $accumulator0_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 3))
                            (local.get $columns))
                          (then
                            (f32.store offset=12
                              (local.get $target)
                              (f32x4.extract_lane 3
                                (local.get $accumulator0_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 4))
                            (local.get $columns))
                          (then
                            (f32.store offset=16
                              (local.get $target)
                              (f32x4.extract_lane 0
                                (local.get $accumulator0_1)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 5))
                            (local.get $columns))
                          (then
                            (f32.store offset=20
                              (local.get $target)
                              (f32x4.extract_lane 1
                                (local.get $accumulator0_1)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 6))
                            (local.get $columns))
                          (then
                            (f32.store offset=24
                              (local.get $target)
                              (f32x4.extract_lane 2
                                (local.get $accumulator0_1)))))))))
                (if
                  (i32.lt_u
                    (i32.add
                      (i32.mul
                        (local.get $tile)
                        (i32.const 4))
                      (i32.const 1))
                    (local.get $rows))
                  (then
                    (local.set $target
                      (i32.add
                        (i32.add
                          (local.get $c)
                          (i32.mul
                            (i32.add
                              (i32.mul
                                (local.get $tile)
                                (i32.const 4))
                              (i32.const 1))
                            (local.get $rowBytes)))
                        (i32.mul
                          (local.get $panel)
                          (i32.const 32))))
                    (if
                      (i32.lt_u
                        (local.get $panel)
                        (local.get $fullPanels))
                      (then
                        (v128.store
                          (local.get $target)
                          (local.get $accumulator1_0))
                        (v128.store offset=16
                          (local.get $target)
                          (local.get $accumulator1_1)))
                      (else
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 0))
                            (local.get $columns))
                          (then
                            (f32.store
                              (local.get $target)
                              (f32x4.extract_lane 0
                                (local.get $accumulator1_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 1))
                            (local.get $columns))
                          (then
                            (f32.store offset=4
                              (local.get $target)
                              (f32x4.extract_lane 1
                                (local.get $accumulator1_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 2))
                            (local.get $columns))
                          (then
                            (f32.store offset=8
                              (local.get $target)
                              (f32x4.extract_lane 2
                                (local.get $accumulator1_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 3))
                            (local.get $columns))
                          (then
                            (f32.store offset=12
                              (local.get $target)
                              (f32x4.extract_lane 3
                                (local.get $accumulator1_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 4))
                            (local.get $columns))
                          (then
                            (f32.store offset=16
                              (local.get $target)
                              (f32x4.extract_lane 0
                                (local.get $accumulator1_1)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 5))
                            (local.get $columns))
                          (then
                            (f32.store offset=20
                              (local.get $target)
                              (f32x4.extract_lane 1
                                (local.get $accumulator1_1)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 6))
                            (local.get $columns))
                          (then
                            (f32.store offset=24
                              (local.get $target)
                              (f32x4.extract_lane 2
                                (local.get $accumulator1_1)))))))))
                (if
                  (i32.lt_u
                    (i32.add
                      (i32.mul
                        (local.get $tile)
                        (i32.const 4))
                      (i32.const 2))
                    (local.get $rows))
                  (then
                    (local.set $target
                      (i32.add
                        (i32.add
                          (local.get $c)
                          (i32.mul
                            (i32.add
                              (i32.mul
                                (local.get $tile)
                                (i32.const 4))
                              (i32.const 2))
                            (local.get $rowBytes)))
                        (i32.mul
                          (local.get $panel)
                          (i32.const 32))))
                    (if
                      (i32.lt_u
                        (local.get $panel)
                        (local.get $fullPanels))
                      (then
                        (v128.store
                          (local.get $target)
                          (local.get $accumulator2_0))
                        (v128.store offset=16
                          (local.get $target)
                          (local.get $accumulator2_1)))
                      (else
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 0))
                            (local.get $columns))
                          (then
                            (f32.store
                              (local.get $target)
                              (f32x4.extract_lane 0
                                (local.get $accumulator2_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 1))
                            (local.get $columns))
                          (then
                            (f32.store offset=4
                              (local.get $target)
                              (f32x4.extract_lane 1
                                (local.get $accumulator2_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 2))
                            (local.get $columns))
                          (then
                            (f32.store offset=8
                              (local.get $target)
                              (f32x4.extract_lane 2
                                (local.get $accumulator2_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 3))
                            (local.get $columns))
                          (then
                            (f32.store offset=12
                              (local.get $target)
                              (f32x4.extract_lane 3
                                (local.get $accumulator2_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 4))
                            (local.get $columns))
                          (then
                            (f32.store offset=16
                              (local.get $target)
                              (f32x4.extract_lane 0
                                (local.get $accumulator2_1)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 5))
                            (local.get $columns))
                          (then
                            (f32.store offset=20
                              (local.get $target)
                              (f32x4.extract_lane 1
                                (local.get $accumulator2_1)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 6))
                            (local.get $columns))
                          (then
                            (f32.store offset=24
                              (local.get $target)
                              (f32x4.extract_lane 2
                                (local.get $accumulator2_1)))))))))
                (if
                  (i32.lt_u
                    (i32.add
                      (i32.mul
                        (local.get $tile)
                        (i32.const 4))
                      (i32.const 3))
                    (local.get $rows))
                  (then
                    (local.set $target
                      (i32.add
                        (i32.add
                          (local.get $c)
                          (i32.mul
                            (i32.add
                              (i32.mul
                                (local.get $tile)
                                (i32.const 4))
                              (i32.const 3))
                            (local.get $rowBytes)))
                        (i32.mul
                          (local.get $panel)
                          (i32.const 32))))
                    (if
                      (i32.lt_u
                        (local.get $panel)
                        (local.get $fullPanels))
                      (then
                        (v128.store
                          (local.get $target)
                          (local.get $accumulator3_0))
                        (v128.store offset=16
                          (local.get $target)
                          (local.get $accumulator3_1)))
                      (else
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 0))
                            (local.get $columns))
                          (then
                            (f32.store
                              (local.get $target)
                              (f32x4.extract_lane 0
                                (local.get $accumulator3_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 1))
                            (local.get $columns))
                          (then
                            (f32.store offset=4
                              (local.get $target)
                              (f32x4.extract_lane 1
                                (local.get $accumulator3_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 2))
                            (local.get $columns))
                          (then
                            (f32.store offset=8
                              (local.get $target)
                              (f32x4.extract_lane 2
                                (local.get $accumulator3_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 3))
                            (local.get $columns))
                          (then
                            (f32.store offset=12
                              (local.get $target)
                              (f32x4.extract_lane 3
                                (local.get $accumulator3_0)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 4))
                            (local.get $columns))
                          (then
                            (f32.store offset=16
                              (local.get $target)
                              (f32x4.extract_lane 0
                                (local.get $accumulator3_1)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 5))
                            (local.get $columns))
                          (then
                            (f32.store offset=20
                              (local.get $target)
                              (f32x4.extract_lane 1
                                (local.get $accumulator3_1)))))
                        (if
                          (i32.lt_u
                            (i32.add
                              (i32.mul
                                (local.get $panel)
                                (i32.const 8))
                              (i32.const 6))
                            (local.get $columns))
                          (then
                            (f32.store offset=24
                              (local.get $target)
                              (f32x4.extract_lane 2
                                (local.get $accumulator3_1)))))))))
                (local.set $sliverBase
                  (i32.add
                    (local.get $sliverBase)
                    (local.get $sliverBytes)))
                (local.set $tile
                  (i32.add
                    (local.get $tile)
                    (i32.const 1)))
                (br $tile2Loop)))
            (local.set $panel
              (i32.add
                (local.get $panel)
                (i32.const 1)))
            (br $panelLoop)))
        (br $nextChunk)))))
