;; Extism's kernel: the memory a plugin's input, output, errors and host-function values travel through, and the
;; functions a plugin kit imports from `extism:host/env` to use it. It is linked beside every plugin instance (one per
;; store), so a plugin's many small loads and stores are WebAssembly-to-WebAssembly calls, not calls into .NET.
;;
;; Blocks: an allocation of n bytes is an 8-byte header holding n, then the bytes (rounded up to 8). Offsets are i64 as
;; Extism's ABI has them; 0 is "no block". Allocation is a bump pointer that the host resets before every call (Extism's
;; own runtime resets its kernel before every call too, so no block outlives the call that made it); `free` gives back
;; the newest block, which covers the allocate-copy-free pattern of the plugin kits.
(module
  (memory (export "memory") 1)

  ;; The first block's header is at 8, so no block starts at 0.
  (global $top (mut i64) (i64.const 8))
  (global $newest (mut i64) (i64.const 0))
  (global $input_offset (mut i64) (i64.const 0))
  (global $input_length (mut i64) (i64.const 0))
  (global $output_offset (mut i64) (i64.const 0))
  (global $output_length (mut i64) (i64.const 0))
  (global $error (mut i64) (i64.const 0))

  (func $alloc (export "alloc") (param $n i64) (result i64)
    (local $p i64)
    (local $end i64)
    (local $missing i64)
    (if (i64.eqz (local.get $n)) (then (return (i64.const 0))))
    ;; Nothing larger than a 32-bit memory can hold.
    (if (i64.gt_u (local.get $n) (i64.const 0xFFFF0000)) (then (unreachable)))
    (local.set $p (i64.add (global.get $top) (i64.const 8)))
    (local.set $end (i64.add (local.get $p) (i64.and (i64.add (local.get $n) (i64.const 7)) (i64.const -8))))
    (if (i64.gt_u (local.get $end) (i64.const 0xFFFF0000)) (then (unreachable)))
    (local.set $missing (i64.sub (local.get $end) (i64.shl (i64.extend_i32_u (memory.size)) (i64.const 16))))
    (if (i64.gt_s (local.get $missing) (i64.const 0))
      (then
        ;; A refused growth (the store's memory limit) ends the call as a trap.
        (if (i32.eq
              (memory.grow (i32.wrap_i64 (i64.shr_u (i64.add (local.get $missing) (i64.const 65535)) (i64.const 16))))
              (i32.const -1))
          (then (unreachable)))))
    (i64.store (i32.wrap_i64 (global.get $top)) (local.get $n))
    (global.set $newest (local.get $p))
    (global.set $top (local.get $end))
    (local.get $p))

  (func (export "free") (param $p i64)
    (if (i32.and (i64.ne (local.get $p) (i64.const 0)) (i64.eq (local.get $p) (global.get $newest)))
      (then
        (global.set $top (i64.sub (local.get $p) (i64.const 8)))
        (global.set $newest (i64.const 0)))))

  ;; The length of a live block, or 0 for anything that is not one.
  (func $length (export "length") (param $p i64) (result i64)
    (if (i64.lt_u (local.get $p) (i64.const 16)) (then (return (i64.const 0))))
    (if (i64.ge_u (local.get $p) (global.get $top)) (then (return (i64.const 0))))
    (if (i64.ne (i64.and (local.get $p) (i64.const 7)) (i64.const 0)) (then (return (i64.const 0))))
    (i64.load (i32.wrap_i64 (i64.sub (local.get $p) (i64.const 8)))))

  (func (export "length_unsafe") (param $p i64) (result i64)
    (call $length (local.get $p)))

  (func (export "load_u8") (param $p i64) (result i32)
    (i32.load8_u (i32.wrap_i64 (local.get $p))))

  (func (export "load_u64") (param $p i64) (result i64)
    (i64.load (i32.wrap_i64 (local.get $p))))

  (func (export "store_u8") (param $p i64) (param $v i32)
    (i32.store8 (i32.wrap_i64 (local.get $p)) (local.get $v)))

  (func (export "store_u64") (param $p i64) (param $v i64)
    (i64.store (i32.wrap_i64 (local.get $p)) (local.get $v)))

  (func (export "input_set") (param $p i64) (param $n i64)
    (global.set $input_offset (local.get $p))
    (global.set $input_length (local.get $n)))

  (func (export "input_length") (result i64) (global.get $input_length))

  (func (export "input_offset") (result i64) (global.get $input_offset))

  (func (export "input_load_u8") (param $o i64) (result i32)
    (i32.load8_u (i32.wrap_i64 (i64.add (global.get $input_offset) (local.get $o)))))

  (func (export "input_load_u64") (param $o i64) (result i64)
    (i64.load (i32.wrap_i64 (i64.add (global.get $input_offset) (local.get $o)))))

  (func (export "output_set") (param $p i64) (param $n i64)
    (global.set $output_offset (local.get $p))
    (global.set $output_length (local.get $n)))

  (func (export "output_offset") (result i64) (global.get $output_offset))

  (func (export "output_length") (result i64) (global.get $output_length))

  (func (export "error_set") (param $p i64) (global.set $error (local.get $p)))

  (func (export "error_get") (result i64) (global.get $error))

  (func (export "memory_bytes") (result i64)
    (i64.shl (i64.extend_i32_u (memory.size)) (i64.const 16)))

  (func (export "reset")
    (global.set $top (i64.const 8))
    (global.set $newest (i64.const 0))
    (global.set $input_offset (i64.const 0))
    (global.set $input_length (i64.const 0))
    (global.set $output_offset (i64.const 0))
    (global.set $output_length (i64.const 0))
    (global.set $error (i64.const 0))))
