(module
;; The WebAssembly SIMD code of the convolution weight gradient (TensorFlow's Conv2DBackpropFilter),
;; NHWC, on tfjs-backend-wasm's heap:
;;
;;   dW[i, j, c, o] += sum_b sum_{p, q} x[b, p s_h + i - pad_t, q s_w + j - pad_l, c] dy[b, p, q, o]
;;
;; (the correlation of the input with the output gradient; terms whose input pixel falls in the
;; padding are zero and skipped). It is a GEMM `dW[(i, j, c), o] = X^T dY` over the K = B Ho Wo
;; output pixels whose left operand (the im2col matrix) is read in place, never built. A register
;; tile of 4 input channels x 8 output channels (8 f32x4 accumulators) runs down a band of output
;; rows for one tap (i, j); the band is a few rows so that its input and dy rows stay in L1 while
;; every tile passes over them, the tiles' partial sums living in dW between bands.
;;
;; Exports (byte offsets into the heap; every size is in elements):
;;  - `band(x, dy, dw, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight,
;;     filterWidth, strideHeight, strideWidth, padTop, padLeft, rowStart, rowEnd)`: adds output rows
;;     [rowStart, rowEnd) of one image; needs `inChannels % 4 == 0` and `outChannels % 8 == 0`;
;;  - `images(x, dy, dw, ...the same sizes..., imageStart, imageEnd, bandRows)`: every band of
;;     `bandRows` rows of images [imageStart, imageEnd) (x and dy point at image 0);
;;  - `clear(dw, count)`: `dw[0..count) = 0`; `accumulate(dw, partial, count)`: `dw += partial`
;;    (count a multiple of 4).
;;
;;
;; Assembled by wabt at build time (scripts/build-kernels.mjs), which also derives the shared-memory
;; variant and, for each f32x4.relaxed_madd, the plain f32x4.mul + f32x4.add one.
  (type $band (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (type $images (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (type $clear (func (param i32 i32)))
  (type $accumulate (func (param i32 i32 i32)))
  (import "env" "memory" (memory $memory 0)) ;; plain, or shared in the threaded build (scripts/build-kernels.mjs)
  (func $band (export "band") (type $band) (param $x i32) (param $dy i32) (param $dw i32) (param $inHeight i32) (param $inWidth i32) (param $inChannels i32) (param $outHeight i32) (param $outWidth i32) (param $outChannels i32) (param $filterHeight i32) (param $filterWidth i32) (param $strideHeight i32) (param $strideWidth i32) (param $padTop i32) (param $padLeft i32) (param $rowStart i32) (param $rowEnd i32)
    (local $tapRow i32) (local $tapColumn i32) (local $channel i32) (local $output i32) (local $row i32) (local $column i32) (local $rowFirst i32) (local $bandRowEnd i32) (local $columnFirst i32) (local $columnEnd i32) (local $inputPointer i32) (local $gradientPointer i32) (local $weightPointer i32) (local $inputStep i32) (local $gradientStep i32) (local $inputColumn i32) (local $accumulator0_0 v128) (local $accumulator0_1 v128) (local $accumulator1_0 v128) (local $accumulator1_1 v128) (local $accumulator2_0 v128) (local $accumulator2_1 v128) (local $accumulator3_0 v128) (local $accumulator3_1 v128) (local $gradients0 v128) (local $gradients1 v128) (local $inputSplat v128)
    (local.set $inputStep
      (i32.mul
        (i32.mul
          (local.get $strideWidth)
          (local.get $inChannels))
        (i32.const 4)))
    (local.set $gradientStep
      (i32.mul
        (local.get $outChannels)
        (i32.const 4)))
    (local.set $tapRow
      (i32.const 0))
    (block $tapRowDone
      (loop $tapRowLoop
        (br_if $tapRowDone
          (i32.ge_u
            (local.get $tapRow)
            (local.get $filterHeight)))
        (local.set $rowFirst
          (i32.sub
            (local.get $padTop)
            (local.get $tapRow)))
        (if
          (i32.gt_s
            (local.get $rowFirst)
            (i32.const 0))
          (then
            (local.set $rowFirst
              (i32.div_s
                (i32.sub
                  (i32.add
                    (local.get $rowFirst)
                    (local.get $strideHeight))
                  (i32.const 1))
                (local.get $strideHeight))))
          (else
            (local.set $rowFirst
              (i32.const 0))))
        (local.set $bandRowEnd
          (i32.div_s
            (i32.add
              (i32.sub
                (i32.add
                  (i32.sub
                    (local.get $inHeight)
                    (i32.const 1))
                  (local.get $padTop))
                (local.get $tapRow))
              (local.get $strideHeight))
            (local.get $strideHeight)))
        (local.set $bandRowEnd
          (select
            (local.get $bandRowEnd)
            (local.get $outHeight)
            (i32.lt_s
              (local.get $bandRowEnd)
              (local.get $outHeight))))
        (local.set $bandRowEnd
          (select
            (local.get $bandRowEnd)
            (i32.const 0)
            (i32.gt_s
              (local.get $bandRowEnd)
              (i32.const 0))))
        (local.set $rowFirst
          (select
            (local.get $rowFirst)
            (local.get $rowStart)
            (i32.gt_s
              (local.get $rowFirst)
              (local.get $rowStart))))
        (local.set $bandRowEnd
          (select
            (local.get $bandRowEnd)
            (local.get $rowEnd)
            (i32.lt_s
              (local.get $bandRowEnd)
              (local.get $rowEnd))))
        (local.set $tapColumn
          (i32.const 0))
        (block $tapColumnDone
          (loop $tapColumnLoop
            (br_if $tapColumnDone
              (i32.ge_u
                (local.get $tapColumn)
                (local.get $filterWidth)))
            (local.set $columnFirst
              (i32.sub
                (local.get $padLeft)
                (local.get $tapColumn)))
            (if
              (i32.gt_s
                (local.get $columnFirst)
                (i32.const 0))
              (then
                (local.set $columnFirst
                  (i32.div_s
                    (i32.sub
                      (i32.add
                        (local.get $columnFirst)
                        (local.get $strideWidth))
                      (i32.const 1))
                    (local.get $strideWidth))))
              (else
                (local.set $columnFirst
                  (i32.const 0))))
            (local.set $columnEnd
              (i32.div_s
                (i32.add
                  (i32.sub
                    (i32.add
                      (i32.sub
                        (local.get $inWidth)
                        (i32.const 1))
                      (local.get $padLeft))
                    (local.get $tapColumn))
                  (local.get $strideWidth))
                (local.get $strideWidth)))
            (local.set $columnEnd
              (select
                (local.get $columnEnd)
                (local.get $outWidth)
                (i32.lt_s
                  (local.get $columnEnd)
                  (local.get $outWidth))))
            (local.set $columnEnd
              (select
                (local.get $columnEnd)
                (i32.const 0)
                (i32.gt_s
                  (local.get $columnEnd)
                  (i32.const 0))))
            (local.set $inputColumn
              (i32.sub
                (i32.add
                  (i32.mul
                    (local.get $columnFirst)
                    (local.get $strideWidth))
                  (local.get $tapColumn))
                (local.get $padLeft)))
            (local.set $channel
              (i32.const 0))
            (block $channelDone
              (loop $channelLoop
                (br_if $channelDone
                  (i32.ge_u
                    (local.get $channel)
                    (local.get $inChannels)))
                (local.set $output
                  (i32.const 0))
                (block $outputDone
                  (loop $outputLoop
                    (br_if $outputDone
                      (i32.ge_u
                        (local.get $output)
                        (local.get $outChannels)))
                    (local.set $weightPointer
                      (i32.add
                        (i32.mul
                          (i32.add
                            (i32.mul
                              (i32.add
                                (i32.mul
                                  (i32.add
                                    (i32.mul
                                      (local.get $tapRow)
                                      (local.get $filterWidth))
                                    (local.get $tapColumn))
                                  (local.get $inChannels))
                                (local.get $channel))
                              (local.get $outChannels))
                            (local.get $output))
                          (i32.const 4))
                        (local.get $dw)))
                    (local.set $accumulator0_0
                      (v128.load
                        (i32.add
                          (local.get $weightPointer)
                          (i32.mul
                            (local.get $outChannels)
                            (i32.const 0)))))
                    (local.set $accumulator0_1
                      (v128.load offset=16
                        (i32.add
                          (local.get $weightPointer)
                          (i32.mul
                            (local.get $outChannels)
                            (i32.const 0)))))
                    (local.set $accumulator1_0
                      (v128.load
                        (i32.add
                          (local.get $weightPointer)
                          (i32.mul
                            (local.get $outChannels)
                            (i32.const 4)))))
                    (local.set $accumulator1_1
                      (v128.load offset=16
                        (i32.add
                          (local.get $weightPointer)
                          (i32.mul
                            (local.get $outChannels)
                            (i32.const 4)))))
                    (local.set $accumulator2_0
                      (v128.load
                        (i32.add
                          (local.get $weightPointer)
                          (i32.mul
                            (local.get $outChannels)
                            (i32.const 8)))))
                    (local.set $accumulator2_1
                      (v128.load offset=16
                        (i32.add
                          (local.get $weightPointer)
                          (i32.mul
                            (local.get $outChannels)
                            (i32.const 8)))))
                    (local.set $accumulator3_0
                      (v128.load
                        (i32.add
                          (local.get $weightPointer)
                          (i32.mul
                            (local.get $outChannels)
                            (i32.const 12)))))
                    (local.set $accumulator3_1
                      (v128.load offset=16
                        (i32.add
                          (local.get $weightPointer)
                          (i32.mul
                            (local.get $outChannels)
                            (i32.const 12)))))
                    (local.set $row
                      (local.get $rowFirst))
                    (block $rowDone
                      (loop $rowLoop
                        (br_if $rowDone
                          (i32.ge_u
                            (local.get $row)
                            (local.get $bandRowEnd)))
                        (local.set $inputPointer
                          (i32.add
                            (i32.mul
                              (i32.add
                                (i32.mul
                                  (i32.add
                                    (i32.mul
                                      (i32.sub
                                        (i32.add
                                          (i32.mul
                                            (local.get $row)
                                            (local.get $strideHeight))
                                          (local.get $tapRow))
                                        (local.get $padTop))
                                      (local.get $inWidth))
                                    (local.get $inputColumn))
                                  (local.get $inChannels))
                                (local.get $channel))
                              (i32.const 4))
                            (local.get $x)))
                        (local.set $gradientPointer
                          (i32.add
                            (i32.mul
                              (i32.add
                                (i32.mul
                                  (i32.add
                                    (i32.mul
                                      (local.get $row)
                                      (local.get $outWidth))
                                    (local.get $columnFirst))
                                  (local.get $outChannels))
                                (local.get $output))
                              (i32.const 4))
                            (local.get $dy)))
                        (local.set $column
                          (local.get $columnFirst))
                        (block $columnDone
                          (loop $columnLoop
                            (br_if $columnDone
                              (i32.ge_u
                                (local.get $column)
                                (local.get $columnEnd)))
                            (local.set $gradients0
                              (v128.load
                                (local.get $gradientPointer)))
                            (local.set $gradients1
                              (v128.load offset=16
                                (local.get $gradientPointer)))
                            (local.set $inputSplat
                              (v128.load32_splat
                                (local.get $inputPointer)))
                            (local.set $accumulator0_0
                              (f32x4.relaxed_madd
                                (local.get $inputSplat)
                                (local.get $gradients0)
                                (local.get $accumulator0_0)))
                            (local.set $accumulator0_1
                              (f32x4.relaxed_madd
                                (local.get $inputSplat)
                                (local.get $gradients1)
                                (local.get $accumulator0_1)))
                            (local.set $inputSplat
                              (v128.load32_splat offset=4
                                (local.get $inputPointer)))
                            (local.set $accumulator1_0
                              (f32x4.relaxed_madd
                                (local.get $inputSplat)
                                (local.get $gradients0)
                                (local.get $accumulator1_0)))
                            (local.set $accumulator1_1
                              (f32x4.relaxed_madd
                                (local.get $inputSplat)
                                (local.get $gradients1)
                                (local.get $accumulator1_1)))
                            (local.set $inputSplat
                              (v128.load32_splat offset=8
                                (local.get $inputPointer)))
                            (local.set $accumulator2_0
                              (f32x4.relaxed_madd
                                (local.get $inputSplat)
                                (local.get $gradients0)
                                (local.get $accumulator2_0)))
                            (local.set $accumulator2_1
                              (f32x4.relaxed_madd
                                (local.get $inputSplat)
                                (local.get $gradients1)
                                (local.get $accumulator2_1)))
                            (local.set $inputSplat
                              (v128.load32_splat offset=12
                                (local.get $inputPointer)))
                            (local.set $accumulator3_0
                              (f32x4.relaxed_madd
                                (local.get $inputSplat)
                                (local.get $gradients0)
                                (local.get $accumulator3_0)))
                            (local.set $accumulator3_1
                              (f32x4.relaxed_madd
                                (local.get $inputSplat)
                                (local.get $gradients1)
                                (local.get $accumulator3_1)))
                            (local.set $inputPointer
                              (i32.add
                                (local.get $inputPointer)
                                (local.get $inputStep)))
                            (local.set $gradientPointer
                              (i32.add
                                (local.get $gradientPointer)
                                (local.get $gradientStep)))
                            (local.set $column
                              (i32.add
                                (local.get $column)
                                (i32.const 1)))
                            (br $columnLoop)))
                        (local.set $row
                          (i32.add
                            (local.get $row)
                            (i32.const 1)))
                        (br $rowLoop)))
                    (v128.store
                      (i32.add
                        (local.get $weightPointer)
                        (i32.mul
                          (local.get $outChannels)
                          (i32.const 0)))
                      (local.get $accumulator0_0))
                    (v128.store offset=16
                      (i32.add
                        (local.get $weightPointer)
                        (i32.mul
                          (local.get $outChannels)
                          (i32.const 0)))
                      (local.get $accumulator0_1))
                    (v128.store
                      (i32.add
                        (local.get $weightPointer)
                        (i32.mul
                          (local.get $outChannels)
                          (i32.const 4)))
                      (local.get $accumulator1_0))
                    (v128.store offset=16
                      (i32.add
                        (local.get $weightPointer)
                        (i32.mul
                          (local.get $outChannels)
                          (i32.const 4)))
                      (local.get $accumulator1_1))
                    (v128.store
                      (i32.add
                        (local.get $weightPointer)
                        (i32.mul
                          (local.get $outChannels)
                          (i32.const 8)))
                      (local.get $accumulator2_0))
                    (v128.store offset=16
                      (i32.add
                        (local.get $weightPointer)
                        (i32.mul
                          (local.get $outChannels)
                          (i32.const 8)))
                      (local.get $accumulator2_1))
                    (v128.store
                      (i32.add
                        (local.get $weightPointer)
                        (i32.mul
                          (local.get $outChannels)
                          (i32.const 12)))
                      (local.get $accumulator3_0))
                    (v128.store offset=16
                      (i32.add
                        (local.get $weightPointer)
                        (i32.mul
                          (local.get $outChannels)
                          (i32.const 12)))
                      (local.get $accumulator3_1))
                    (local.set $output
                      (i32.add
                        (local.get $output)
                        (i32.const 8)))
                    (br $outputLoop)))
                (local.set $channel
                  (i32.add
                    (local.get $channel)
                    (i32.const 4)))
                (br $channelLoop)))
            (local.set $tapColumn
              (i32.add
                (local.get $tapColumn)
                (i32.const 1)))
            (br $tapColumnLoop)))
        (local.set $tapRow
          (i32.add
            (local.get $tapRow)
            (i32.const 1)))
        (br $tapRowLoop))))
  (func $images (export "images") (type $images) (param $x i32) (param $dy i32) (param $dw i32) (param $inHeight i32) (param $inWidth i32) (param $inChannels i32) (param $outHeight i32) (param $outWidth i32) (param $outChannels i32) (param $filterHeight i32) (param $filterWidth i32) (param $strideHeight i32) (param $strideWidth i32) (param $padTop i32) (param $padLeft i32) (param $imageStart i32) (param $imageEnd i32) (param $bandRows i32)
    (local $image i32) (local $row i32) (local $bandEnd i32) (local $imageInput i32) (local $imageGradient i32)
    (local.set $image
      (local.get $imageStart))
    (block $imageDone
      (loop $imageLoop
        (br_if $imageDone
          (i32.ge_u
            (local.get $image)
            (local.get $imageEnd)))
        (local.set $imageInput
          (i32.add
            (i32.mul
              (local.get $image)
              (i32.mul
                (i32.mul
                  (i32.mul
                    (local.get $inHeight)
                    (local.get $inWidth))
                  (local.get $inChannels))
                (i32.const 4)))
            (local.get $x)))
        (local.set $imageGradient
          (i32.add
            (i32.mul
              (local.get $image)
              (i32.mul
                (i32.mul
                  (i32.mul
                    (local.get $outHeight)
                    (local.get $outWidth))
                  (local.get $outChannels))
                (i32.const 4)))
            (local.get $dy)))
        (local.set $row
          (i32.const 0))
        (block $rowDone
          (loop $rowLoop
            (br_if $rowDone
              (i32.ge_u
                (local.get $row)
                (local.get $outHeight)))
            (local.set $bandEnd
              (i32.add
                (local.get $row)
                (local.get $bandRows)))
            (local.set $bandEnd
              (select
                (local.get $bandEnd)
                (local.get $outHeight)
                (i32.lt_s
                  (local.get $bandEnd)
                  (local.get $outHeight))))
            (call $band
              (local.get $imageInput)
              (local.get $imageGradient)
              (local.get $dw)
              (local.get $inHeight)
              (local.get $inWidth)
              (local.get $inChannels)
              (local.get $outHeight)
              (local.get $outWidth)
              (local.get $outChannels)
              (local.get $filterHeight)
              (local.get $filterWidth)
              (local.get $strideHeight)
              (local.get $strideWidth)
              (local.get $padTop)
              (local.get $padLeft)
              (local.get $row)
              (local.get $bandEnd))
            (local.set $row
              (local.get $bandEnd))
            (br $rowLoop)))
        (local.set $image
          (i32.add
            (local.get $image)
            (i32.const 1)))
        (br $imageLoop))))
  (func $clear (export "clear") (type $clear) (param $dw i32) (param $count i32)
    (local $offset i32) (local $end i32)
    (local.set $end
      (i32.shl
        (i32.and
          (local.get $count)
          (i32.const -4))
        (i32.const 2)))
    (local.set $offset
      (i32.const 0))
    (block $offsetDone
      (loop $offsetLoop
        (br_if $offsetDone
          (i32.ge_u
            (local.get $offset)
            (local.get $end)))
        (v128.store align=1
          (i32.add
            (local.get $dw)
            (local.get $offset))
          (v128.const f32x4 0 0 0 0))
        (local.set $offset
          (i32.add
            (local.get $offset)
            (i32.const 16)))
        (br $offsetLoop))))
  (func $accumulate (export "accumulate") (type $accumulate) (param $dw i32) (param $partial i32) (param $count i32)
    (local $offset i32) (local $end i32)
    (local.set $end
      (i32.shl
        (i32.and
          (local.get $count)
          (i32.const -4))
        (i32.const 2)))
    (local.set $offset
      (i32.const 0))
    (block $offsetDone
      (loop $offsetLoop
        (br_if $offsetDone
          (i32.ge_u
            (local.get $offset)
            (local.get $end)))
        (v128.store align=1
          (i32.add
            (local.get $dw)
            (local.get $offset))
          (f32x4.add
            (v128.load align=1
              (i32.add
                (local.get $dw)
                (local.get $offset)))
            (v128.load align=1
              (i32.add
                (local.get $partial)
                (local.get $offset)))))
        (local.set $offset
          (i32.add
            (local.get $offset)
            (i32.const 16)))
        (br $offsetLoop)))))
