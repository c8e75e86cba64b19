(module
;; The WebAssembly SIMD code of the fused bias + SiLU of a linear layer (bias-silu-kernel.ts runs
;; it), four float32 columns at a time, rows [rowStart, rowEnd) of a row-major `[rows, C]` matrix:
;;
;;   forward:  h = z + b,  y = h sigmoid(h)                        (Elfwing et al. 2018, eq. 3)
;;   backward: dz = dy s (1 + h e s) with e = e^-h, s = sigmoid(h) = 1 / (1 + e) (so e s = 1 - s
;;             without its cancellation near s = 1),  dbias += dz over the rows
;;
;; sigmoid(h) = 1 / (1 + e^-h) with the exponential of exponential.wat, inlined. Exports (byte
;; offsets, `rowBytes = 4 C` with C a multiple of 4):
;; `forward(z, bias, y, rowBytes, rowStart, rowEnd, counter)` and
;; `backward(z, bias, dy, dz, dbias, rowBytes, rowStart, rowEnd, counter)`; dbias (C float32 sums)
;; is added to; chunks of rows come from the i32 at byte `counter`, shared by the threads of a call.
;;
;;
;; Assembled by wabt at build time (scripts/build-kernels.mjs), which also derives the shared-memory
;; variant.
  (type $forward (func (param i32 i32 i32 i32 i32 i32 i32)))
  (type $backward (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory $memory 0)) ;; plain, or shared in the threaded build (scripts/build-kernels.mjs)
  (func $forward (export "forward") (type $forward) (param $z i32) (param $bias i32) (param $y i32) (param $rowBytes i32) (param $rowStart i32) (param $rowEnd i32) (param $counter i32)
    (local $row i32) (local $rowByte i32) (local $elementByte i32) (local $rowEndByte i32) (local $chunkEnd i32) (local $h v128) (local $sigmoid v128) (local $exponentArgument v128) (local $exponentK v128) (local $exponentR v128) (local $reducedSquared v128) (local $negativeExponential v128) (local $one v128) (local $inverseFactorial2 v128) (local $inverseFactorial3 v128) (local $inverseFactorial4 v128) (local $inverseFactorial5 v128) (local $inverseFactorial6 v128) (local $inverseFactorial7 v128) (local $exponentMax v128) (local $exponentMin v128) (local $log2e v128) (local $ln2High v128) (local $ln2Low v128) (local $roundingShift v128)
    (local.set $one
      (v128.const f32x4 1 1 1 1))
    (local.set $inverseFactorial2
      (v128.const f32x4 0.5 0.5 0.5 0.5))
    (local.set $inverseFactorial3
      (v128.const f32x4 0.16666667 0.16666667 0.16666667 0.16666667))
    (local.set $inverseFactorial4
      (v128.const f32x4 0.041666668 0.041666668 0.041666668 0.041666668))
    (local.set $inverseFactorial5
      (v128.const f32x4 0.008333334 0.008333334 0.008333334 0.008333334))
    (local.set $inverseFactorial6
      (v128.const f32x4 0.0013888889 0.0013888889 0.0013888889 0.0013888889))
    (local.set $inverseFactorial7
      (v128.const f32x4 0.0001984127 0.0001984127 0.0001984127 0.0001984127))
    (local.set $exponentMax
      (v128.const f32x4 88.3 88.3 88.3 88.3))
    (local.set $exponentMin
      (v128.const f32x4 -86.6 -86.6 -86.6 -86.6))
    (local.set $log2e
      (v128.const f32x4 1.442695 1.442695 1.442695 1.442695))
    (local.set $ln2High
      (v128.const f32x4 0.6933594 0.6933594 0.6933594 0.6933594))
    (local.set $ln2Low
      (v128.const f32x4 -0.00021219444 -0.00021219444 -0.00021219444 -0.00021219444))
    (local.set $roundingShift
      (v128.const f32x4 12582912 12582912 12582912 12582912))
    (block $chunksDone
      (loop $nextChunk
        (local.set $row
          (i32.add
            (local.get $rowStart)
            (i32.atomic.rmw.add
              (local.get $counter)
              (i32.const 16))))
        (br_if $chunksDone
          (i32.ge_u
            (local.get $row)
            (local.get $rowEnd)))
        (local.set $chunkEnd
          (i32.add
            (local.get $row)
            (i32.const 16)))
        (local.set $chunkEnd
          (select
            (local.get $chunkEnd)
            (local.get $rowEnd)
            (i32.lt_s
              (local.get $chunkEnd)
              (local.get $rowEnd))))
        (block $rowDone
          (loop $rowLoop
            (br_if $rowDone
              (i32.ge_u
                (local.get $row)
                (local.get $chunkEnd)))
            (local.set $rowByte
              (i32.mul
                (local.get $row)
                (local.get $rowBytes)))
            (local.set $rowEndByte
              (i32.add
                (local.get $rowByte)
                (local.get $rowBytes)))
            (local.set $elementByte
              (local.get $rowByte))
            (block $elementByteDone
              (loop $elementByteLoop
                (br_if $elementByteDone
                  (i32.ge_u
                    (local.get $elementByte)
                    (local.get $rowEndByte)))
                (local.set $h
                  (f32x4.add
                    (v128.load
                      (i32.add
                        (local.get $z)
                        (local.get $elementByte)))
                    (v128.load
                      (i32.add
                        (local.get $bias)
                        (i32.sub
                          (local.get $elementByte)
                          (local.get $rowByte))))))
                (local.set $exponentArgument
                  (f32x4.pmax
                    (f32x4.pmin
                      (f32x4.neg
                        (local.get $h))
                      (local.get $exponentMax))
                    (local.get $exponentMin)))
                (local.set $exponentK
                  (f32x4.nearest
                    (f32x4.mul
                      (local.get $exponentArgument)
                      (local.get $log2e))))
                (local.set $exponentR
                  (f32x4.sub
                    (f32x4.sub
                      (local.get $exponentArgument)
                      (f32x4.mul
                        (local.get $exponentK)
                        (local.get $ln2High)))
                    (f32x4.mul
                      (local.get $exponentK)
                      (local.get $ln2Low))))
                (local.set $reducedSquared
                  (f32x4.mul
                    (local.get $exponentR)
                    (local.get $exponentR)))
                (local.set $negativeExponential
                  (i32x4.add
                    (f32x4.add
                      (local.get $one)
                      (f32x4.add
                        (local.get $exponentR)
                        (f32x4.mul
                          (local.get $reducedSquared)
                          (f32x4.add
                            (f32x4.add
                              (f32x4.add
                                (local.get $inverseFactorial2)
                                (f32x4.mul
                                  (local.get $exponentR)
                                  (local.get $inverseFactorial3)))
                              (f32x4.mul
                                (local.get $reducedSquared)
                                (f32x4.add
                                  (local.get $inverseFactorial4)
                                  (f32x4.mul
                                    (local.get $exponentR)
                                    (local.get $inverseFactorial5)))))
                            (f32x4.mul
                              (f32x4.mul
                                (local.get $reducedSquared)
                                (local.get $reducedSquared))
                              (f32x4.add
                                (local.get $inverseFactorial6)
                                (f32x4.mul
                                  (local.get $exponentR)
                                  (local.get $inverseFactorial7))))))))
                    (i32x4.shl
                      (f32x4.add
                        (local.get $exponentK)
                        (local.get $roundingShift))
                      (i32.const 23))))
                (local.set $sigmoid
                  (f32x4.div
                    (local.get $one)
                    (f32x4.add
                      (local.get $one)
                      (local.get $negativeExponential))))
                (v128.store
                  (i32.add
                    (local.get $y)
                    (local.get $elementByte))
                  (f32x4.mul
                    (local.get $h)
                    (local.get $sigmoid)))
                (local.set $elementByte
                  (i32.add
                    (local.get $elementByte)
                    (i32.const 16)))
                (br $elementByteLoop)))
            (local.set $row
              (i32.add
                (local.get $row)
                (i32.const 1)))
            (br $rowLoop)))
        (br $nextChunk))))
  (func $backward (export "backward") (type $backward) (param $z i32) (param $bias i32) (param $dy i32) (param $dz i32) (param $dbias i32) (param $rowBytes i32) (param $rowStart i32) (param $rowEnd i32) (param $counter i32)
    (local $row i32) (local $rowByte i32) (local $elementByte i32) (local $rowEndByte i32) (local $chunkEnd i32) (local $columnByte i32) (local $h v128) (local $sigmoid v128) (local $exponentArgument v128) (local $exponentK v128) (local $exponentR v128) (local $reducedSquared v128) (local $dzValue v128) (local $negativeExponential v128) (local $one v128) (local $inverseFactorial2 v128) (local $inverseFactorial3 v128) (local $inverseFactorial4 v128) (local $inverseFactorial5 v128) (local $inverseFactorial6 v128) (local $inverseFactorial7 v128) (local $exponentMax v128) (local $exponentMin v128) (local $log2e v128) (local $ln2High v128) (local $ln2Low v128) (local $roundingShift v128)
    (local.set $one
      (v128.const f32x4 1 1 1 1))
    (local.set $inverseFactorial2
      (v128.const f32x4 0.5 0.5 0.5 0.5))
    (local.set $inverseFactorial3
      (v128.const f32x4 0.16666667 0.16666667 0.16666667 0.16666667))
    (local.set $inverseFactorial4
      (v128.const f32x4 0.041666668 0.041666668 0.041666668 0.041666668))
    (local.set $inverseFactorial5
      (v128.const f32x4 0.008333334 0.008333334 0.008333334 0.008333334))
    (local.set $inverseFactorial6
      (v128.const f32x4 0.0013888889 0.0013888889 0.0013888889 0.0013888889))
    (local.set $inverseFactorial7
      (v128.const f32x4 0.0001984127 0.0001984127 0.0001984127 0.0001984127))
    (local.set $exponentMax
      (v128.const f32x4 88.3 88.3 88.3 88.3))
    (local.set $exponentMin
      (v128.const f32x4 -86.6 -86.6 -86.6 -86.6))
    (local.set $log2e
      (v128.const f32x4 1.442695 1.442695 1.442695 1.442695))
    (local.set $ln2High
      (v128.const f32x4 0.6933594 0.6933594 0.6933594 0.6933594))
    (local.set $ln2Low
      (v128.const f32x4 -0.00021219444 -0.00021219444 -0.00021219444 -0.00021219444))
    (local.set $roundingShift
      (v128.const f32x4 12582912 12582912 12582912 12582912))
    (block $chunksDone
      (loop $nextChunk
        (local.set $row
          (i32.add
            (local.get $rowStart)
            (i32.atomic.rmw.add
              (local.get $counter)
              (i32.const 16))))
        (br_if $chunksDone
          (i32.ge_u
            (local.get $row)
            (local.get $rowEnd)))
        (local.set $chunkEnd
          (i32.add
            (local.get $row)
            (i32.const 16)))
        (local.set $chunkEnd
          (select
            (local.get $chunkEnd)
            (local.get $rowEnd)
            (i32.lt_s
              (local.get $chunkEnd)
              (local.get $rowEnd))))
        (block $rowDone
          (loop $rowLoop
            (br_if $rowDone
              (i32.ge_u
                (local.get $row)
                (local.get $chunkEnd)))
            (local.set $rowByte
              (i32.mul
                (local.get $row)
                (local.get $rowBytes)))
            (local.set $rowEndByte
              (i32.add
                (local.get $rowByte)
                (local.get $rowBytes)))
            (local.set $elementByte
              (local.get $rowByte))
            (block $elementByteDone
              (loop $elementByteLoop
                (br_if $elementByteDone
                  (i32.ge_u
                    (local.get $elementByte)
                    (local.get $rowEndByte)))
                (local.set $columnByte
                  (i32.sub
                    (local.get $elementByte)
                    (local.get $rowByte)))
                (local.set $h
                  (f32x4.add
                    (v128.load
                      (i32.add
                        (local.get $z)
                        (local.get $elementByte)))
                    (v128.load
                      (i32.add
                        (local.get $bias)
                        (local.get $columnByte)))))
                (local.set $exponentArgument
                  (f32x4.pmax
                    (f32x4.pmin
                      (f32x4.neg
                        (local.get $h))
                      (local.get $exponentMax))
                    (local.get $exponentMin)))
                (local.set $exponentK
                  (f32x4.nearest
                    (f32x4.mul
                      (local.get $exponentArgument)
                      (local.get $log2e))))
                (local.set $exponentR
                  (f32x4.sub
                    (f32x4.sub
                      (local.get $exponentArgument)
                      (f32x4.mul
                        (local.get $exponentK)
                        (local.get $ln2High)))
                    (f32x4.mul
                      (local.get $exponentK)
                      (local.get $ln2Low))))
                (local.set $reducedSquared
                  (f32x4.mul
                    (local.get $exponentR)
                    (local.get $exponentR)))
                (local.set $negativeExponential
                  (i32x4.add
                    (f32x4.add
                      (local.get $one)
                      (f32x4.add
                        (local.get $exponentR)
                        (f32x4.mul
                          (local.get $reducedSquared)
                          (f32x4.add
                            (f32x4.add
                              (f32x4.add
                                (local.get $inverseFactorial2)
                                (f32x4.mul
                                  (local.get $exponentR)
                                  (local.get $inverseFactorial3)))
                              (f32x4.mul
                                (local.get $reducedSquared)
                                (f32x4.add
                                  (local.get $inverseFactorial4)
                                  (f32x4.mul
                                    (local.get $exponentR)
                                    (local.get $inverseFactorial5)))))
                            (f32x4.mul
                              (f32x4.mul
                                (local.get $reducedSquared)
                                (local.get $reducedSquared))
                              (f32x4.add
                                (local.get $inverseFactorial6)
                                (f32x4.mul
                                  (local.get $exponentR)
                                  (local.get $inverseFactorial7))))))))
                    (i32x4.shl
                      (f32x4.add
                        (local.get $exponentK)
                        (local.get $roundingShift))
                      (i32.const 23))))
                (local.set $sigmoid
                  (f32x4.div
                    (local.get $one)
                    (f32x4.add
                      (local.get $one)
                      (local.get $negativeExponential))))
                (local.set $dzValue
                  (f32x4.mul
                    (f32x4.mul
                      (v128.load
                        (i32.add
                          (local.get $dy)
                          (local.get $elementByte)))
                      (local.get $sigmoid))
                    (f32x4.add
                      (local.get $one)
                      (f32x4.mul
                        (local.get $h)
                        (f32x4.mul
                          (local.get $negativeExponential)
                          (local.get $sigmoid))))))
                (v128.store
                  (i32.add
                    (local.get $dz)
                    (local.get $elementByte))
                  (local.get $dzValue))
                (v128.store
                  (i32.add
                    (local.get $dbias)
                    (local.get $columnByte))
                  (f32x4.add
                    (v128.load
                      (i32.add
                        (local.get $dbias)
                        (local.get $columnByte)))
                    (local.get $dzValue)))
                (local.set $elementByte
                  (i32.add
                    (local.get $elementByte)
                    (i32.const 16)))
                (br $elementByteLoop)))
            (local.set $row
              (i32.add
                (local.get $row)
                (i32.const 1)))
            (br $rowLoop)))
        (br $nextChunk)))))
