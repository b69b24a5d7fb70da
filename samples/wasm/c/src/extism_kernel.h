/* Extism kernel imports (module "extism:host/env"), declared by hand for clang's wasm32 target.
 * Memory handles/offsets are u64 values into the Extism kernel's memory, not pointers into ours. */
#ifndef LLMB_EXTISM_KERNEL_H
#define LLMB_EXTISM_KERNEL_H
#include <stdint.h>

#define LLMB_EXTISM_ENV(sym) __attribute__((import_module("extism:host/env"), import_name(#sym)))

LLMB_EXTISM_ENV(input_length) uint64_t ext_input_length(void);
LLMB_EXTISM_ENV(input_load_u8) uint32_t ext_input_load_u8(uint64_t offset);
LLMB_EXTISM_ENV(input_load_u64) uint64_t ext_input_load_u64(uint64_t offset);
LLMB_EXTISM_ENV(alloc) uint64_t ext_alloc(uint64_t length);
LLMB_EXTISM_ENV(free) void ext_free(uint64_t handle);
LLMB_EXTISM_ENV(store_u8) void ext_store_u8(uint64_t offset, uint32_t value);
LLMB_EXTISM_ENV(store_u64) void ext_store_u64(uint64_t offset, uint64_t value);
LLMB_EXTISM_ENV(output_set) void ext_output_set(uint64_t handle, uint64_t length);
LLMB_EXTISM_ENV(error_set) void ext_error_set(uint64_t handle);
LLMB_EXTISM_ENV(log_error) void ext_log_error(uint64_t handle);
LLMB_EXTISM_ENV(log_warn) void ext_log_warn(uint64_t handle);
LLMB_EXTISM_ENV(log_info) void ext_log_info(uint64_t handle);
LLMB_EXTISM_ENV(log_debug) void ext_log_debug(uint64_t handle);

#endif
