/* Native carrier (C ABI, see native-abi.md): llmb_plugin_abi_version / exports / call / free. */
#ifdef LLMB_NATIVE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provider.h"

#define LLMB_API __attribute__((visibility("default")))

static int32_t plain_error(const char *msg, uint8_t **output, size_t *output_len) {
  size_t n = strlen(msg);
  uint8_t *p = (uint8_t *)malloc(n);
  if (p) memcpy(p, msg, n);
  *output = p;
  *output_len = p ? n : 0;
  return -1;
}

LLMB_API uint32_t llmb_plugin_abi_version(void) { return 1; }

LLMB_API const char *llmb_plugin_exports(void) { return llmb_exports_json; }

LLMB_API int32_t llmb_plugin_call(const char *function, const uint8_t *input, size_t input_len, uint8_t **output,
                                  size_t *output_len) {
  if (!output || !output_len) return -1;
  *output = NULL;
  *output_len = 0;
  if (!function) return plain_error("function name is NULL", output, output_len);
  if (!input && input_len) return plain_error("input is NULL", output, output_len);
  llmb_fn fn = llmb_find(function);
  if (!fn) {
    char msg[160];
    snprintf(msg, sizeof msg, "unknown plugin function '%.100s'", function);
    return plain_error(msg, output, output_len);
  }
  return llmb_invoke(fn, input ? input : (const uint8_t *)"", input_len, output, output_len);
}

LLMB_API void llmb_plugin_free(uint8_t *buffer, size_t length) {
  (void)length;
  free(buffer);
}

void llmb_carrier_log(int level, const char *msg, size_t len) {
  static const char *const names[] = {"", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"};
  if (level < 1) level = 1;
  if (level > 5) level = 5;
  fprintf(stderr, "[%s %s] %.*s\n", LLMB_PROVIDER_NAME, names[level], (int)len, msg);
}

#endif /* LLMB_NATIVE */
