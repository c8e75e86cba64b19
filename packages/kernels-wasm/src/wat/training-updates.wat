(module
;; The AdamW and EMA loops as a tiny WebAssembly SIMD module that runs on tfjs-backend-wasm's own
;; memory (byte offsets of its tensors), four float32 lanes at a time. Each lane does the same IEEE
;; float32 operations in the same order as the JavaScript loops (and the composed tfjs ops), so the
;; results are bit-equal; elements past the last multiple of 4 are left to the JavaScript loop.
;; Pointers are byte offsets into the heap; `count` is in elements.
;;
;; `adam(weight, gradient, firstMoment, secondMoment, nextWeight, nextFirstMoment, nextSecondMoment,
;; count, beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon, stepSize, secondScale, decay,
;; gradientScale)`: AdamW (Kingma & Ba 2015, Algorithm 1, with the bias corrections folded into
;; `stepSize = learningRate / (1 - beta1^t)` and `secondScale = 1 / sqrt(1 - beta2^t)`; decoupled
;; weight decay `decay = 1 - learningRate weightDecay`, Loshchilov & Hutter 2019, Algorithm 2):
;;   g = gradientScale gradient,  m' = beta1 m + (1 - beta1) g,  v' = beta2 v + (1 - beta2) g^2,
;;   w' = decay w - stepSize m' / (sqrt(v') secondScale + epsilon).
;; `ema(average, weight, nextAverage, count, keepShare, newShare)`: the exponential moving average
;;   of the weights, average' = keepShare average + newShare weight (keepShare = the EMA decay).
;; `sumSquares(x, count, sums)`: adds sum x^2, in float64 lanes, to the f64x2 at `sums` (the
;;   gradient norm of clipping, summed over every tensor).
;;
;; Assembled by wabt at build time (scripts/build-kernels.mjs), which also derives the shared-memory
;; variant.
  (type $adam (func (param i32 i32 i32 i32 i32 i32 i32 i32 f32 f32 f32 f32 f32 f32 f32 f32 f32)))
  (type $ema (func (param i32 i32 i32 i32 f32 f32)))
  (type $sumSquares (func (param i32 i32 i32)))
  (import "env" "memory" (memory $memory 0)) ;; plain, or shared in the threaded build (scripts/build-kernels.mjs)
  (func $adam (export "adam") (type $adam) (param $weight i32) (param $gradient i32) (param $firstMoment i32) (param $secondMoment i32) (param $nextWeight i32) (param $nextFirstMoment i32) (param $nextSecondMoment i32) (param $count i32) (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32) (param $oneMinusBeta2 f32) (param $epsilon f32) (param $stepSize f32) (param $secondScale f32) (param $decay f32) (param $gradientScale f32)
    (local $offset i32) (local $end i32) (local $beta1s v128) (local $oneMinusBeta1s v128) (local $beta2s v128) (local $oneMinusBeta2s v128) (local $epsilons v128) (local $stepSizes v128) (local $secondScales v128) (local $decays v128) (local $gradientScales v128) (local $scaledGradient v128) (local $first v128) (local $second v128)
    (local.set $beta1s
      (f32x4.splat
        (local.get $beta1)))
    (local.set $oneMinusBeta1s
      (f32x4.splat
        (local.get $oneMinusBeta1)))
    (local.set $beta2s
      (f32x4.splat
        (local.get $beta2)))
    (local.set $oneMinusBeta2s
      (f32x4.splat
        (local.get $oneMinusBeta2)))
    (local.set $epsilons
      (f32x4.splat
        (local.get $epsilon)))
    (local.set $stepSizes
      (f32x4.splat
        (local.get $stepSize)))
    (local.set $secondScales
      (f32x4.splat
        (local.get $secondScale)))
    (local.set $decays
      (f32x4.splat
        (local.get $decay)))
    (local.set $gradientScales
      (f32x4.splat
        (local.get $gradientScale)))
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
        (local.set $scaledGradient
          (f32x4.mul
            (v128.load align=1
              (i32.add
                (local.get $gradient)
                (local.get $offset)))
            (local.get $gradientScales)))
        (local.set $first
          (f32x4.add
            (f32x4.mul
              (v128.load align=1
                (i32.add
                  (local.get $firstMoment)
                  (local.get $offset)))
              (local.get $beta1s))
            (f32x4.mul
              (local.get $scaledGradient)
              (local.get $oneMinusBeta1s))))
        (local.set $second
          (f32x4.add
            (f32x4.mul
              (v128.load align=1
                (i32.add
                  (local.get $secondMoment)
                  (local.get $offset)))
              (local.get $beta2s))
            (f32x4.mul
              (f32x4.mul
                (local.get $scaledGradient)
                (local.get $scaledGradient))
              (local.get $oneMinusBeta2s))))
        (v128.store align=1
          (i32.add
            (local.get $nextFirstMoment)
            (local.get $offset))
          (local.get $first))
        (v128.store align=1
          (i32.add
            (local.get $nextSecondMoment)
            (local.get $offset))
          (local.get $second))
        (v128.store align=1
          (i32.add
            (local.get $nextWeight)
            (local.get $offset))
          (f32x4.sub
            (f32x4.mul
              (v128.load align=1
                (i32.add
                  (local.get $weight)
                  (local.get $offset)))
              (local.get $decays))
            (f32x4.div
              (f32x4.mul
                (local.get $first)
                (local.get $stepSizes))
              (f32x4.add
                (f32x4.mul
                  (f32x4.sqrt
                    (local.get $second))
                  (local.get $secondScales))
                (local.get $epsilons)))))
        (local.set $offset
          (i32.add
            (local.get $offset)
            (i32.const 16)))
        (br $offsetLoop))))
  (func $ema (export "ema") (type $ema) (param $average i32) (param $weight i32) (param $nextAverage i32) (param $count i32) (param $keepShare f32) (param $newShare f32)
    (local $offset i32) (local $end i32) (local $keepShares v128) (local $newShares v128)
    (local.set $keepShares
      (f32x4.splat
        (local.get $keepShare)))
    (local.set $newShares
      (f32x4.splat
        (local.get $newShare)))
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
            (local.get $nextAverage)
            (local.get $offset))
          (f32x4.add
            (f32x4.mul
              (v128.load align=1
                (i32.add
                  (local.get $average)
                  (local.get $offset)))
              (local.get $keepShares))
            (f32x4.mul
              (v128.load align=1
                (i32.add
                  (local.get $weight)
                  (local.get $offset)))
              (local.get $newShares))))
        (local.set $offset
          (i32.add
            (local.get $offset)
            (i32.const 16)))
        (br $offsetLoop))))
  (func $sumSquares (export "sumSquares") (type $sumSquares) (param $x i32) (param $count i32) (param $sums i32)
    (local $offset i32) (local $end i32) (local $value v128) (local $low v128) (local $high v128) (local $part v128)
    (local.set $low
      (v128.const f32x4 0 0 0 0))
    (local.set $high
      (v128.const f32x4 0 0 0 0))
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
        (local.set $value
          (v128.load align=1
            (i32.add
              (local.get $x)
              (local.get $offset))))
        (local.set $part
          (f64x2.promote_low_f32x4
            (local.get $value)))
        (local.set $low
          (f64x2.add
            (local.get $low)
            (f64x2.mul
              (local.get $part)
              (local.get $part))))
        (local.set $part
          (f64x2.promote_low_f32x4
            (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
              (local.get $value)
              (local.get $value))))
        (local.set $high
          (f64x2.add
            (local.get $high)
            (f64x2.mul
              (local.get $part)
              (local.get $part))))
        (local.set $offset
          (i32.add
            (local.get $offset)
            (i32.const 16)))
        (br $offsetLoop)))
    (v128.store
      (local.get $sums)
      (f64x2.add
        (f64x2.add
          (v128.load
            (local.get $sums))
          (local.get $low))
        (local.get $high)))))
