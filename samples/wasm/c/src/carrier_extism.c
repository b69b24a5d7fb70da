/* Extism carrier: one Wasm export per plugin function, `int32_t fn(void)`, reading the Extism input and setting the
 * output (return 0) or the error text (return 1 = structured {"payload":…}, -1 = plain text). */
#ifndef LLMB_NATIVE

#include <stdlib.h>
#include <string.h>

#include "extism_kernel.h"
#include "provider.h"

/* Copies bytes into a new Extism memory block. */
static uint64_t store_block(const uint8_t *p, size_t n) {
  uint64_t h = ext_alloc((uint64_t)n);
  if (!h) return 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    ext_store_u64(h + i, w);
  }
  for (; i < n; i++) ext_store_u8(h + i, p[i]);
  return h;
}

static void set_error_text(const char *msg) {
  uint64_t h = store_block((const uint8_t *)msg, strlen(msg));
  if (h) ext_error_set(h);
}

static int32_t run_export(llmb_fn fn) {
  uint64_t n64 = ext_input_length();
  if (n64 > (uint64_t)SIZE_MAX - 8) { set_error_text("input too large"); return -1; }
  size_t n = (size_t)n64;
  uint8_t *in = (uint8_t *)malloc(n ? n : 1);
  if (!in) { set_error_text("out of memory"); return -1; }
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w = ext_input_load_u64(i);
    memcpy(in + i, &w, 8);
  }
  for (; i < n; i++) in[i] = (uint8_t)ext_input_load_u8(i);

  uint8_t *out = NULL;
  size_t out_len = 0;
  int32_t rc = llmb_invoke(fn, in, n, &out, &out_len);
  free(in);
  if (rc == 0) {
    if (out_len) {
      uint64_t h = store_block(out, out_len);
      if (!h) { free(out); set_error_text("out of memory"); return -1; }
      ext_output_set(h, out_len);
    }
  } else {
    uint64_t h = store_block(out, out_len);
    if (h) ext_error_set(h);
  }
  free(out);
  return rc;
}

void llmb_carrier_log(int level, const char *msg, size_t len) {
  uint64_t h = store_block((const uint8_t *)msg, len);
  if (!h) return;
  if (level <= 1) ext_log_error(h);
  else if (level == 2) ext_log_warn(h);
  else if (level == 3) ext_log_info(h);
  else ext_log_debug(h);
  ext_free(h);
}

#define LLMB_WASM_EXPORT(n) \
  __attribute__((export_name(#n))) int32_t llmb_export_##n(void) { return run_export(llmb_fn_##n); }
LLMB_FUNCTIONS(LLMB_WASM_EXPORT)

#endif /* !LLMB_NATIVE */
