(module
;; The WebAssembly SIMD code of the fused GroupNorm(+SiLU) loops (group-norm-simd.ts runs them):
;; four float32 channels at a time, one channel quad at a time down the pixels of one image, with
;; sums accumulated in float64 lanes. Byte offsets: `rowBytes = 4 C`, `sampleBytes = H W rowBytes`;
;; the per-channel parameters are float32 arrays of C at `params + k rowBytes` (k = 0 mean high
;; part, 1 mean low part, 2 scale, 3 bias, 4 alpha, 5 beta, 6 gamma, 7 shift) followed by float64
;; arrays of C at `params + 8 rowBytes` and `params + 10 rowBytes` (the two per-channel sums that
;; `stats` and `backwardSums` write): 12 rowBytes in all.
;;
;; Every export takes `(three heap pointers, parameters, rowBytes, sampleBytes)` and walks the channel
;; quads of one image (`channelByte`, 16 bytes a step) and, for each, its pixels (`pixelByte`, one
;; row of C floats a step):
;;  - `stats(x, -, -, ...)`: per channel, sum (x - shift) and sum (x - shift)^2 into the two float64
;;    arrays (Chan, Golub & LeVeque 1983 shifted sums; the JavaScript side makes mean and rstd);
;;  - `forward(x, y, -, ...)`: y = (x - meanHigh - meanLow) scale + bias (Wu & He 2018, eq. 1-3, in
;;    scale/bias form); `forwardSilu` then y = n sigmoid(n) on the normalised n (Elfwing et al. 2018);
;;  - `backwardSums(x, dy, -, ...)`: sum dn (x - mu) and sum dn into the float64 arrays, dn = dy;
;;    `backwardSumsSilu(x, dy, dnTarget, ...)` takes dn = dy silu'(n), with the normalised n
;;    recomputed, and also stores dn at `dnTarget` (the dx buffer) for `backwardApply`;
;;  - `backwardApply(x, dn, dx, ...)`: dx = alpha dn + beta (x - mu) + gamma (Ioffe & Szegedy 2015,
;;    §3, folded into three per-channel coefficients by group-norm-simd.ts).
;; A pointer marked `-` is not read.
;;
;; Assembled by wabt at build time (scripts/build-kernels.mjs), which also derives the shared-memory
;; variant.
  (type $stats (func (param i32 i32 i32 i32 i32 i32)))
  (type $forward (func (param i32 i32 i32 i32 i32 i32)))
  (type $forwardSilu (func (param i32 i32 i32 i32 i32 i32)))
  (type $backwardSums (func (param i32 i32 i32 i32 i32 i32)))
  (type $backwardSumsSilu (func (param i32 i32 i32 i32 i32 i32)))
  (type $backwardApply (func (param i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory $memory 0)) ;; plain, or shared in the threaded build (scripts/build-kernels.mjs)
  (func $stats (export "stats") (type $stats) (param $x i32) (param $unusedSecond i32) (param $unusedThird i32) (param $parameters i32) (param $rowBytes i32) (param $sampleBytes i32)
    (local $channelByte i32) (local $pixelByte i32) (local $imageEnd i32) (local $sumsAddress i32) (local $quadBytes i32) (local $shift v128) (local $shiftLow v128) (local $shiftHigh v128) (local $sum0 v128) (local $sum1 v128) (local $squares0 v128) (local $squares1 v128) (local $value v128) (local $difference0 v128) (local $difference1 v128)
    (local.set $quadBytes
      (i32.const 16))
    (local.set $channelByte
      (i32.const 0))
    (block $channelByteDone
      (loop $channelByteLoop
        (br_if $channelByteDone
          (i32.ge_u
            (local.get $channelByte)
            (local.get $rowBytes)))
        (local.set $shift
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 7)))
              (local.get $channelByte))))
        (local.set $shiftLow
          (f64x2.promote_low_f32x4
            (local.get $shift)))
        (local.set $shiftHigh
          (f64x2.promote_low_f32x4
            (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
              (local.get $shift)
              (local.get $shift))))
        (local.set $sum0
          (v128.const f32x4 0 0 0 0))
        (local.set $sum1
          (v128.const f32x4 0 0 0 0))
        (local.set $squares0
          (v128.const f32x4 0 0 0 0))
        (local.set $squares1
          (v128.const f32x4 0 0 0 0))
        (local.set $pixelByte
          (local.get $channelByte))
        (local.set $imageEnd
          (i32.add
            (local.get $channelByte)
            (local.get $sampleBytes)))
        (block $pixelByteDone
          (loop $pixelByteLoop
            (br_if $pixelByteDone
              (i32.ge_u
                (local.get $pixelByte)
                (local.get $imageEnd)))
            (local.set $value
              (v128.load align=1
                (i32.add
                  (local.get $x)
                  (local.get $pixelByte))))
            (local.set $difference0
              (f64x2.sub
                (f64x2.promote_low_f32x4
                  (local.get $value))
                (local.get $shiftLow)))
            (local.set $difference1
              (f64x2.sub
                (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
                    (local.get $value)
                    (local.get $value)))
                (local.get $shiftHigh)))
            (local.set $sum0
              (f64x2.add
                (local.get $sum0)
                (local.get $difference0)))
            (local.set $sum1
              (f64x2.add
                (local.get $sum1)
                (local.get $difference1)))
            (local.set $squares0
              (f64x2.add
                (local.get $squares0)
                (f64x2.mul
                  (local.get $difference0)
                  (local.get $difference0))))
            (local.set $squares1
              (f64x2.add
                (local.get $squares1)
                (f64x2.mul
                  (local.get $difference1)
                  (local.get $difference1))))
            (local.set $pixelByte
              (i32.add
                (local.get $pixelByte)
                (local.get $rowBytes)))
            (br $pixelByteLoop)))
        (local.set $sumsAddress
          (i32.add
            (i32.add
              (local.get $parameters)
              (i32.mul
                (local.get $rowBytes)
                (i32.const 8)))
            (i32.add
              (local.get $channelByte)
              (local.get $channelByte))))
        (v128.store align=1
          (local.get $sumsAddress)
          (local.get $sum0))
        (v128.store offset=16 align=1
          (local.get $sumsAddress)
          (local.get $sum1))
        (local.set $sumsAddress
          (i32.add
            (i32.add
              (local.get $parameters)
              (i32.mul
                (local.get $rowBytes)
                (i32.const 10)))
            (i32.add
              (local.get $channelByte)
              (local.get $channelByte))))
        (v128.store align=1
          (local.get $sumsAddress)
          (local.get $squares0))
        (v128.store offset=16 align=1
          (local.get $sumsAddress)
          (local.get $squares1))
        (local.set $channelByte
          (i32.add
            (local.get $channelByte)
            (local.get $quadBytes)))
        (br $channelByteLoop))))
  (func $forward (export "forward") (type $forward) (param $x i32) (param $y i32) (param $unusedThird i32) (param $parameters i32) (param $rowBytes i32) (param $sampleBytes i32)
    (local $channelByte i32) (local $pixelByte i32) (local $imageEnd i32) (local $quadBytes i32) (local $meanHigh v128) (local $meanLow v128) (local $scale v128) (local $bias v128) (local $normalised v128)
    (local.set $quadBytes
      (i32.const 16))
    (local.set $channelByte
      (i32.const 0))
    (block $channelByteDone
      (loop $channelByteLoop
        (br_if $channelByteDone
          (i32.ge_u
            (local.get $channelByte)
            (local.get $rowBytes)))
        (local.set $meanHigh
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 0)))
              (local.get $channelByte))))
        (local.set $meanLow
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 1)))
              (local.get $channelByte))))
        (local.set $scale
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 2)))
              (local.get $channelByte))))
        (local.set $bias
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 3)))
              (local.get $channelByte))))
        (local.set $pixelByte
          (local.get $channelByte))
        (local.set $imageEnd
          (i32.add
            (local.get $channelByte)
            (local.get $sampleBytes)))
        (block $pixelByteDone
          (loop $pixelByteLoop
            (br_if $pixelByteDone
              (i32.ge_u
                (local.get $pixelByte)
                (local.get $imageEnd)))
            (local.set $normalised
              (f32x4.add
                (f32x4.mul
                  (f32x4.sub
                    (f32x4.sub
                      (v128.load align=1
                        (i32.add
                          (local.get $x)
                          (local.get $pixelByte)))
                      (local.get $meanHigh))
                    (local.get $meanLow))
                  (local.get $scale))
                (local.get $bias)))
            (v128.store align=1
              (i32.add
                (local.get $y)
                (local.get $pixelByte))
              (local.get $normalised))
            (local.set $pixelByte
              (i32.add
                (local.get $pixelByte)
                (local.get $rowBytes)))
            (br $pixelByteLoop)))
        (local.set $channelByte
          (i32.add
            (local.get $channelByte)
            (local.get $quadBytes)))
        (br $channelByteLoop))))
  (func $forwardSilu (export "forwardSilu") (type $forwardSilu) (param $x i32) (param $y i32) (param $unusedThird i32) (param $parameters i32) (param $rowBytes i32) (param $sampleBytes i32)
    (local $channelByte i32) (local $pixelByte i32) (local $imageEnd i32) (local $quadBytes i32) (local $meanHigh v128) (local $meanLow v128) (local $scale v128) (local $bias v128) (local $normalised v128) (local $exponentArgument v128) (local $exponentK v128) (local $exponentR v128) (local $reducedSquared v128) (local $one v128) (local $inverseFactorial2 v128) (local $inverseFactorial3 v128) (local $inverseFactorial4 v128) (local $inverseFactorial5 v128) (local $inverseFactorial6 v128) (local $inverseFactorial7 v128) (local $exponentMax v128) (local $exponentMin v128) (local $log2e v128) (local $ln2High v128) (local $ln2Low v128) (local $roundingShift v128)
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
    (local.set $quadBytes
      (i32.const 16))
    (local.set $channelByte
      (i32.const 0))
    (block $channelByteDone
      (loop $channelByteLoop
        (br_if $channelByteDone
          (i32.ge_u
            (local.get $channelByte)
            (local.get $rowBytes)))
        (local.set $meanHigh
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 0)))
              (local.get $channelByte))))
        (local.set $meanLow
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 1)))
              (local.get $channelByte))))
        (local.set $scale
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 2)))
              (local.get $channelByte))))
        (local.set $bias
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 3)))
              (local.get $channelByte))))
        (local.set $pixelByte
          (local.get $channelByte))
        (local.set $imageEnd
          (i32.add
            (local.get $channelByte)
            (local.get $sampleBytes)))
        (block $pixelByteDone
          (loop $pixelByteLoop
            (br_if $pixelByteDone
              (i32.ge_u
                (local.get $pixelByte)
                (local.get $imageEnd)))
            (local.set $normalised
              (f32x4.add
                (f32x4.mul
                  (f32x4.sub
                    (f32x4.sub
                      (v128.load align=1
                        (i32.add
                          (local.get $x)
                          (local.get $pixelByte)))
                      (local.get $meanHigh))
                    (local.get $meanLow))
                  (local.get $scale))
                (local.get $bias)))
            (i32.add
              (local.get $y)
              (local.get $pixelByte))
            (local.get $normalised)
            (local.get $one)
            (local.set $exponentArgument
              (f32x4.pmax
                (f32x4.pmin
                  (f32x4.neg
                    (local.get $normalised))
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
            (f32x4.div
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
                  (i32.const 23)))
              (f32x4.add))
            (v128.store align=1)
            (local.set $pixelByte
              (i32.add
                (local.get $pixelByte)
                (local.get $rowBytes)))
            (br $pixelByteLoop)))
        (local.set $channelByte
          (i32.add
            (local.get $channelByte)
            (local.get $quadBytes)))
        (br $channelByteLoop))))
  (func $backwardSums (export "backwardSums") (type $backwardSums) (param $x i32) (param $dy i32) (param $unusedThird i32) (param $parameters i32) (param $rowBytes i32) (param $sampleBytes i32)
    (local $channelByte i32) (local $pixelByte i32) (local $imageEnd i32) (local $sumsAddress i32) (local $quadBytes i32) (local $meanHigh v128) (local $meanLow v128) (local $scale v128) (local $bias v128) (local $dnCentred v128) (local $centred v128) (local $dn v128) (local $sum0 v128) (local $sum1 v128) (local $sum2 v128) (local $sum3 v128)
    (local.set $quadBytes
      (i32.const 16))
    (local.set $channelByte
      (i32.const 0))
    (block $channelByteDone
      (loop $channelByteLoop
        (br_if $channelByteDone
          (i32.ge_u
            (local.get $channelByte)
            (local.get $rowBytes)))
        (local.set $meanHigh
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 0)))
              (local.get $channelByte))))
        (local.set $meanLow
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 1)))
              (local.get $channelByte))))
        (local.set $scale
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 2)))
              (local.get $channelByte))))
        (local.set $bias
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 3)))
              (local.get $channelByte))))
        (local.set $sum0
          (v128.const f32x4 0 0 0 0))
        (local.set $sum1
          (v128.const f32x4 0 0 0 0))
        (local.set $sum2
          (v128.const f32x4 0 0 0 0))
        (local.set $sum3
          (v128.const f32x4 0 0 0 0))
        (local.set $pixelByte
          (local.get $channelByte))
        (local.set $imageEnd
          (i32.add
            (local.get $channelByte)
            (local.get $sampleBytes)))
        (block $pixelByteDone
          (loop $pixelByteLoop
            (br_if $pixelByteDone
              (i32.ge_u
                (local.get $pixelByte)
                (local.get $imageEnd)))
            (local.set $centred
              (f32x4.sub
                (f32x4.sub
                  (v128.load align=1
                    (i32.add
                      (local.get $x)
                      (local.get $pixelByte)))
                  (local.get $meanHigh))
                (local.get $meanLow)))
            (local.set $dn
              (v128.load align=1
                (i32.add
                  (local.get $dy)
                  (local.get $pixelByte))))
            (local.set $dnCentred
              (f32x4.mul
                (local.get $dn)
                (local.get $centred)))
            (local.set $sum0
              (f64x2.add
                (local.get $sum0)
                (f64x2.promote_low_f32x4
                  (local.get $dnCentred))))
            (local.set $sum1
              (f64x2.add
                (local.get $sum1)
                (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
                    (local.get $dnCentred)
                    (local.get $dnCentred)))))
            (local.set $sum2
              (f64x2.add
                (local.get $sum2)
                (f64x2.promote_low_f32x4
                  (local.get $dn))))
            (local.set $sum3
              (f64x2.add
                (local.get $sum3)
                (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
                    (local.get $dn)
                    (local.get $dn)))))
            (local.set $pixelByte
              (i32.add
                (local.get $pixelByte)
                (local.get $rowBytes)))
            (br $pixelByteLoop)))
        (local.set $sumsAddress
          (i32.add
            (i32.add
              (local.get $parameters)
              (i32.mul
                (local.get $rowBytes)
                (i32.const 8)))
            (i32.add
              (local.get $channelByte)
              (local.get $channelByte))))
        (v128.store align=1
          (local.get $sumsAddress)
          (local.get $sum0))
        (v128.store offset=16 align=1
          (local.get $sumsAddress)
          (local.get $sum1))
        (local.set $sumsAddress
          (i32.add
            (i32.add
              (local.get $parameters)
              (i32.mul
                (local.get $rowBytes)
                (i32.const 10)))
            (i32.add
              (local.get $channelByte)
              (local.get $channelByte))))
        (v128.store align=1
          (local.get $sumsAddress)
          (local.get $sum2))
        (v128.store offset=16 align=1
          (local.get $sumsAddress)
          (local.get $sum3))
        (local.set $channelByte
          (i32.add
            (local.get $channelByte)
            (local.get $quadBytes)))
        (br $channelByteLoop))))
  (func $backwardSumsSilu (export "backwardSumsSilu") (type $backwardSumsSilu) (param $x i32) (param $dy i32) (param $dnTarget i32) (param $parameters i32) (param $rowBytes i32) (param $sampleBytes i32)
    (local $channelByte i32) (local $pixelByte i32) (local $imageEnd i32) (local $sumsAddress i32) (local $quadBytes i32) (local $meanHigh v128) (local $meanLow v128) (local $scale v128) (local $bias v128) (local $normalised v128) (local $exponentArgument v128) (local $exponentK v128) (local $exponentR v128) (local $reducedSquared v128) (local $sigmoid v128) (local $dnCentred v128) (local $centred v128) (local $dn v128) (local $sum0 v128) (local $sum1 v128) (local $sum2 v128) (local $sum3 v128) (local $one v128) (local $inverseFactorial2 v128) (local $inverseFactorial3 v128) (local $inverseFactorial4 v128) (local $inverseFactorial5 v128) (local $inverseFactorial6 v128) (local $inverseFactorial7 v128) (local $exponentMax v128) (local $exponentMin v128) (local $log2e v128) (local $ln2High v128) (local $ln2Low v128) (local $roundingShift v128)
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
    (local.set $quadBytes
      (i32.const 16))
    (local.set $channelByte
      (i32.const 0))
    (block $channelByteDone
      (loop $channelByteLoop
        (br_if $channelByteDone
          (i32.ge_u
            (local.get $channelByte)
            (local.get $rowBytes)))
        (local.set $meanHigh
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 0)))
              (local.get $channelByte))))
        (local.set $meanLow
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 1)))
              (local.get $channelByte))))
        (local.set $scale
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 2)))
              (local.get $channelByte))))
        (local.set $bias
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 3)))
              (local.get $channelByte))))
        (local.set $sum0
          (v128.const f32x4 0 0 0 0))
        (local.set $sum1
          (v128.const f32x4 0 0 0 0))
        (local.set $sum2
          (v128.const f32x4 0 0 0 0))
        (local.set $sum3
          (v128.const f32x4 0 0 0 0))
        (local.set $pixelByte
          (local.get $channelByte))
        (local.set $imageEnd
          (i32.add
            (local.get $channelByte)
            (local.get $sampleBytes)))
        (block $pixelByteDone
          (loop $pixelByteLoop
            (br_if $pixelByteDone
              (i32.ge_u
                (local.get $pixelByte)
                (local.get $imageEnd)))
            (local.set $centred
              (f32x4.sub
                (f32x4.sub
                  (v128.load align=1
                    (i32.add
                      (local.get $x)
                      (local.get $pixelByte)))
                  (local.get $meanHigh))
                (local.get $meanLow)))
            (local.set $dn
              (v128.load align=1
                (i32.add
                  (local.get $dy)
                  (local.get $pixelByte))))
            (local.set $normalised
              (f32x4.add
                (f32x4.mul
                  (local.get $centred)
                  (local.get $scale))
                (local.get $bias)))
            (local.get $one)
            (local.get $one)
            (local.set $exponentArgument
              (f32x4.pmax
                (f32x4.pmin
                  (f32x4.neg
                    (local.get $normalised))
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
            (local.set $sigmoid
              (f32x4.div
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
                    (i32.const 23)))
                (f32x4.add)))
            (local.set $dn
              (f32x4.mul
                (f32x4.mul
                  (local.get $dn)
                  (local.get $sigmoid))
                (f32x4.add
                  (local.get $one)
                  (f32x4.mul
                    (local.get $normalised)
                    (f32x4.sub
                      (local.get $one)
                      (local.get $sigmoid))))))
            (v128.store align=1
              (i32.add
                (local.get $dnTarget)
                (local.get $pixelByte))
              (local.get $dn))
            (local.set $dnCentred
              (f32x4.mul
                (local.get $dn)
                (local.get $centred)))
            (local.set $sum0
              (f64x2.add
                (local.get $sum0)
                (f64x2.promote_low_f32x4
                  (local.get $dnCentred))))
            (local.set $sum1
              (f64x2.add
                (local.get $sum1)
                (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
                    (local.get $dnCentred)
                    (local.get $dnCentred)))))
            (local.set $sum2
              (f64x2.add
                (local.get $sum2)
                (f64x2.promote_low_f32x4
                  (local.get $dn))))
            (local.set $sum3
              (f64x2.add
                (local.get $sum3)
                (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
                    (local.get $dn)
                    (local.get $dn)))))
            (local.set $pixelByte
              (i32.add
                (local.get $pixelByte)
                (local.get $rowBytes)))
            (br $pixelByteLoop)))
        (local.set $sumsAddress
          (i32.add
            (i32.add
              (local.get $parameters)
              (i32.mul
                (local.get $rowBytes)
                (i32.const 8)))
            (i32.add
              (local.get $channelByte)
              (local.get $channelByte))))
        (v128.store align=1
          (local.get $sumsAddress)
          (local.get $sum0))
        (v128.store offset=16 align=1
          (local.get $sumsAddress)
          (local.get $sum1))
        (local.set $sumsAddress
          (i32.add
            (i32.add
              (local.get $parameters)
              (i32.mul
                (local.get $rowBytes)
                (i32.const 10)))
            (i32.add
              (local.get $channelByte)
              (local.get $channelByte))))
        (v128.store align=1
          (local.get $sumsAddress)
          (local.get $sum2))
        (v128.store offset=16 align=1
          (local.get $sumsAddress)
          (local.get $sum3))
        (local.set $channelByte
          (i32.add
            (local.get $channelByte)
            (local.get $quadBytes)))
        (br $channelByteLoop))))
  (func $backwardApply (export "backwardApply") (type $backwardApply) (param $x i32) (param $dn i32) (param $dx i32) (param $parameters i32) (param $rowBytes i32) (param $sampleBytes i32)
    (local $channelByte i32) (local $pixelByte i32) (local $imageEnd i32) (local $quadBytes i32) (local $meanHigh v128) (local $meanLow v128) (local $alpha v128) (local $beta v128) (local $gamma v128)
    (local.set $quadBytes
      (i32.const 16))
    (local.set $channelByte
      (i32.const 0))
    (block $channelByteDone
      (loop $channelByteLoop
        (br_if $channelByteDone
          (i32.ge_u
            (local.get $channelByte)
            (local.get $rowBytes)))
        (local.set $meanHigh
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 0)))
              (local.get $channelByte))))
        (local.set $meanLow
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 1)))
              (local.get $channelByte))))
        (local.set $alpha
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 4)))
              (local.get $channelByte))))
        (local.set $beta
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 5)))
              (local.get $channelByte))))
        (local.set $gamma
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 6)))
              (local.get $channelByte))))
        (local.set $pixelByte
          (local.get $channelByte))
        (local.set $imageEnd
          (i32.add
            (local.get $channelByte)
            (local.get $sampleBytes)))
        (block $pixelByteDone
          (loop $pixelByteLoop
            (br_if $pixelByteDone
              (i32.ge_u
                (local.get $pixelByte)
                (local.get $imageEnd)))
            (v128.store align=1
              (i32.add
                (local.get $dx)
                (local.get $pixelByte))
              (f32x4.add
                (f32x4.add
                  (f32x4.mul
                    (local.get $alpha)
                    (v128.load align=1
                      (i32.add
                        (local.get $dn)
                        (local.get $pixelByte))))
                  (f32x4.mul
                    (local.get $beta)
                    (f32x4.sub
                      (f32x4.sub
                        (v128.load align=1
                          (i32.add
                            (local.get $x)
                            (local.get $pixelByte)))
                        (local.get $meanHigh))
                      (local.get $meanLow))))
                (local.get $gamma)))
            (local.set $pixelByte
              (i32.add
                (local.get $pixelByte)
                (local.get $rowBytes)))
            (br $pixelByteLoop)))
        (local.set $channelByte
          (i32.add
            (local.get $channelByte)
            (local.get $quadBytes)))
        (br $channelByteLoop)))))
