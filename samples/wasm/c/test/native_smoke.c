/* Native smoke test: dlopens build/libopenai_compatible.so and drives it through the llmb_plugin_* C ABI.
 *   gcc -O1 -g -pthread -o build/native_smoke test/native_smoke.c -ldl && build/native_smoke build/libopenai_compatible.so
 * Checks the version handshake and the export list, calls several functions, runs the stream parser from 4 threads at
 * once, and feeds truncated/mutated inputs to every function (run it under -fsanitize=address too). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint32_t (*abi_version_fn)(void);
typedef const char *(*exports_fn)(void);
typedef int32_t (*call_fn)(const char *, const uint8_t *, size_t, uint8_t **, size_t *);
typedef void (*free_fn)(uint8_t *, size_t);

static abi_version_fn p_version;
static exports_fn p_exports;
static call_fn p_call;
static free_fn p_free;

static int failures = 0, checks = 0;
static pthread_mutex_t report_mu = PTHREAD_MUTEX_INITIALIZER;

static void check(int ok, const char *fmt, ...) {
  pthread_mutex_lock(&report_mu);
  checks++;
  if (!ok) {
    failures++;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
  }
  pthread_mutex_unlock(&report_mu);
}

typedef struct {
  int32_t rc;
  char *text; /* NUL-terminated copy */
  size_t len;
} result;

static result call(const char *fn, const char *input, size_t len) {
  uint8_t *out = (uint8_t *)0x1; /* must be overwritten */
  size_t out_len = 12345;
  result r;
  r.rc = p_call(fn, (const uint8_t *)input, len, &out, &out_len);
  r.len = out_len;
  r.text = (char *)malloc(out_len + 1);
  if (out_len) memcpy(r.text, out, out_len);
  r.text[out_len] = 0;
  if (out_len == 0 && out != NULL) r.rc = 99; /* ABI: NULL or a buffer for empty output */
  p_free(out, out_len);
  return r;
}
static result calls(const char *fn, const char *input) { return call(fn, input, strlen(input)); }

/* Decodes the "body":[…] byte array of a request into a string. */
static char *request_body(const char *req) {
  const char *p = strstr(req, "\"body\":[");
  if (!p) return NULL;
  p += 8;
  char *out = (char *)malloc(strlen(p) + 1);
  size_t n = 0;
  while (*p && *p != ']') {
    out[n++] = (char)strtol(p, (char **)&p, 10);
    if (*p == ',') p++;
  }
  out[n] = 0;
  return out;
}

#define CFG "{\"api_key\":\"sk-test\",\"model\":\"gpt-4o-mini\",\"system\":[\"Be brief.\"]}"

static const char *const stream_lines[] = {
    ": keep-alive\n",
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"h\xc3\xa9llo \xe2\x9c\x93\"},\"finish_reason\":null}]}\n",
    "\n",
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}\n",
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}}]}\n",
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}}]}\n",
    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n",
    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n",
    "data: [DONE]\n",
    "\n",
};
#define N_LINES (sizeof stream_lines / sizeof stream_lines[0])

static char *parse_input_for(unsigned long long id, const char *line) {
  size_t n = strlen(line);
  char *buf = (char *)malloc(64 + n * 4);
  int o = sprintf(buf, "{\"parser_id\":%llu,\"chunk\":[", id);
  for (size_t i = 0; i < n; i++) o += sprintf(buf + o, "%s%u", i ? "," : "", (unsigned char)line[i]);
  sprintf(buf + o, "]}");
  return buf;
}

/* Runs one full stream; returns the concatenated chunk arrays. Records the parser id. */
static char *run_stream(unsigned long long *id_out) {
  result r = calls("chat_stream_parser_start", CFG);
  check(r.rc == 0, "parser_start rc=%d %s", r.rc, r.text);
  unsigned long long id = strtoull(r.text, NULL, 10);
  free(r.text);
  *id_out = id;
  size_t cap = 8192, len = 0;
  char *all = (char *)malloc(cap);
  all[0] = 0;
  for (size_t i = 0; i <= N_LINES; i++) {
    char *in;
    result c;
    if (i < N_LINES) {
      in = parse_input_for(id, stream_lines[i]);
      c = calls("chat_stream_parser_parse", in);
      free(in);
    } else {
      char idtxt[32];
      sprintf(idtxt, "%llu", id);
      c = calls("chat_stream_parser_finish", idtxt);
    }
    check(c.rc == 0, "stream call %zu rc=%d %s", i, c.rc, c.text);
    while (len + c.len + 1 > cap) { cap *= 2; all = (char *)realloc(all, cap); }
    memcpy(all + len, c.text, c.len);
    len += c.len;
    all[len] = 0;
    free(c.text);
  }
  char idtxt[32];
  sprintf(idtxt, "%llu", id);
  result cl = calls("chat_stream_parser_close", idtxt);
  check(cl.rc == 0 && cl.len == 0, "close rc=%d", cl.rc);
  free(cl.text);
  return all;
}

