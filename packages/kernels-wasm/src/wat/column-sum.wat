(module
;; The WebAssembly SIMD code of a sum over every axis but the last (a bias gradient:
;; `db[c] = sum_rows dy[row, c]`) on tfjs-backend-wasm's heap, four columns per f32x4 lane group.
;; Each block of `blockRows` rows is summed into `partial` and then added to `total`, so that a
;; float32 sum of n rows carries about (blockRows + n / blockRows) roundings instead of n.
;;
;; Export `columnSums(x, total, partial, rows, columns, blockRows)`: byte offsets into the heap;
;; `columns % 4 == 0`; `total` and `partial` hold `columns` floats each and are overwritten.
;;
;;
;; Assembled by wabt at build time (scripts/build-kernels.mjs), which also derives the shared-memory
;; variant.
  (type $columnSums (func (param i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory $memory 0)) ;; plain, or shared in the threaded build (scripts/build-kernels.mjs)
  (func $columnSums (export "columnSums") (type $columnSums) (param $x i32) (param $total i32) (param $partial i32) (param $rows i32) (param $columns i32) (param $blockRows i32)
    (local $offset i32) (local $end i32) (local $row i32) (local $blockEnd i32) (local $rowPointer i32) (local $rowBytes i32)
    (local.set $rowBytes
      (i32.mul
        (local.get $columns)
        (i32.const 4)))
    (local.set $end
      (i32.shl
        (i32.and
          (local.get $columns)
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
            (local.get $total)
            (local.get $offset))
          (v128.const f32x4 0 0 0 0))
        (local.set $offset
          (i32.add
            (local.get $offset)
            (i32.const 16)))
        (br $offsetLoop)))
    (local.set $rowPointer
      (local.get $x))
    (local.set $row
      (i32.const 0))
    (block $rowDone
      (loop $rowLoop
        (br_if $rowDone
          (i32.ge_u
            (local.get $row)
            (local.get $rows)))
        (local.set $blockEnd
          (i32.add
            (local.get $row)
            (local.get $blockRows)))
        (local.set $blockEnd
          (select
            (local.get $blockEnd)
            (local.get $rows)
            (i32.lt_s
              (local.get $blockEnd)
              (local.get $rows))))
        (local.set $end
          (i32.shl
            (i32.and
              (local.get $columns)
              (i32.const -4))
            (i32.const 2)))
        (local.set $offset
          (i32.const 0))
        (block $offset2Done
          (loop $offset2Loop
            (br_if $offset2Done
              (i32.ge_u
                (local.get $offset)
                (local.get $end)))
            (v128.store align=1
              (i32.add
                (local.get $partial)
                (local.get $offset))
              (v128.const f32x4 0 0 0 0))
            (local.set $offset
              (i32.add
                (local.get $offset)
                (i32.const 16)))
            (br $offset2Loop)))
        (block $row2Done
          (loop $row2Loop
            (br_if $row2Done
              (i32.ge_u
                (local.get $row)
                (local.get $blockEnd)))
            (local.set $end
              (i32.shl
                (i32.and
                  (local.get $columns)
                  (i32.const -4))
                (i32.const 2)))
            (local.set $offset
              (i32.const 0))
            (block $offset3Done
              (loop $offset3Loop
                (br_if $offset3Done
                  (i32.ge_u
                    (local.get $offset)
                    (local.get $end)))
                (v128.store align=1
                  (i32.add
                    (local.get $partial)
                    (local.get $offset))
                  (f32x4.add
                    (v128.load align=1
                      (i32.add
                        (local.get $partial)
                        (local.get $offset)))
                    (v128.load align=1
                      (i32.add
                        (local.get $rowPointer)
                        (local.get $offset)))))
                (local.set $offset
                  (i32.add
                    (local.get $offset)
                    (i32.const 16)))
                (br $offset3Loop)))
            (local.set $rowPointer
              (i32.add
                (local.get $rowPointer)
                (local.get $rowBytes)))
            (local.set $row
              (i32.add
                (local.get $row)
                (i32.const 1)))
            (br $row2Loop)))
        (local.set $end
          (i32.shl
            (i32.and
              (local.get $columns)
              (i32.const -4))
            (i32.const 2)))
        (local.set $offset
          (i32.const 0))
        (block $offset4Done
          (loop $offset4Loop
            (br_if $offset4Done
              (i32.ge_u
                (local.get $offset)
                (local.get $end)))
            (v128.store align=1
              (i32.add
                (local.get $total)
                (local.get $offset))
              (f32x4.add
                (v128.load align=1
                  (i32.add
                    (local.get $total)
                    (local.get $offset)))
                (v128.load align=1
                  (i32.add
                    (local.get $partial)
                    (local.get $offset)))))
            (local.set $offset
              (i32.add
                (local.get $offset)
                (i32.const 16)))
            (br $offset4Loop)))
        (br $rowLoop)))))
