(module
;; The smallest modules that tell what an engine compiles (wasm-simd-module.ts validates them once):
;; `simd` needs fixed-width SIMD, `relaxedSimd` relaxed SIMD's `f32x4.relaxed_madd` (WebAssembly 3.0;
;; V8 11.4: Chrome 114+, Node 22+; Node 20 with `--experimental-wasm-relaxed-simd`). The build's
;; `relaxed` variant keeps the relaxed instruction; its `plain` one has a multiply and an add.
  (import "env" "memory" (memory $memory 0)) ;; plain, or shared (scripts/build-kernels.mjs)
  (func $simd (export "simd") (result v128)
    (i32x4.splat (i32.const 0)))
  (func $relaxedSimd (export "relaxedSimd") (param $a v128) (param $b v128) (param $c v128) (result v128)
    (f32x4.relaxed_madd (local.get $a) (local.get $b) (local.get $c))))