static const char *const expected_stream =
    "[][{\"chunk\":{\"text\":\"h\xc3\xa9llo \xe2\x9c\x93\"},\"usage\":null}][]"
    "[{\"chunk\":{\"tool_use_start\":{\"index\":0,\"id\":\"call_1\",\"name\":\"get_weather\"}},\"usage\":null}]"
    "[{\"chunk\":{\"tool_use_input_delta\":{\"index\":0,\"partial_json\":\"{\\\"city\\\":\"}},\"usage\":null}]"
    "[{\"chunk\":{\"tool_use_input_delta\":{\"index\":0,\"partial_json\":\"\\\"Paris\\\"}\"}},\"usage\":null}]"
    "[{\"chunk\":{\"tool_use_complete\":{\"index\":0,\"tool_call\":{\"id\":\"call_1\",\"type\":\"function\",\"function\":"
    "{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}}},\"usage\":null},"
    "{\"chunk\":{\"done\":{\"finish_reason\":\"ToolCalls\"}},\"usage\":null}]"
    "[{\"chunk\":{\"usage\":{\"input_tokens\":3,\"output_tokens\":4}},\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}]"
    "[][][]";

#define THREADS 4
#define ITERS 150
static unsigned long long ids[THREADS * ITERS];
static char *chat_expected;
static const char *chat_input =
    "{\"cfg\":" CFG ",\"messages\":[{\"role\":\"User\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"tools\":null}";

static void *worker(void *arg) {
  int t = (int)(intptr_t)arg;
  for (int i = 0; i < ITERS; i++) {
    char *s = run_stream(&ids[t * ITERS + i]);
    check(strcmp(s, expected_stream) == 0, "thread %d stream output differs:\n%s", t, s);
    free(s);
    result r = calls("chat_request", chat_input);
    check(r.rc == 0 && strcmp(r.text, chat_expected) == 0, "thread %d chat_request differs", t);
    free(r.text);
  }
  return NULL;
}

/* Contention on ONE parser: feeders vs a closer (exercises the busy/closed paths). */
static unsigned long long shared_id;
static void *feeder(void *arg) {
  (void)arg;
  char *in = parse_input_for(shared_id, stream_lines[1]);
  for (int i = 0; i < 2000; i++) {
    result r = calls("chat_stream_parser_parse", in);
    check(r.rc == 0 || (r.rc == -1 && (strstr(r.text, "in use") || strstr(r.text, "Unknown parser id"))),
          "shared parse rc=%d %s", r.rc, r.text);
    free(r.text);
  }
  free(in);
  return NULL;
}
static void *closer(void *arg) {
  (void)arg;
  char idtxt[32];
  sprintf(idtxt, "%llu", shared_id);
  for (volatile int spin = 0; spin < 200000; spin++) {}
  result r = calls("chat_stream_parser_close", idtxt);
  check(r.rc == 0, "shared close rc=%d", r.rc);
  free(r.text);
  return NULL;
}

static uint32_t rng = 12345;
static uint32_t next_rand(void) { rng = rng * 1103515245u + 12345u; return rng >> 8; }

