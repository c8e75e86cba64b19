(module
;; The WebAssembly SIMD code of a 2-D convolution (TensorFlow's Conv2D), NHWC, on
;; tfjs-backend-wasm's heap, as an implicit GEMM over an input already zero-padded:
;;
;;   y[m, o] = sum_i sum_{(j, c)} xPadded[b, p s_h + i, q s_w + j, c] W[i, j, c, o]
;;
;; over the output pixels m = (b, p, q) flattened. A register tile of 4 output pixels x 8 output
;; channels (8 f32x4 accumulators) runs, for every filter row i, down the contiguous run of
;; (j, c) = filterWidth x inChannels values: one splat of `x` per pixel, two vector loads of the
;; filter, which is packed into panels of 8 outputs (`[out / 8][i][j][c][8]`). No bounds checks
;; and no im2col matrix. A 1x1 convolution is a plain GEMM, `y = x W`.
;;
;; Export `pixels(x, w, y, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels,
;; filterHeight, filterWidth, strideHeight, strideWidth, pixelStart, pixelEnd, chunk)`: writes
;; output pixels [pixelStart, pixelEnd), `chunk` pixels at a time (their input rows stay in cache
;; while every panel of 8 output channels passes over them); byte offsets into the heap, sizes in
;; elements (inHeight, inWidth of the padded input, w packed); `outChannels % 8 == 0`.
;;
;;
;; Assembled by wabt at build time (scripts/build-kernels.mjs), which also derives the shared-memory
;; variant and, for each f32x4.relaxed_madd, the plain f32x4.mul + f32x4.add one.
  (type $pixels (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory $memory 0)) ;; plain, or shared in the threaded build (scripts/build-kernels.mjs)
  (func $pixels (export "pixels") (type $pixels) (param $x i32) (param $w i32) (param $y i32) (param $inHeight i32) (param $inWidth i32) (param $inChannels i32) (param $outHeight i32) (param $outWidth i32) (param $outChannels i32) (param $filterHeight i32) (param $filterWidth i32) (param $strideHeight i32) (param $strideWidth i32) (param $pixelStart i32) (param $pixelEnd i32) (param $chunk i32)
    (local $chunkStart i32) (local $chunkEnd i32) (local $output i32) (local $pixel i32) (local $tapRow i32) (local $channel i32) (local $runLength i32) (local $weightPointer i32) (local $rowBytes i32) (local $outPixels i32) (local $tilePixel i32) (local $image i32) (local $pixelInImage i32) (local $row i32) (local $column i32) (local $window0 i32) (local $window1 i32) (local $window2 i32) (local $window3 i32) (local $input0 i32) (local $input1 i32) (local $input2 i32) (local $input3 i32) (local $accumulator0_0 v128) (local $accumulator0_1 v128) (local $accumulator1_0 v128) (local $accumulator1_1 v128) (local $accumulator2_0 v128) (local $accumulator2_1 v128) (local $accumulator3_0 v128) (local $accumulator3_1 v128) (local $weights0 v128) (local $weights1 v128) (local $inputSplat v128)
    (local.set $outPixels
      (i32.mul
        (local.get $outHeight)
        (local.get $outWidth)))
    (local.set $runLength
      (i32.mul
        (local.get $filterWidth)
        (local.get $inChannels)))
    (local.set $rowBytes
      (i32.mul
        (i32.mul
          (local.get $inWidth)
          (local.get $inChannels))
        (i32.const 4)))
    (local.set $chunkStart
      (local.get $pixelStart))
    (block $chunkStartDone
      (loop $chunkStartLoop
        (br_if $chunkStartDone
          (i32.ge_u
            (local.get $chunkStart)
            (local.get $pixelEnd)))
        (local.set $chunkEnd
          (i32.add
            (local.get $chunkStart)
            (local.get $chunk)))
        (local.set $chunkEnd
          (select
            (local.get $chunkEnd)
            (local.get $pixelEnd)
            (i32.lt_s
              (local.get $chunkEnd)
              (local.get $pixelEnd))))
        (local.set $output
          (i32.const 0))
        (block $outputDone
          (loop $outputLoop
            (br_if $outputDone
              (i32.ge_u
                (local.get $output)
                (local.get $outChannels)))
            (local.set $pixel
              (local.get $chunkStart))
            (block $pixelDone
              (loop $pixelLoop
                (br_if $pixelDone
                  (i32.ge_u
                    (local.get $pixel)
                    (local.get $chunkEnd)))
                (local.set $tilePixel
                  (i32.add
                    (local.get $pixel)
                    (i32.const 0)))
                (local.set $tilePixel
                  (select
                    (local.get $tilePixel)
                    (i32.sub
                      (local.get $chunkEnd)
                      (i32.const 1))
                    (i32.lt_s
                      (local.get $tilePixel)
                      (i32.sub
                        (local.get $chunkEnd)
                        (i32.const 1)))))
                (local.set $image
                  (i32.div_u
                    (local.get $tilePixel)
                    (local.get $outPixels)))
                (local.set $pixelInImage
                  (i32.sub
                    (local.get $tilePixel)
                    (i32.mul
                      (local.get $image)
                      (local.get $outPixels))))
                (local.set $row
                  (i32.div_u
                    (local.get $pixelInImage)
                    (local.get $outWidth)))
                (local.set $column
                  (i32.sub
                    (local.get $pixelInImage)
                    (i32.mul
                      (local.get $row)
                      (local.get $outWidth))))
                (local.set $window0
                  (i32.add
                    (i32.mul
                      (i32.mul
                        (i32.add
                          (i32.mul
                            (i32.add
                              (i32.mul
                                (local.get $image)
                                (local.get $inHeight))
                              (i32.mul
                                (local.get $row)
                                (local.get $strideHeight)))
                            (local.get $inWidth))
                          (i32.mul
                            (local.get $column)
                            (local.get $strideWidth)))
                        (local.get $inChannels))
                      (i32.const 4))
                    (local.get $x)))
                (local.set $tilePixel
                  (i32.add
                    (local.get $pixel)
                    (i32.const 1)))
                (local.set $tilePixel
                  (select
                    (local.get $tilePixel)
                    (i32.sub
                      (local.get $chunkEnd)
                      (i32.const 1))
                    (i32.lt_s
                      (local.get $tilePixel)
                      (i32.sub
                        (local.get $chunkEnd)
                        (i32.const 1)))))
                (local.set $image
                  (i32.div_u
                    (local.get $tilePixel)
                    (local.get $outPixels)))
                (local.set $pixelInImage
                  (i32.sub
                    (local.get $tilePixel)
                    (i32.mul
                      (local.get $image)
                      (local.get $outPixels))))
                (local.set $row
                  (i32.div_u
                    (local.get $pixelInImage)
                    (local.get $outWidth)))
                (local.set $column
                  (i32.sub
                    (local.get $pixelInImage)
                    (i32.mul
                      (local.get $row)
                      (local.get $outWidth))))
                (local.set $window1
                  (i32.add
                    (i32.mul
                      (i32.mul
                        (i32.add
                          (i32.mul
                            (i32.add
                              (i32.mul
                                (local.get $image)
                                (local.get $inHeight))
                              (i32.mul
                                (local.get $row)
                                (local.get $strideHeight)))
                            (local.get $inWidth))
                          (i32.mul
                            (local.get $column)
                            (local.get $strideWidth)))
                        (local.get $inChannels))
                      (i32.const 4))
                    (local.get $x)))
                (local.set $tilePixel
                  (i32.add
                    (local.get $pixel)
                    (i32.const 2)))
                (local.set $tilePixel
                  (select
                    (local.get $tilePixel)
                    (i32.sub
                      (local.get $chunkEnd)
                      (i32.const 1))
                    (i32.lt_s
                      (local.get $tilePixel)
                      (i32.sub
                        (local.get $chunkEnd)
                        (i32.const 1)))))
                (local.set $image
                  (i32.div_u
                    (local.get $tilePixel)
                    (local.get $outPixels)))
                (local.set $pixelInImage
                  (i32.sub
                    (local.get $tilePixel)
                    (i32.mul
                      (local.get $image)
                      (local.get $outPixels))))
                (local.set $row
                  (i32.div_u
                    (local.get $pixelInImage)
                    (local.get $outWidth)))
                (local.set $column
                  (i32.sub
                    (local.get $pixelInImage)
                    (i32.mul
                      (local.get $row)
                      (local.get $outWidth))))
                (local.set $window2
                  (i32.add
                    (i32.mul
                      (i32.mul
                        (i32.add
                          (i32.mul
                            (i32.add
                              (i32.mul
                                (local.get $image)
                                (local.get $inHeight))
                              (i32.mul
                                (local.get $row)
                                (local.get $strideHeight)))
                            (local.get $inWidth))
                          (i32.mul
                            (local.get $column)
                            (local.get $strideWidth)))
                        (local.get $inChannels))
                      (i32.const 4))
                    (local.get $x)))
                (local.set $tilePixel
                  (i32.add
                    (local.get $pixel)
                    (i32.const 3)))
                (local.set $tilePixel
                  (select
                    (local.get $tilePixel)
                    (i32.sub
                      (local.get $chunkEnd)
                      (i32.const 1))
                    (i32.lt_s
                      (local.get $tilePixel)
                      (i32.sub
                        (local.get $chunkEnd)
                        (i32.const 1)))))
                (local.set $image
                  (i32.div_u
                    (local.get $tilePixel)
                    (local.get $outPixels)))
                (local.set $pixelInImage
                  (i32.sub
                    (local.get $tilePixel)
                    (i32.mul
                      (local.get $image)
                      (local.get $outPixels))))
                (local.set $row
                  (i32.div_u
                    (local.get $pixelInImage)
                    (local.get $outWidth)))
                (local.set $column
                  (i32.sub
                    (local.get $pixelInImage)
                    (i32.mul
                      (local.get $row)
                      (local.get $outWidth))))
                (local.set $window3
                  (i32.add
                    (i32.mul
                      (i32.mul
                        (i32.add
                          (i32.mul
                            (i32.add
                              (i32.mul
                                (local.get $image)
                                (local.get $inHeight))
                              (i32.mul
                                (local.get $row)
                                (local.get $strideHeight)))
                            (local.get $inWidth))
                          (i32.mul
                            (local.get $column)
                            (local.get $strideWidth)))
                        (local.get $inChannels))
                      (i32.const 4))
                    (local.get $x)))
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
                (local.set $weightPointer
                  (i32.add
                    (i32.mul
                      (i32.mul
                        (i32.mul
                          (local.get $output)
                          (local.get $filterHeight))
                        (local.get $runLength))
                      (i32.const 4))
                    (local.get $w)))
                (local.set $tapRow
                  (i32.const 0))
                (block $tapRowDone
                  (loop $tapRowLoop
                    (br_if $tapRowDone
                      (i32.ge_u
                        (local.get $tapRow)
                        (local.get $filterHeight)))
                    (local.set $input0
                      (i32.add
                        (local.get $window0)
                        (i32.mul
                          (local.get $tapRow)
                          (local.get $rowBytes))))
                    (local.set $input1
                      (i32.add
                        (local.get $window1)
                        (i32.mul
                          (local.get $tapRow)
                          (local.get $rowBytes))))
                    (local.set $input2
                      (i32.add
                        (local.get $window2)
                        (i32.mul
                          (local.get $tapRow)
                          (local.get $rowBytes))))
                    (local.set $input3
                      (i32.add
                        (local.get $window3)
                        (i32.mul
                          (local.get $tapRow)
                          (local.get $rowBytes))))
                    (local.set $channel
                      (i32.const 0))
                    (block $channelDone
                      (loop $channelLoop
                        (br_if $channelDone
                          (i32.ge_u
                            (local.get $channel)
                            (local.get $runLength)))
                        (local.set $weights0
                          (v128.load
                            (local.get $weightPointer)))
                        (local.set $weights1
                          (v128.load offset=16
                            (local.get $weightPointer)))
                        (local.set $inputSplat
                          (v128.load32_splat
                            (local.get $input0)))
                        (local.set $accumulator0_0
                          (f32x4.relaxed_madd
                            (local.get $inputSplat)
                            (local.get $weights0)
                            (local.get $accumulator0_0)))
                        (local.set $accumulator0_1
                          (f32x4.relaxed_madd
                            (local.get $inputSplat)
                            (local.get $weights1)
                            (local.get $accumulator0_1)))
                        (local.set $inputSplat
                          (v128.load32_splat
                            (local.get $input1)))
                        (local.set $accumulator1_0
                          (f32x4.relaxed_madd
                            (local.get $inputSplat)
                            (local.get $weights0)
                            (local.get $accumulator1_0)))
                        (local.set $accumulator1_1
                          (f32x4.relaxed_madd
                            (local.get $inputSplat)
                            (local.get $weights1)
                            (local.get $accumulator1_1)))
                        (local.set $inputSplat
                          (v128.load32_splat
                            (local.get $input2)))
                        (local.set $accumulator2_0
                          (f32x4.relaxed_madd
                            (local.get $inputSplat)
                            (local.get $weights0)
                            (local.get $accumulator2_0)))
                        (local.set $accumulator2_1
                          (f32x4.relaxed_madd
                            (local.get $inputSplat)
                            (local.get $weights1)
                            (local.get $accumulator2_1)))
                        (local.set $inputSplat
                          (v128.load32_splat
                            (local.get $input3)))
                        (local.set $accumulator3_0
                          (f32x4.relaxed_madd
                            (local.get $inputSplat)
                            (local.get $weights0)
                            (local.get $accumulator3_0)))
                        (local.set $accumulator3_1
                          (f32x4.relaxed_madd
                            (local.get $inputSplat)
                            (local.get $weights1)
                            (local.get $accumulator3_1)))
                        (local.set $input0
                          (i32.add
                            (local.get $input0)
                            (i32.const 4)))
                        (local.set $input1
                          (i32.add
                            (local.get $input1)
                            (i32.const 4)))
                        (local.set $input2
                          (i32.add
                            (local.get $input2)
                            (i32.const 4)))
                        (local.set $input3
                          (i32.add
                            (local.get $input3)
                            (i32.const 4)))
                        (local.set $weightPointer
                          (i32.add
                            (local.get $weightPointer)
                            (i32.const 32)))
                        (local.set $channel
                          (i32.add
                            (local.get $channel)
                            (i32.const 1)))
                        (br $channelLoop)))
                    (local.set $tapRow
                      (i32.add
                        (local.get $tapRow)
                        (i32.const 1)))
                    (br $tapRowLoop)))
                (if
                  (i32.lt_u
                    (i32.add
                      (local.get $pixel)
                      (i32.const 0))
                    (local.get $chunkEnd))
                  (then
                    (v128.store
                      (i32.add
                        (i32.mul
                          (i32.add
                            (i32.mul
                              (i32.add
                                (local.get $pixel)
                                (i32.const 0))
                              (local.get $outChannels))
                            (local.get $output))
                          (i32.const 4))
                        (local.get $y))
                      (local.get $accumulator0_0))
                    (v128.store offset=16
                      (i32.add
                        (i32.mul
                          (i32.add
                            (i32.mul
                              (i32.add
                                (local.get $pixel)
                                (i32.const 0))
                              (local.get $outChannels))
                            (local.get $output))
                          (i32.const 4))
                        (local.get $y))
                      (local.get $accumulator0_1))))
                (if
                  (i32.lt_u
                    (i32.add
                      (local.get $pixel)
                      (i32.const 1))
                    (local.get $chunkEnd))
                  (then
                    (v128.store
                      (i32.add
                        (i32.mul
                          (i32.add
                            (i32.mul
                              (i32.add
                                (local.get $pixel)
                                (i32.const 1))
                              (local.get $outChannels))
                            (local.get $output))
                          (i32.const 4))
                        (local.get $y))
                      (local.get $accumulator1_0))
                    (v128.store offset=16
                      (i32.add
                        (i32.mul
                          (i32.add
                            (i32.mul
                              (i32.add
                                (local.get $pixel)
                                (i32.const 1))
                              (local.get $outChannels))
                            (local.get $output))
                          (i32.const 4))
                        (local.get $y))
                      (local.get $accumulator1_1))))
                (if
                  (i32.lt_u
                    (i32.add
                      (local.get $pixel)
                      (i32.const 2))
                    (local.get $chunkEnd))
                  (then
                    (v128.store
                      (i32.add
                        (i32.mul
                          (i32.add
                            (i32.mul
                              (i32.add
                                (local.get $pixel)
                                (i32.const 2))
                              (local.get $outChannels))
                            (local.get $output))
                          (i32.const 4))
                        (local.get $y))
                      (local.get $accumulator2_0))
                    (v128.store offset=16
                      (i32.add
                        (i32.mul
                          (i32.add
                            (i32.mul
                              (i32.add
                                (local.get $pixel)
                                (i32.const 2))
                              (local.get $outChannels))
                            (local.get $output))
                          (i32.const 4))
                        (local.get $y))
                      (local.get $accumulator2_1))))
                (if
                  (i32.lt_u
                    (i32.add
                      (local.get $pixel)
                      (i32.const 3))
                    (local.get $chunkEnd))
                  (then
                    (v128.store
                      (i32.add
                        (i32.mul
                          (i32.add
                            (i32.mul
                              (i32.add
                                (local.get $pixel)
                                (i32.const 3))
                              (local.get $outChannels))
                            (local.get $output))
                          (i32.const 4))
                        (local.get $y))
                      (local.get $accumulator3_0))
                    (v128.store offset=16
                      (i32.add
                        (i32.mul
                          (i32.add
                            (i32.mul
                              (i32.add
                                (local.get $pixel)
                                (i32.const 3))
                              (local.get $outChannels))
                            (local.get $output))
                          (i32.const 4))
                        (local.get $y))
                      (local.get $accumulator3_1))))
                (local.set $pixel
                  (i32.add
                    (local.get $pixel)
                    (i32.const 4)))
                (br $pixelLoop)))
            (local.set $output
              (i32.add
                (local.get $output)
                (i32.const 8)))
            (br $outputLoop)))
        (local.set $chunkStart
          (local.get $chunkEnd))
        (br $chunkStartLoop)))))
