(module
;; The WebAssembly SIMD code of float32 sine and cosine (the sinusoidal time embeddings), four
;; lanes at a time, after Cephes' `sinf` / `cosf` (Moshier 1989): `k = nearest(x 2/pi)`, the
;; reduced argument `r = x - k pi/2` by Cody & Waite (1980) with pi/2 split into three parts (exact
;; products `k P1` and `k P2` for |k| < 2^12), then `sin(x + q pi/2)` for quadrant `q = k + offset` (0 for
;; sine, 1 for cosine) is `±sin r` or `±cos r` on |r| <= pi/4 by Cephes' minimax polynomials.
;; Within 1e-7 of sin / cos for |x| <= 2^12, where `k` has at most 12 bits and `k P2` (P2 has 12)
;; is exact too (the kernel checks the range).
;;
;; Export `sine(x, y, count, offset)`: byte offsets; the first `count & ~3` elements.
;;
;;
;; Assembled by wabt at build time (scripts/build-kernels.mjs), which also derives the shared-memory
;; variant.
  (type $sine (func (param i32 i32 i32 i32)))
  (import "env" "memory" (memory $memory 0)) ;; plain, or shared in the threaded build (scripts/build-kernels.mjs)
  (func $sine (export "sine") (type $sine) (param $x i32) (param $y i32) (param $count i32) (param $quarterTurns i32)
    (local $offset i32) (local $end i32) (local $argument v128) (local $quadrant v128) (local $reduced v128) (local $reducedSquared v128) (local $sineOfReduced v128) (local $cosineOfReduced v128) (local $quadrantBits v128)
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
        (i32.add
          (local.get $y)
          (local.get $offset))
        (local.set $argument
          (v128.load align=1
            (i32.add
              (local.get $x)
              (local.get $offset))))
        (local.set $quadrant
          (f32x4.nearest
            (f32x4.mul
              (local.get $argument)
              (v128.const f32x4 0.63661975 0.63661975 0.63661975 0.63661975))))
        (local.set $reduced
          (f32x4.sub
            (f32x4.sub
              (f32x4.sub
                (local.get $argument)
                (f32x4.mul
                  (local.get $quadrant)
                  (v128.const f32x4 1.5703125 1.5703125 1.5703125 1.5703125)))
              (f32x4.mul
                (local.get $quadrant)
                (v128.const f32x4 0.0004837513 0.0004837513 0.0004837513 0.0004837513)))
            (f32x4.mul
              (local.get $quadrant)
              (v128.const f32x4 7.54979e-08 7.54979e-08 7.54979e-08 7.54979e-08))))
        (local.set $reducedSquared
          (f32x4.mul
            (local.get $reduced)
            (local.get $reduced)))
        (local.set $sineOfReduced
          (f32x4.add
            (f32x4.mul
              (f32x4.mul
                (f32x4.add
                  (f32x4.mul
                    (f32x4.add
                      (f32x4.mul
                        (v128.const f32x4 -0.00019515296 -0.00019515296 -0.00019515296 -0.00019515296)
                        (local.get $reducedSquared))
                      (v128.const f32x4 0.008332161 0.008332161 0.008332161 0.008332161))
                    (local.get $reducedSquared))
                  (v128.const f32x4 -0.16666655 -0.16666655 -0.16666655 -0.16666655))
                (local.get $reducedSquared))
              (local.get $reduced))
            (local.get $reduced)))
        (local.set $cosineOfReduced
          (f32x4.add
            (f32x4.sub
              (f32x4.mul
                (f32x4.mul
                  (f32x4.add
                    (f32x4.mul
                      (f32x4.add
                        (f32x4.mul
                          (v128.const f32x4 2.4433157e-05 2.4433157e-05 2.4433157e-05 2.4433157e-05)
                          (local.get $reducedSquared))
                        (v128.const f32x4 -0.0013887316 -0.0013887316 -0.0013887316 -0.0013887316))
                      (local.get $reducedSquared))
                    (v128.const f32x4 0.041666646 0.041666646 0.041666646 0.041666646))
                  (local.get $reducedSquared))
                (local.get $reducedSquared))
              (f32x4.mul
                (local.get $reducedSquared)
                (v128.const f32x4 0.5 0.5 0.5 0.5)))
            (v128.const f32x4 1 1 1 1)))
        (local.set $quadrantBits
          (i32x4.add
            (i32x4.trunc_sat_f32x4_s
              (local.get $quadrant))
            (i32x4.splat
              (local.get $quarterTurns))))
        (v128.xor
          (v128.bitselect
            (local.get $cosineOfReduced)
            (local.get $sineOfReduced)
            (i32x4.shr_s
              (i32x4.shl
                (local.get $quadrantBits)
                (i32.const 31))
              (i32.const 31)))
          (i32x4.shl
            (i32x4.shr_s
              (local.get $quadrantBits)
              (i32.const 1))
            (i32.const 31)))
        (v128.store align=1)
        (local.set $offset
          (i32.add
            (local.get $offset)
            (i32.const 16)))
        (br $offsetLoop)))))
