;; A plugin that misbehaves on purpose, for the sandbox tests: it loops, traps, eats memory, or keeps a core busy; and
;; one export that tells where the host's memory blocks are.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u64" (func $store_u64 (param i64 i64)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory (export "memory") 1)

  ;; Never returns.
  (func (export "spin") (result i32)
    (loop $forever (br $forever))
    (i32.const 0))

  ;; Traps at once.
  (func (export "trap") (result i32)
    unreachable)

  ;; Grows its memory 16 pages at a time until the engine refuses, then outputs the page count as a u64.
  (func (export "grow") (result i32)
    (local $offset i64)
    (block $refused
      (loop $more
        (br_if $refused (i32.eq (memory.grow (i32.const 16)) (i32.const -1)))
        (br $more)))
    (local.set $offset (call $alloc (i64.const 8)))
    (call $store_u64 (local.get $offset) (i64.extend_i32_u (memory.size)))
    (call $output_set (local.get $offset) (i64.const 8))
    (i32.const 0))

  ;; Counts to 150 million (a few hundred milliseconds of one core), then outputs nothing.
  (func (export "busy") (result i32)
    (local $i i32)
    (loop $count
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $count (i32.lt_u (local.get $i) (i32.const 150000000))))
    (i32.const 0))

  ;; Outputs, as a u64, the offset of a fresh 8-byte block of the host's Extism memory: it grows while the host keeps
  ;; every call's input and output, and starts low again after the host resets the instance.
  (func (export "next_block") (result i32)
    (local $offset i64)
    (local.set $offset (call $alloc (i64.const 8)))
    (call $store_u64 (local.get $offset) (local.get $offset))
    (call $output_set (local.get $offset) (i64.const 8))
    (i32.const 0))
)
