(module
;; The WebAssembly SIMD code of a strided block copy on tfjs-backend-wasm's heap, the data movement
;; of Concat and Split along an axis: `rows` runs of `count` 32-bit elements, the r-th from
;; `source + r sourceStride` to `target + r targetStride`, four elements per `v128` load / store.
;;
;; Export `copyRows(source, target, rows, count, sourceStride, targetStride)`: byte offsets and byte
;; strides; `count % 4 == 0`.
;;
;;
;; Assembled by wabt at build time (scripts/build-kernels.mjs), which also derives the shared-memory
;; variant.
  (type $copyRows (func (param i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory $memory 0)) ;; plain, or shared in the threaded build (scripts/build-kernels.mjs)
  (func $copyRows (export "copyRows") (type $copyRows) (param $source i32) (param $target i32) (param $rows i32) (param $count i32) (param $sourceStride i32) (param $targetStride i32)
    (local $offset i32) (local $end i32) (local $row i32)
    (local.set $row
      (i32.const 0))
    (block $rowDone
      (loop $rowLoop
        (br_if $rowDone
          (i32.ge_u
            (local.get $row)
            (local.get $rows)))
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
                (local.get $target)
                (local.get $offset))
              (v128.load align=1
                (i32.add
                  (local.get $source)
                  (local.get $offset))))
            (local.set $offset
              (i32.add
                (local.get $offset)
                (i32.const 16)))
            (br $offsetLoop)))
        (local.set $source
          (i32.add
            (local.get $source)
            (local.get $sourceStride)))
        (local.set $target
          (i32.add
            (local.get $target)
            (local.get $targetStride)))
        (local.set $row
          (i32.add
            (local.get $row)
            (i32.const 1)))
        (br $rowLoop)))))
