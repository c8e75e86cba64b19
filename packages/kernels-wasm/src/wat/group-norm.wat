(module
;; The WebAssembly SIMD code of the fused GroupNorm(+SiLU) loops (group-norm-simd.ts runs them):
;; four float32 channels at a time, one channel quad at a time down the pixels of one image, with
;; sums accumulated in float64 lanes. Byte offsets: `rowBytes = 4 C`, `sampleBytes = H W rowBytes`;
;; the per-channel parameters are float32 arrays of C at `params + k rowBytes` (k = 0 mean high
;; part, 1 mean low part, 2 scale, 3 bias, 4 alpha, 5 beta, 6 gamma, 7 shift) followed by float64
;; arrays of C at `params + 8 rowBytes` and `params + 10 rowBytes` (the two per-channel sums that
;; `stats` and `backwardSums` write): 12 rowBytes in all.
;;
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
  (func $stats (export "stats") (type $stats) (param $pointer0 i32) (param $pointer1 i32) (param $pointer2 i32) (param $parameters i32) (param $rowBytes i32) (param $sampleBytes i32)
    (local $c i32) (local $p i32) (local $end i32) (local $address i32) (local $sixteen i32) (local $shift v128) (local $shiftLow v128) (local $shiftHigh v128) (local $sum0 v128) (local $sum1 v128) (local $squares0 v128) (local $squares1 v128) (local $value v128) (local $difference0 v128) (local $difference1 v128)
    (local.set $sixteen
      (i32.const 16))
    (local.set $c
      (i32.const 0))
    (block $exit0
      (loop $repeat1
        (br_if $exit0
          (i32.ge_u
            (local.get $c)
            (local.get $rowBytes)))
        (local.set $shift
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 7)))
              (local.get $c))))
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
        (local.set $p
          (local.get $c))
        (local.set $end
          (i32.add
            (local.get $c)
            (local.get $sampleBytes)))
        (block $exit2
          (loop $repeat3
            (br_if $exit2
              (i32.ge_u
                (local.get $p)
                (local.get $end)))
            (local.set $value
              (v128.load align=1
                (i32.add
                  (local.get $pointer0)
                  (local.get $p))))
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
            (local.set $p
              (i32.add
                (local.get $p)
                (local.get $rowBytes)))
            (br $repeat3)))
        (local.set $address
          (i32.add
            (i32.add
              (local.get $parameters)
              (i32.mul
                (local.get $rowBytes)
                (i32.const 8)))
            (i32.add
              (local.get $c)
              (local.get $c))))
        (v128.store align=1
          (local.get $address)
          (local.get $sum0))
        (v128.store offset=16 align=1
          (local.get $address)
          (local.get $sum1))
        (local.set $address
          (i32.add
            (i32.add
              (local.get $parameters)
              (i32.mul
                (local.get $rowBytes)
                (i32.const 10)))
            (i32.add
              (local.get $c)
              (local.get $c))))
        (v128.store align=1
          (local.get $address)
          (local.get $squares0))
        (v128.store offset=16 align=1
          (local.get $address)
          (local.get $squares1))
        (local.set $c
          (i32.add
            (local.get $c)
            (local.get $sixteen)))
        (br $repeat1))))
  (func $forward (export "forward") (type $forward) (param $pointer0 i32) (param $pointer1 i32) (param $pointer2 i32) (param $parameters i32) (param $rowBytes i32) (param $sampleBytes i32)
    (local $c i32) (local $p i32) (local $end i32) (local $address i32) (local $sixteen i32) (local $meanHigh v128) (local $meanLow v128) (local $scale v128) (local $bias v128) (local $n v128) (local $exponentArgument v128) (local $exponentK v128) (local $exponentR v128) (local $sigmoid v128) (local $t v128) (local $centred v128) (local $dn v128)
    (local.set $sixteen
      (i32.const 16))
    (local.set $c
      (i32.const 0))
    (block $exit0
      (loop $repeat1
        (br_if $exit0
          (i32.ge_u
            (local.get $c)
            (local.get $rowBytes)))
        (local.set $meanHigh
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 0)))
              (local.get $c))))
        (local.set $meanLow
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 1)))
              (local.get $c))))
        (local.set $scale
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 2)))
              (local.get $c))))
        (local.set $bias
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 3)))
              (local.get $c))))
        (local.set $p
          (local.get $c))
        (local.set $end
          (i32.add
            (local.get $c)
            (local.get $sampleBytes)))
        (block $exit2
          (loop $repeat3
            (br_if $exit2
              (i32.ge_u
                (local.get $p)
                (local.get $end)))
            (local.set $n
              (f32x4.add
                (f32x4.mul
                  (f32x4.sub
                    (f32x4.sub
                      (v128.load align=1
                        (i32.add
                          (local.get $pointer0)
                          (local.get $p)))
                      (local.get $meanHigh))
                    (local.get $meanLow))
                  (local.get $scale))
                (local.get $bias)))
            (v128.store align=1
              (i32.add
                (local.get $pointer1)
                (local.get $p))
              (local.get $n))
            (local.set $p
              (i32.add
                (local.get $p)
                (local.get $rowBytes)))
            (br $repeat3)))
        (local.set $c
          (i32.add
            (local.get $c)
            (local.get $sixteen)))
        (br $repeat1))))
  (func $forwardSilu (export "forwardSilu") (type $forwardSilu) (param $pointer0 i32) (param $pointer1 i32) (param $pointer2 i32) (param $parameters i32) (param $rowBytes i32) (param $sampleBytes i32)
    (local $c i32) (local $p i32) (local $end i32) (local $address i32) (local $sixteen i32) (local $meanHigh v128) (local $meanLow v128) (local $scale v128) (local $bias v128) (local $n v128) (local $exponentArgument v128) (local $exponentK v128) (local $exponentR v128) (local $sigmoid v128) (local $t v128) (local $centred v128) (local $dn v128) (local $one v128) (local $inverseFactorial2 v128) (local $inverseFactorial3 v128) (local $inverseFactorial4 v128) (local $inverseFactorial5 v128) (local $inverseFactorial6 v128) (local $inverseFactorial7 v128) (local $exponentMax v128) (local $exponentMin v128) (local $log2e v128) (local $ln2High v128) (local $ln2Low v128) (local $roundingShift v128)
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
    (local.set $sixteen
      (i32.const 16))
    (local.set $c
      (i32.const 0))
    (block $exit0
      (loop $repeat1
        (br_if $exit0
          (i32.ge_u
            (local.get $c)
            (local.get $rowBytes)))
        (local.set $meanHigh
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 0)))
              (local.get $c))))
        (local.set $meanLow
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 1)))
              (local.get $c))))
        (local.set $scale
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 2)))
              (local.get $c))))
        (local.set $bias
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 3)))
              (local.get $c))))
        (local.set $p
          (local.get $c))
        (local.set $end
          (i32.add
            (local.get $c)
            (local.get $sampleBytes)))
        (block $exit2
          (loop $repeat3
            (br_if $exit2
              (i32.ge_u
                (local.get $p)
                (local.get $end)))
            (local.set $n
              (f32x4.add
                (f32x4.mul
                  (f32x4.sub
                    (f32x4.sub
                      (v128.load align=1
                        (i32.add
                          (local.get $pointer0)
                          (local.get $p)))
                      (local.get $meanHigh))
                    (local.get $meanLow))
                  (local.get $scale))
                (local.get $bias)))
            (i32.add
              (local.get $pointer1)
              (local.get $p))
            (local.get $n)
            (local.get $one)
            (local.set $exponentArgument
              (f32x4.pmax
                (f32x4.pmin
                  (f32x4.neg
                    (local.get $n))
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
            (local.set $exponentArgument
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
                      (local.get $exponentArgument)
                      (f32x4.add
                        (f32x4.add
                          (f32x4.add
                            (local.get $inverseFactorial2)
                            (f32x4.mul
                              (local.get $exponentR)
                              (local.get $inverseFactorial3)))
                          (f32x4.mul
                            (local.get $exponentArgument)
                            (f32x4.add
                              (local.get $inverseFactorial4)
                              (f32x4.mul
                                (local.get $exponentR)
                                (local.get $inverseFactorial5)))))
                        (f32x4.mul
                          (f32x4.mul
                            (local.get $exponentArgument)
                            (local.get $exponentArgument))
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
            (local.set $p
              (i32.add
                (local.get $p)
                (local.get $rowBytes)))
            (br $repeat3)))
        (local.set $c
          (i32.add
            (local.get $c)
            (local.get $sixteen)))
        (br $repeat1))))
  (func $backwardSums (export "backwardSums") (type $backwardSums) (param $pointer0 i32) (param $pointer1 i32) (param $pointer2 i32) (param $parameters i32) (param $rowBytes i32) (param $sampleBytes i32)
    (local $c i32) (local $p i32) (local $end i32) (local $address i32) (local $sixteen i32) (local $meanHigh v128) (local $meanLow v128) (local $scale v128) (local $bias v128) (local $n v128) (local $exponentArgument v128) (local $exponentK v128) (local $exponentR v128) (local $sigmoid v128) (local $t v128) (local $centred v128) (local $dn v128) (local $sum0 v128) (local $sum1 v128) (local $sum2 v128) (local $sum3 v128)
    (local.set $sixteen
      (i32.const 16))
    (local.set $c
      (i32.const 0))
    (block $exit0
      (loop $repeat1
        (br_if $exit0
          (i32.ge_u
            (local.get $c)
            (local.get $rowBytes)))
        (local.set $meanHigh
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 0)))
              (local.get $c))))
        (local.set $meanLow
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 1)))
              (local.get $c))))
        (local.set $scale
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 2)))
              (local.get $c))))
        (local.set $bias
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 3)))
              (local.get $c))))
        (local.set $sum0
          (v128.const f32x4 0 0 0 0))
        (local.set $sum1
          (v128.const f32x4 0 0 0 0))
        (local.set $sum2
          (v128.const f32x4 0 0 0 0))
        (local.set $sum3
          (v128.const f32x4 0 0 0 0))
        (local.set $p
          (local.get $c))
        (local.set $end
          (i32.add
            (local.get $c)
            (local.get $sampleBytes)))
        (block $exit2
          (loop $repeat3
            (br_if $exit2
              (i32.ge_u
                (local.get $p)
                (local.get $end)))
            (local.set $centred
              (f32x4.sub
                (f32x4.sub
                  (v128.load align=1
                    (i32.add
                      (local.get $pointer0)
                      (local.get $p)))
                  (local.get $meanHigh))
                (local.get $meanLow)))
            (local.set $dn
              (v128.load align=1
                (i32.add
                  (local.get $pointer1)
                  (local.get $p))))
            (local.set $t
              (f32x4.mul
                (local.get $dn)
                (local.get $centred)))
            (local.set $sum0
              (f64x2.add
                (local.get $sum0)
                (f64x2.promote_low_f32x4
                  (local.get $t))))
            (local.set $sum1
              (f64x2.add
                (local.get $sum1)
                (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
                    (local.get $t)
                    (local.get $t)))))
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
            (local.set $p
              (i32.add
                (local.get $p)
                (local.get $rowBytes)))
            (br $repeat3)))
        (local.set $address
          (i32.add
            (i32.add
              (local.get $parameters)
              (i32.mul
                (local.get $rowBytes)
                (i32.const 8)))
            (i32.add
              (local.get $c)
              (local.get $c))))
        (v128.store align=1
          (local.get $address)
          (local.get $sum0))
        (v128.store offset=16 align=1
          (local.get $address)
          (local.get $sum1))
        (local.set $address
          (i32.add
            (i32.add
              (local.get $parameters)
              (i32.mul
                (local.get $rowBytes)
                (i32.const 10)))
            (i32.add
              (local.get $c)
              (local.get $c))))
        (v128.store align=1
          (local.get $address)
          (local.get $sum2))
        (v128.store offset=16 align=1
          (local.get $address)
          (local.get $sum3))
        (local.set $c
          (i32.add
            (local.get $c)
            (local.get $sixteen)))
        (br $repeat1))))
  (func $backwardSumsSilu (export "backwardSumsSilu") (type $backwardSumsSilu) (param $pointer0 i32) (param $pointer1 i32) (param $pointer2 i32) (param $parameters i32) (param $rowBytes i32) (param $sampleBytes i32)
    (local $c i32) (local $p i32) (local $end i32) (local $address i32) (local $sixteen i32) (local $meanHigh v128) (local $meanLow v128) (local $scale v128) (local $bias v128) (local $n v128) (local $exponentArgument v128) (local $exponentK v128) (local $exponentR v128) (local $sigmoid v128) (local $t v128) (local $centred v128) (local $dn v128) (local $sum0 v128) (local $sum1 v128) (local $sum2 v128) (local $sum3 v128) (local $one v128) (local $inverseFactorial2 v128) (local $inverseFactorial3 v128) (local $inverseFactorial4 v128) (local $inverseFactorial5 v128) (local $inverseFactorial6 v128) (local $inverseFactorial7 v128) (local $exponentMax v128) (local $exponentMin v128) (local $log2e v128) (local $ln2High v128) (local $ln2Low v128) (local $roundingShift v128)
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
    (local.set $sixteen
      (i32.const 16))
    (local.set $c
      (i32.const 0))
    (block $exit0
      (loop $repeat1
        (br_if $exit0
          (i32.ge_u
            (local.get $c)
            (local.get $rowBytes)))
        (local.set $meanHigh
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 0)))
              (local.get $c))))
        (local.set $meanLow
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 1)))
              (local.get $c))))
        (local.set $scale
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 2)))
              (local.get $c))))
        (local.set $bias
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 3)))
              (local.get $c))))
        (local.set $sum0
          (v128.const f32x4 0 0 0 0))
        (local.set $sum1
          (v128.const f32x4 0 0 0 0))
        (local.set $sum2
          (v128.const f32x4 0 0 0 0))
        (local.set $sum3
          (v128.const f32x4 0 0 0 0))
        (local.set $p
          (local.get $c))
        (local.set $end
          (i32.add
            (local.get $c)
            (local.get $sampleBytes)))
        (block $exit2
          (loop $repeat3
            (br_if $exit2
              (i32.ge_u
                (local.get $p)
                (local.get $end)))
            (local.set $centred
              (f32x4.sub
                (f32x4.sub
                  (v128.load align=1
                    (i32.add
                      (local.get $pointer0)
                      (local.get $p)))
                  (local.get $meanHigh))
                (local.get $meanLow)))
            (local.set $dn
              (v128.load align=1
                (i32.add
                  (local.get $pointer1)
                  (local.get $p))))
            (local.set $n
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
                    (local.get $n))
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
            (local.set $exponentArgument
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
                        (local.get $exponentArgument)
                        (f32x4.add
                          (f32x4.add
                            (f32x4.add
                              (local.get $inverseFactorial2)
                              (f32x4.mul
                                (local.get $exponentR)
                                (local.get $inverseFactorial3)))
                            (f32x4.mul
                              (local.get $exponentArgument)
                              (f32x4.add
                                (local.get $inverseFactorial4)
                                (f32x4.mul
                                  (local.get $exponentR)
                                  (local.get $inverseFactorial5)))))
                          (f32x4.mul
                            (f32x4.mul
                              (local.get $exponentArgument)
                              (local.get $exponentArgument))
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
                    (local.get $n)
                    (f32x4.sub
                      (local.get $one)
                      (local.get $sigmoid))))))
            (v128.store align=1
              (i32.add
                (local.get $pointer2)
                (local.get $p))
              (local.get $dn))
            (local.set $t
              (f32x4.mul
                (local.get $dn)
                (local.get $centred)))
            (local.set $sum0
              (f64x2.add
                (local.get $sum0)
                (f64x2.promote_low_f32x4
                  (local.get $t))))
            (local.set $sum1
              (f64x2.add
                (local.get $sum1)
                (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
                    (local.get $t)
                    (local.get $t)))))
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
            (local.set $p
              (i32.add
                (local.get $p)
                (local.get $rowBytes)))
            (br $repeat3)))
        (local.set $address
          (i32.add
            (i32.add
              (local.get $parameters)
              (i32.mul
                (local.get $rowBytes)
                (i32.const 8)))
            (i32.add
              (local.get $c)
              (local.get $c))))
        (v128.store align=1
          (local.get $address)
          (local.get $sum0))
        (v128.store offset=16 align=1
          (local.get $address)
          (local.get $sum1))
        (local.set $address
          (i32.add
            (i32.add
              (local.get $parameters)
              (i32.mul
                (local.get $rowBytes)
                (i32.const 10)))
            (i32.add
              (local.get $c)
              (local.get $c))))
        (v128.store align=1
          (local.get $address)
          (local.get $sum2))
        (v128.store offset=16 align=1
          (local.get $address)
          (local.get $sum3))
        (local.set $c
          (i32.add
            (local.get $c)
            (local.get $sixteen)))
        (br $repeat1))))
  (func $backwardApply (export "backwardApply") (type $backwardApply) (param $pointer0 i32) (param $pointer1 i32) (param $pointer2 i32) (param $parameters i32) (param $rowBytes i32) (param $sampleBytes i32)
    (local $c i32) (local $p i32) (local $end i32) (local $address i32) (local $sixteen i32) (local $meanHigh v128) (local $meanLow v128) (local $alpha v128) (local $beta v128) (local $gamma v128)
    (local.set $sixteen
      (i32.const 16))
    (local.set $c
      (i32.const 0))
    (block $exit0
      (loop $repeat1
        (br_if $exit0
          (i32.ge_u
            (local.get $c)
            (local.get $rowBytes)))
        (local.set $meanHigh
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 0)))
              (local.get $c))))
        (local.set $meanLow
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 1)))
              (local.get $c))))
        (local.set $alpha
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 4)))
              (local.get $c))))
        (local.set $beta
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 5)))
              (local.get $c))))
        (local.set $gamma
          (v128.load align=1
            (i32.add
              (i32.add
                (local.get $parameters)
                (i32.mul
                  (local.get $rowBytes)
                  (i32.const 6)))
              (local.get $c))))
        (local.set $p
          (local.get $c))
        (local.set $end
          (i32.add
            (local.get $c)
            (local.get $sampleBytes)))
        (block $exit2
          (loop $repeat3
            (br_if $exit2
              (i32.ge_u
                (local.get $p)
                (local.get $end)))
            (v128.store align=1
              (i32.add
                (local.get $pointer2)
                (local.get $p))
              (f32x4.add
                (f32x4.add
                  (f32x4.mul
                    (local.get $alpha)
                    (v128.load align=1
                      (i32.add
                        (local.get $pointer1)
                        (local.get $p))))
                  (f32x4.mul
                    (local.get $beta)
                    (f32x4.sub
                      (f32x4.sub
                        (v128.load align=1
                          (i32.add
                            (local.get $pointer0)
                            (local.get $p)))
                        (local.get $meanHigh))
                      (local.get $meanLow))))
                (local.get $gamma)))
            (local.set $p
              (i32.add
                (local.get $p)
                (local.get $rowBytes)))
            (br $repeat3)))
        (local.set $c
          (i32.add
            (local.get $c)
            (local.get $sixteen)))
        (br $repeat1)))))
