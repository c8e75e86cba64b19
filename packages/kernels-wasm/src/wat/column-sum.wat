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
    (block $exit0
      (loop $repeat1
        (br_if $exit0
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
        (br $repeat1)))
    (local.set $rowPointer
      (local.get $x))
    (local.set $row
      (i32.const 0))
    (block $exit2
      (loop $repeat3
        (br_if $exit2
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
        (block $exit4
          (loop $repeat5
            (br_if $exit4
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
            (br $repeat5)))
        (block $exit6
          (loop $repeat7
            (br_if $exit6
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
            (block $exit8
              (loop $repeat9
                (br_if $exit8
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
                (br $repeat9)))
            (local.set $rowPointer
              (i32.add
                (local.get $rowPointer)
                (local.get $rowBytes)))
            (local.set $row
              (i32.add
                (local.get $row)
                (i32.const 1)))
            (br $repeat7)))
        (local.set $end
          (i32.shl
            (i32.and
              (local.get $columns)
              (i32.const -4))
            (i32.const 2)))
        (local.set $offset
          (i32.const 0))
        (block $exit10
          (loop $repeat11
            (br_if $exit10
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
            (br $repeat11)))
        (br $repeat3)))))
