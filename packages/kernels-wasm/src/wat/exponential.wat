(module
;; e^v on four float32 lanes, the exponential that the GroupNorm + SiLU and bias + SiLU kernels inline
;; (group-norm.wat, bias-silu.wat), as a module of its own for the tests: export
;; `exp(source, target, count)` over the first `count & ~3` floats at byte offsets.
;;
;; Cody & Waite (1980) range reduction as in Muller, Elementary Functions (2016) §11.1:
;; `k = nearest(v log2 e)`, `r = v - k ln2High - k ln2Low` (|r| <= ln 2 / 2), e^r by its Taylor
;; polynomial to r^7 (remainder < 0.347^8 / 8! = 5e-9) as `1 + (r + r^2 w(r))` with w by Estrin's
;; scheme (Muller 2016 §5.1: pairs `t0 + r t1`, then pairs of pairs with r^2, then r^4), times 2^k by
;; adding `k << 23` to the float32 bits (the bits of k + 1.5 2^23 shifted left by 23: exact for
;; |k| < 2^22). v is clamped to [-86.6, 88.3], where the result is finite and normal.
;; ln2High = 355 / 512 (k ln2High is exact in float32 for |k| < 2^15), ln2Low = ln 2 - ln2High.
;;
;; Assembled by wabt at build time (scripts/build-kernels.mjs).
  (type $exp (func (param i32 i32 i32)))
  (import "env" "memory" (memory $memory 0)) ;; plain, or shared in the threaded build (scripts/build-kernels.mjs)
  (func $exp (export "exp") (type $exp) (param $source i32) (param $target i32) (param $count i32)
    (local $offset i32) (local $end i32) (local $v v128) (local $k v128) (local $r v128)
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
          (local.get $target)
          (local.get $offset))
        (local.set $v
          (f32x4.pmax
            (f32x4.pmin
              (v128.load align=1
                (i32.add
                  (local.get $source)
                  (local.get $offset)))
              (v128.const f32x4 88.3 88.3 88.3 88.3))
            (v128.const f32x4 -86.6 -86.6 -86.6 -86.6)))
        (local.set $k
          (f32x4.nearest
            (f32x4.mul
              (local.get $v)
              (v128.const f32x4 1.442695 1.442695 1.442695 1.442695))))
        (local.set $r
          (f32x4.sub
            (f32x4.sub
              (local.get $v)
              (f32x4.mul
                (local.get $k)
                (v128.const f32x4 0.6933594 0.6933594 0.6933594 0.6933594)))
            (f32x4.mul
              (local.get $k)
              (v128.const f32x4 -0.00021219444 -0.00021219444 -0.00021219444 -0.00021219444))))
        (local.set $v
          (f32x4.mul
            (local.get $r)
            (local.get $r)))
        (i32x4.add
          (f32x4.add
            (v128.const f32x4 1 1 1 1)
            (f32x4.add
              (local.get $r)
              (f32x4.mul
                (local.get $v)
                (f32x4.add
                  (f32x4.add
                    (f32x4.add
                      (v128.const f32x4 0.5 0.5 0.5 0.5)
                      (f32x4.mul
                        (local.get $r)
                        (v128.const f32x4 0.16666667 0.16666667 0.16666667 0.16666667)))
                    (f32x4.mul
                      (local.get $v)
                      (f32x4.add
                        (v128.const f32x4 0.041666668 0.041666668 0.041666668 0.041666668)
                        (f32x4.mul
                          (local.get $r)
                          (v128.const f32x4 0.008333334 0.008333334 0.008333334 0.008333334)))))
                  (f32x4.mul
                    (f32x4.mul
                      (local.get $v)
                      (local.get $v))
                    (f32x4.add
                      (v128.const f32x4 0.0013888889 0.0013888889 0.0013888889 0.0013888889)
                      (f32x4.mul
                        (local.get $r)
                        (v128.const f32x4 0.0001984127 0.0001984127 0.0001984127 0.0001984127))))))))
          (i32x4.shl
            (f32x4.add
              (local.get $k)
              (v128.const f32x4 12582912 12582912 12582912 12582912))
            (i32.const 23)))
        (v128.store align=1)
        (local.set $offset
          (i32.add
            (local.get $offset)
            (i32.const 16)))
        (br $offsetLoop)))))