static void fuzz(const char *fn, const char *input) {
  size_t n = strlen(input);
  char *buf = (char *)malloc(n + 1);
  for (size_t cut = 0; cut <= n; cut += (n > 400 ? 7 : 1)) { /* truncations */
    result r = call(fn, input, cut);
    check(r.rc == 0 || r.rc == 1 || r.rc == -1, "%s truncated rc=%d", fn, r.rc);
    check(r.rc == 0 || r.len > 0, "%s: error without message", fn);
    free(r.text);
  }
  for (int k = 0; k < 300; k++) { /* mutations */
    memcpy(buf, input, n);
    int edits = 1 + (int)(next_rand() % 3);
    for (int e = 0; e < edits && n; e++) {
      static const char alphabet[] = "{}[]\",:\\u0123456789eE.-+ntfa\x80\xc3\xff\x00";
      buf[next_rand() % n] = alphabet[next_rand() % (sizeof alphabet - 1)];
    }
    result r = call(fn, buf, n);
    check(r.rc == 0 || r.rc == 1 || r.rc == -1, "%s mutated rc=%d", fn, r.rc);
    free(r.text);
  }
  free(buf);
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "build/libopenai_compatible.so";
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) { fprintf(stderr, "dlopen %s: %s\n", path, dlerror()); return 2; }
  p_version = (abi_version_fn)dlsym(h, "llmb_plugin_abi_version");
  p_exports = (exports_fn)dlsym(h, "llmb_plugin_exports");
  p_call = (call_fn)dlsym(h, "llmb_plugin_call");
  p_free = (free_fn)dlsym(h, "llmb_plugin_free");
  if (!p_version || !p_exports || !p_call || !p_free) { fprintf(stderr, "missing llmb_plugin_* symbol\n"); return 2; }

  /* handshake + export list */
  check(p_version() == 1, "abi version %u", p_version());
  const char *ex = p_exports();
  static const char *const names[] = {"name", "base_url", "api_key_name", "config_schema", "init_logging", "from_config",
      "supports_streaming", "list_models_static", "list_models_request", "parse_list_models_response", "chat_request",
      "chat_stream_request", "parse_chat_response", "chat_stream_parser_start", "chat_stream_parser_parse",
      "chat_stream_parser_finish", "chat_stream_parser_close", "embed_request", "parse_embed_response",
      "complete_request", "parse_complete_response"};
  check(ex && ex[0] == '[' && ex[strlen(ex) - 1] == ']', "exports not a JSON array: %s", ex);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char q[64];
    snprintf(q, sizeof q, "\"%s\"", names[i]);
    check(ex && strstr(ex, q) != NULL, "export %s missing", names[i]);
  }

  /* single calls */
  result r = calls("name", "null");
  check(r.rc == 0 && strcmp(r.text, "openai-compatible-c") == 0, "name -> %d %s", r.rc, r.text);
  free(r.text);
  r = calls("no_such_function", "null");
  check(r.rc == -1 && strstr(r.text, "no_such_function"), "unknown function -> %d %s", r.rc, r.text);
  free(r.text);
  r = calls("from_config", "{\"api_key\":\"k\",\"temperature\":2.5}");
  check(r.rc == 1 && strstr(r.text, "{\"payload\":{\"type\":\"invalid_request\"") &&
        strstr(r.text, "config field 'temperature' must be between 0 and 2"), "from_config error -> %d %s", r.rc, r.text);
  free(r.text);
  r = calls("from_config", "{\"api_key\":\"k\"}");
  check(r.rc == 0 && strcmp(r.text, "{\"api_key\":\"k\",\"base_url\":\"https://api.openai.com/v1\"}") == 0,
        "from_config ok -> %d %s", r.rc, r.text);
  free(r.text);
  r = calls("chat_stream_parser_close", "424242");
  check(r.rc == 0 && r.len == 0, "close unknown -> %d", r.rc);
  free(r.text);
  r = calls("chat_stream_parser_finish", "424242");
  check(r.rc == -1 && strstr(r.text, "Unknown parser id 424242"), "finish unknown -> %d %s", r.rc, r.text);
  free(r.text);
  r = calls("chat_request", chat_input);
  check(r.rc == 0 && strstr(r.text, "\"uri\":\"https://api.openai.com/v1/chat/completions\""), "chat_request -> %s", r.text);
  char *body = request_body(r.text);
  check(body && strcmp(body, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                             "{\"role\":\"user\",\"content\":\"hi\"}]}") == 0, "chat body: %s", body);
  free(body);
  chat_expected = r.text;
  /* image bytes -> an image_url part with a base64 data: URL (1, 2 and 3 trailing bytes: both paddings and none) */
  r = calls("chat_request", "{\"cfg\":" CFG ",\"messages\":[{\"role\":\"User\",\"content\":[{\"type\":\"text\",\"text\":\"what?\"},"
            "{\"type\":\"image\",\"mime_type\":\"image/png\",\"data\":[137,80,78,71]},"
            "{\"type\":\"image\",\"mime_type\":\"image/gif\",\"data\":[255,254,253,0,1]},"
            "{\"type\":\"image\",\"mime_type\":\"image/jpeg\",\"data\":[0,16,131]},"
            "{\"type\":\"image\",\"mime_type\":\"image/webp\",\"data\":[]}]}],\"tools\":null}");
  body = r.rc == 0 ? request_body(r.text) : NULL;
  check(body && strcmp(body, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                             "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what?\"},"
                             "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw==\"}},"
                             "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/gif;base64,//79AAE=\"}},"
                             "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/jpeg;base64,ABCD\"}},"
                             "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/webp;base64,\"}}]}]}") == 0,
        "chat image body -> %d %s", r.rc, body ? body : r.text);
  free(body);
  free(r.text);
  r = calls("chat_request", "{\"cfg\":" CFG ",\"messages\":[{\"role\":\"User\",\"content\":[{\"type\":\"image\",\"mime_type\":\"image/png\","
            "\"data\":[1,256]}]}],\"tools\":null}");
  check(r.rc == -1 && strstr(r.text, "array of bytes"), "bad image data -> %d %s", r.rc, r.text);
  free(r.text);
  r = calls("parse_chat_response", "{\"cfg\":" CFG ",\"resp\":{\"resp\":{\"head\":{\"status\":200,\"headers\":{},\"version\":\"HTTP/1.1\"},"
            "\"body\":[123,34,99,104,111,105,99,101,115,34,58,91,123,34,109,101,115,115,97,103,101,34,58,123,34,99,111,110,"
            "116,101,110,116,34,58,34,104,105,34,125,44,34,102,105,110,105,115,104,95,114,101,97,115,111,110,34,58,34,115,"
            "116,111,112,34,125,93,125]}}}");
  check(r.rc == 0 && strcmp(r.text, "{\"text\":\"hi\",\"tool_calls\":null,\"thinking\":null,\"usage\":null,\"finish_reason\":\"Stop\"}") == 0,
        "parse_chat_response -> %d %s", r.rc, r.text);
  free(r.text);

  /* one stream on the main thread */
  unsigned long long id0;
  char *s = run_stream(&id0);
  check(strcmp(s, expected_stream) == 0, "stream output differs:\n%s\nexpected:\n%s", s, expected_stream);
  free(s);

  /* 4 threads at once */
  pthread_t th[THREADS];
  for (int t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t);
  for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
  int dup = 0;
  for (int i = 0; i < THREADS * ITERS; i++)
    for (int j = i + 1; j < THREADS * ITERS; j++)
      if (ids[i] == ids[j] || ids[i] == id0) dup++;
  check(dup == 0, "%d duplicate parser ids across threads", dup);

  /* contention on one parser */
  r = calls("chat_stream_parser_start", CFG);
  shared_id = strtoull(r.text, NULL, 10);
  free(r.text);
  pthread_t ft[3], ct;
  for (int t = 0; t < 3; t++) pthread_create(&ft[t], NULL, feeder, NULL);
  pthread_create(&ct, NULL, closer, NULL);
  for (int t = 0; t < 3; t++) pthread_join(ft[t], NULL);
  pthread_join(ct, NULL);

  /* robustness: truncated and mutated inputs */
  char *chunk_in = parse_input_for(999999, stream_lines[3]);
  const char *fuzz_inputs[][2] = {
      {"from_config", CFG},
      {"chat_request", "{\"cfg\":" CFG ",\"messages\":[{\"role\":\"User\",\"content\":[{\"type\":\"text\",\"text\":\"h\\u00e9\\ud83d\\ude00\"},"
                       "{\"type\":\"image_url\",\"url\":\"https://x/y.png\"},{\"type\":\"image\",\"mime_type\":\"image/png\",\"data\":[137,80,78]}]},{\"role\":\"Assistant\",\"content\":[{\"type\":\"tool_use\","
                       "\"id\":\"c1\",\"name\":\"f\",\"arguments\":{\"a\":[1,2,{\"b\":null}]}}]},{\"role\":\"User\",\"content\":"
                       "[{\"type\":\"tool_result\",\"id\":\"c1\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}]}],\"tools\":[{\"type\":"
                       "\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}]}"},
      {"parse_chat_response", "{\"cfg\":" CFG ",\"resp\":{\"resp\":{\"head\":{\"status\":200},\"body\":[123,34,99,104,111,105,99,101,115,"
                              "34,58,91,93,125]}}}"},
      {"parse_embed_response", "{\"resp\":{\"resp\":{\"head\":{},\"body\":[123,34,100,97,116,97,34,58,91,123,34,101,109,98,101,100,"
                               "100,105,110,103,34,58,91,49,46,53,93,125,93,125]}}}"},
      {"complete_request", "{\"cfg\":" CFG ",\"req\":{\"prompt\":\"p\",\"suffix\":null,\"max_tokens\":3,\"temperature\":0.5}}"},
      {"chat_stream_parser_parse", chunk_in},
  };
  for (size_t i = 0; i < sizeof fuzz_inputs / sizeof fuzz_inputs[0]; i++) fuzz(fuzz_inputs[i][0], fuzz_inputs[i][1]);
  free(chunk_in);
  result q = calls("init_logging", "0");
  free(q.text);
  free(chat_expected);

  dlclose(h);
  printf("%s: %d checks, %d failures\n", failures ? "FAILED" : "ok", checks, failures);
  return failures ? 1 : 0;
}
