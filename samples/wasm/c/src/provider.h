/* Provider logic shared by the Extism (Wasm) and native carriers.
 *
 * Every plugin function takes its input bytes and writes either its output (return 0), a structured error
 * {"payload":LLMErrorPayload} (return 1) or a plain-text error (return -1) into `out`.
 */
#ifndef LLMB_PROVIDER_H
#define LLMB_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

#define LLMB_PROVIDER_NAME "openai-compatible-c"
#define LLMB_DEFAULT_BASE_URL "https://api.openai.com/v1"
#define LLMB_API_KEY_NAME "OPENAI_API_KEY"

/* The plugin functions, in export order. `name` must stay first (see llmb_exports_json). */
#define LLMB_FUNCTIONS_REST(X)                                                                                  \
  X(base_url) X(api_key_name) X(config_schema) X(init_logging) X(from_config) X(supports_streaming)             \
  X(list_models_static) X(list_models_request) X(parse_list_models_response) X(chat_request)                    \
  X(chat_stream_request) X(parse_chat_response) X(chat_stream_parser_start) X(chat_stream_parser_parse)         \
  X(chat_stream_parser_finish) X(chat_stream_parser_close) X(embed_request) X(parse_embed_response)             \
  X(complete_request) X(parse_complete_response)
#define LLMB_FUNCTIONS(X) X(name) LLMB_FUNCTIONS_REST(X)

typedef int (*llmb_fn)(const uint8_t *in, size_t len, jbuf *out);

#define LLMB_DECLARE(n) int llmb_fn_##n(const uint8_t *in, size_t len, jbuf *out);
LLMB_FUNCTIONS(LLMB_DECLARE)
#undef LLMB_DECLARE

/* JSON array of the function names (static storage). */
extern const char llmb_exports_json[];

/* Looks a function up by name (NULL if unknown). */
llmb_fn llmb_find(const char *name);

/* Runs fn and returns its code (0, 1 or -1) with the output/error bytes in a malloc'd buffer (*out may be NULL
 * when *out_len is 0 and the code is 0). Errors always carry a non-empty message. */
int32_t llmb_invoke(llmb_fn fn, const uint8_t *in, size_t len, uint8_t **out, size_t *out_len);

/* Implemented by the carrier: emit one log line (level 1=error .. 5=trace). */
void llmb_carrier_log(int level, const char *msg, size_t len);

#endif
