;; A plugin that misbehaves on purpose, for the sandbox tests: it loops, traps, eats memory, or keeps a core busy; it
;; looks for the host's environment and files; it asks the host to fetch from anywhere; and one export tells where the
;; host's memory blocks are.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u64" (func $store_u64 (param i64 i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "length" (func $length (param i64) (result i64)))
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/user" "qmt_http_request" (func $qmt_http_request (param i64) (result i64)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)

  ;; Outputs a u64: how many environment variables WASI shows the plugin.
  (func (export "env_count") (result i32)
    (local $offset i64)
    (drop (call $environ_sizes_get (i32.const 0) (i32.const 8)))
    (local.set $offset (call $alloc (i64.const 8)))
    (call $store_u64 (local.get $offset) (i64.extend_i32_u (i32.load (i32.const 0))))
    (call $output_set (local.get $offset) (i64.const 8))
    (i32.const 0))

  ;; Outputs a u64: how many directories WASI opened for the plugin (file descriptors 3 and up with a prestat).
  (func (export "preopen_count") (result i32)
    (local $fd i32)
    (local $count i64)
    (local $offset i64)
    (local.set $fd (i32.const 3))
    (block $done
      (loop $next
        (br_if $done (i32.ne (call $fd_prestat_get (local.get $fd) (i32.const 0)) (i32.const 0)))
        (local.set $count (i64.add (local.get $count) (i64.const 1)))
        (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
        (br $next)))
    (local.set $offset (call $alloc (i64.const 8)))
    (call $store_u64 (local.get $offset) (local.get $count))
    (call $output_set (local.get $offset) (i64.const 8))
    (i32.const 0))

  ;; Sends its input (a QueryMT request envelope) through qmt_http_request and outputs the response envelope.
  (func (export "fetch") (result i32)
    (local $request i64)
    (local $i i64)
    (local $n i64)
    (local $response i64)
    (local.set $n (call $input_length))
    (local.set $request (call $alloc (local.get $n)))
    (block $copied
      (loop $copy
        (br_if $copied (i64.ge_u (local.get $i) (local.get $n)))
        (call $store_u8 (i64.add (local.get $request) (local.get $i)) (call $input_load_u8 (local.get $i)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $copy)))
    (local.set $response (call $qmt_http_request (local.get $request)))
    (call $output_set (local.get $response) (call $length (local.get $response)))
    (i32.const 0))

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
