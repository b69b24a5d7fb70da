/* OpenAI-compatible provider: request builders, response parsers and the SSE stream parser.
 * Shared by carrier_extism.c (Wasm) and carrier_native.c (shared library). */
#include "provider.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef LLMB_NATIVE
#include <pthread.h>
static pthread_mutex_t g_parsers_mu = PTHREAD_MUTEX_INITIALIZER;
#define PARSERS_LOCK() pthread_mutex_lock(&g_parsers_mu)
#define PARSERS_UNLOCK() pthread_mutex_unlock(&g_parsers_mu)
#else
#define PARSERS_LOCK() ((void)0)
#define PARSERS_UNLOCK() ((void)0)
#endif

#define MAX_PENDING_LINE (16u * 1024 * 1024) /* longest SSE line buffered across parse calls */
#define MAX_STREAM_TOOLS 1024
#define MAX_RAW_RESPONSE (16u * 1024)       /* raw_response excerpt in response_format_error */

/* ======================================================================= logging */

static int g_log_level = 0; /* 0=off .. 5=trace; accessed atomically */

static void plog(int level, const char *fmt, ...) {
  if (level > __atomic_load_n(&g_log_level, __ATOMIC_RELAXED)) return;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n >= sizeof msg) n = sizeof msg - 1;
  llmb_carrier_log(level, msg, (size_t)n);
}

/* ======================================================================= errors */

static char *vformat(const char *fmt, va_list ap) {
  if (!fmt) return NULL;
  va_list ap2;
  va_copy(ap2, ap);
  char probe[1];
  int n = vsnprintf(probe, sizeof probe, fmt, ap2);
  va_end(ap2);
  if (n < 0) n = 0;
  char *s = (char *)malloc((size_t)n + 1);
  if (!s) return NULL;
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  return s;
}

/* Plain-text error (code -1), like a serde decode failure in a Rust plugin. */
static int fail_plain(jbuf *out, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(fmt, ap);
  va_end(ap);
  jb_reset(out);
  jb_rawz(out, msg ? msg : "error");
  free(msg);
  return -1;
}

static void payload_begin(jbuf *out, const char *type) {
  jb_reset(out);
  jb_obj(out);
  jb_key(out, "payload");
  jb_obj(out);
  jb_key(out, "type");
  jb_strz(out, type);
}
static int payload_end(jbuf *out) {
  jb_obj_end(out);
  jb_obj_end(out);
  return 1;
}

/* Structured error (code 1): {"payload":{"type":type,"message":…}} */
static int fail(jbuf *out, const char *type, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(fmt, ap);
  va_end(ap);
  payload_begin(out, type);
  jb_key(out, "message");
  jb_strz(out, msg ? msg : type);
  free(msg);
  return payload_end(out);
}

/* response_format_error with an excerpt of the raw response. */
static int fail_format(jbuf *out, const void *raw, size_t raw_len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(fmt, ap);
  va_end(ap);
  payload_begin(out, "response_format_error");
  jb_key(out, "message");
  jb_strz(out, msg ? msg : "invalid response");
  free(msg);
  jb_key(out, "raw_response");
  size_t n = raw_len;
  if (n > MAX_RAW_RESPONSE) {
    n = MAX_RAW_RESPONSE;
    while (n > 0 && (((const uint8_t *)raw)[n] & 0xC0) == 0x80) n--; /* cut at a UTF-8 boundary */
  }
  jb_str(out, (const char *)raw, n);
  return payload_end(out);
}

/* Maps an OpenAI error type/code to a QueryMT provider_error kind. */
static const char *error_kind(const char *type, const char *code) {
  const char *probe[2] = {code, type};
  for (int i = 0; i < 2; i++) {
    const char *s = probe[i];
    if (!s) continue;
    if (strstr(s, "context_length") || strstr(s, "context_window")) return "context_window_exceeded";
    if (strstr(s, "insufficient_quota") || strstr(s, "quota")) return "quota_exceeded";
    if (strstr(s, "rate_limit")) return "rate_limited";
    if (strstr(s, "invalid_api_key") || strstr(s, "authentication") || strstr(s, "unauthorized") ||
        strstr(s, "permission"))
      return "authentication";
    if (strstr(s, "overloaded")) return "server_overloaded";
    if (strstr(s, "server_error") || strstr(s, "timeout")) return "unknown_transient";
    if (strstr(s, "invalid_request")) return "invalid_request";
  }
  return "unknown_permanent";
}

/* If v is (or carries) an OpenAI error object, writes a provider_error and returns 1; else 0. */
static int fail_if_error_object(const json_value *v, jbuf *out) {
  const json_value *e = json_get(v, "error");
  if (json_is_null_or_absent(e)) return 0;
  if (json_get(v, "choices") || json_get(v, "data")) return 0;
  const char *msg = NULL, *type = NULL, *code = NULL;
  if (json_is(e, JSON_STRING)) {
    msg = json_str(e, NULL);
  } else {
    msg = json_str(json_get(e, "message"), NULL);
    type = json_str(json_get(e, "type"), NULL);
    code = json_str(json_get(e, "code"), NULL);
  }
  payload_begin(out, "provider_error");
  jb_key(out, "message");
  jb_strz(out, msg ? msg : "provider returned an error");
  jb_key(out, "kind");
  jb_strz(out, error_kind(type, code));
  if (code) { jb_key(out, "code"); jb_strz(out, code); }
  if (type) { jb_key(out, "error_type"); jb_strz(out, type); }
  return payload_end(out);
}

/* ======================================================================= input helpers */

static const json_value *parse_input(llmb_arena *a, const uint8_t *in, size_t len, jbuf *out, int *rc) {
  char err[200];
  const json_value *v = json_parse(a, in, len, err, sizeof err);
  if (!v) *rc = fail_plain(out, "invalid input JSON: %s", err);
  return v;
}

static int str_eq(const char *s, size_t n, const char *lit) {
  size_t l = strlen(lit);
  return s && n == l && memcmp(s, lit, l) == 0;
}

static int str_ieq(const char *s, size_t n, const char *lit) {
  size_t l = strlen(lit);
  if (!s || n != l) return 0;
  for (size_t i = 0; i < l; i++) {
    char a = s[i], b = lit[i];
    if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
    if (a != b) return 0;
  }
  return 1;
}

/* ======================================================================= config */

typedef struct {
  const json_value *raw;
  const char *api_key; size_t api_key_len;
  const char *model; size_t model_len;                     /* NULL if absent */
  const char *base_url; size_t base_url_len;
  int base_url_given;
  const char *embedding_model; size_t embedding_model_len; /* NULL if absent */
  const json_value *max_tokens, *temperature;              /* number nodes or NULL */
  const json_value *system;                                /* string or array of strings, or NULL */
} config;

static int valid_http_url(const char *s, size_t n) {
  size_t p;
  if (n >= 7 && str_ieq(s, 7, "http://")) p = 7;
  else if (n >= 8 && str_ieq(s, 8, "https://")) p = 8;
  else return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#' || c == '"' || c == '<' || c == '>' || c == '\\') return 0;
  }
  size_t host_start = p, host_end = p;
  while (host_end < n && s[host_end] != '/') host_end++;
  if (host_end == host_start) return 0;
  const char *at = memchr(s + host_start, '@', host_end - host_start);
  if (at) host_start = (size_t)(at - s) + 1;
  if (host_start >= host_end || s[host_start] == ':') return 0;
  return 1;
}

static int check_max_tokens(const json_value *v) {
  return json_is_integer(v) && v->u.num.d >= 1 && v->u.num.d <= 4294967295.0;
}
static int check_temperature(const json_value *v) {
  return json_is(v, JSON_NUMBER) && v->u.num.d >= 0 && v->u.num.d <= 2;
}

static int config_load(const json_value *v, config *c, jbuf *out) {
  memset(c, 0, sizeof *c);
  c->raw = v;
  c->base_url = LLMB_DEFAULT_BASE_URL;
  c->base_url_len = strlen(LLMB_DEFAULT_BASE_URL);
  if (!json_is(v, JSON_OBJECT)) return fail(out, "invalid_request", "config must be a JSON object");
  int have_key = 0;
  for (size_t i = 0; i < v->u.obj.len; i++) {
    const json_member *m = &v->u.obj.members[i];
    const json_value *x = m->value;
    const char *k = m->key;
    size_t kl = m->key_len;
    if (str_eq(k, kl, "api_key")) {
      size_t n;
      const char *s = json_str(x, &n);
      if (!s) return fail(out, "invalid_request", "config field 'api_key' must be a string");
      size_t nonblank = 0;
      for (size_t j = 0; j < n; j++) {
        unsigned char ch = (unsigned char)s[j];
        if (ch < 0x20 || ch > 0x7e)
          return fail(out, "invalid_request", "config field 'api_key' must contain only printable ASCII characters");
        if (ch != ' ') nonblank++;
      }
      if (!nonblank) return fail(out, "invalid_request", "config field 'api_key' must not be empty");
      c->api_key = s;
      c->api_key_len = n;
      have_key = 1;
    } else if (str_eq(k, kl, "model")) {
      if (json_is(x, JSON_NULL)) continue;
      if (!(c->model = json_str(x, &c->model_len)))
        return fail(out, "invalid_request", "config field 'model' must be a string");
    } else if (str_eq(k, kl, "embedding_model")) {
      if (json_is(x, JSON_NULL)) continue;
      if (!(c->embedding_model = json_str(x, &c->embedding_model_len)))
        return fail(out, "invalid_request", "config field 'embedding_model' must be a string");
    } else if (str_eq(k, kl, "base_url")) {
      if (json_is(x, JSON_NULL)) continue;
      size_t n;
      const char *s = json_str(x, &n);
      if (!s) return fail(out, "invalid_request", "config field 'base_url' must be a string");
      if (!valid_http_url(s, n))
        return fail(out, "invalid_request", "config field 'base_url' must be an absolute http(s) URL without query or fragment");
      c->base_url = s;
      c->base_url_len = n;
      c->base_url_given = 1;
    } else if (str_eq(k, kl, "max_tokens")) {
      if (json_is(x, JSON_NULL)) continue;
      if (!check_max_tokens(x))
        return fail(out, "invalid_request", "config field 'max_tokens' must be an integer between 1 and 4294967295");
      c->max_tokens = x;
    } else if (str_eq(k, kl, "temperature")) {
      if (json_is(x, JSON_NULL)) continue;
      if (!json_is(x, JSON_NUMBER)) return fail(out, "invalid_request", "config field 'temperature' must be a number");
      if (!check_temperature(x)) return fail(out, "invalid_request", "config field 'temperature' must be between 0 and 2");
      c->temperature = x;
    } else if (str_eq(k, kl, "system")) {
      if (json_is(x, JSON_NULL)) continue;
      if (json_is(x, JSON_ARRAY)) {
        for (size_t j = 0; j < json_len(x); j++)
          if (!json_is(json_at(x, j), JSON_STRING))
            return fail(out, "invalid_request", "config field 'system' must be an array of strings");
      } else if (!json_is(x, JSON_STRING)) {
        return fail(out, "invalid_request", "config field 'system' must be an array of strings");
      }
      c->system = x;
    } else {
      return fail(out, "invalid_request", "unknown config field '%.*s' (allowed: api_key, model, base_url, "
                  "embedding_model, max_tokens, temperature, system)", (int)(kl > 200 ? 200 : kl), k);
    }
  }
  if (!have_key) return fail(out, "invalid_request", "config field 'api_key' is required");
  return 0;
}

/* Loads input["cfg"]. */
static int config_from_envelope(const json_value *in, config *c, jbuf *out) {
  if (!json_is(in, JSON_OBJECT)) return fail_plain(out, "invalid input: expected a JSON object");
  const json_value *cfg = json_get(in, "cfg");
  if (!cfg) return fail_plain(out, "invalid input: missing field `cfg`");
  return config_load(cfg, c, out);
}

/* ======================================================================= HTTP request/response envelopes */

static void write_http_req(jbuf *o, const char *method, const config *c, const char *path, const jbuf *body) {
  size_t bl = c->base_url_len;
  while (bl > 0 && c->base_url[bl - 1] == '/') bl--;
  jb_obj(o);
  jb_key(o, "req");
  jb_obj(o);
  jb_key(o, "head");
  jb_obj(o);
  jb_key(o, "method");
  jb_strz(o, method);
  jb_key(o, "uri");
  {
    jbuf uri;
    jb_init(&uri);
    jb_raw(&uri, c->base_url, bl);
    jb_rawz(&uri, path);
    if (uri.oom) o->oom = 1;
    jb_str(o, uri.buf, uri.len);
    jb_free(&uri);
  }
  jb_key(o, "headers");
  jb_obj(o);
  jb_key(o, "authorization");
  {
    jbuf auth;
    jb_init(&auth);
    jb_rawz(&auth, "Bearer ");
    jb_raw(&auth, c->api_key, c->api_key_len);
    if (auth.oom) o->oom = 1;
    jb_str(o, auth.buf, auth.len);
    jb_free(&auth);
  }
  if (body) {
    jb_key(o, "content-type");
    jb_strz(o, "application/json");
  }
  jb_obj_end(o);
  jb_key(o, "version");
  jb_strz(o, "HTTP/1.1");
  jb_obj_end(o); /* head */
  jb_key(o, "body");
  if (body) {
    if (body->oom) o->oom = 1;
    jb_byte_array(o, (const uint8_t *)body->buf, body->len);
  } else {
    jb_json_text(o, "[]", 2);
  }
  jb_obj_end(o); /* req */
  jb_obj_end(o);
}

/* Finds the HttpResp inside {"resp":{"resp":HttpResp}} (also accepts {"resp":HttpResp}), checks the status and
 * returns the body bytes. */
static int get_resp_body(llmb_arena *a, const json_value *in, const uint8_t **body, size_t *len, jbuf *out) {
  if (!json_is(in, JSON_OBJECT)) return fail_plain(out, "invalid input: expected a JSON object");
  const json_value *r = json_get(in, "resp");
  if (!json_is(r, JSON_OBJECT)) return fail_plain(out, "invalid input: missing field `resp`");
  if (json_is(json_get(r, "resp"), JSON_OBJECT)) r = json_get(r, "resp");
  const json_value *b = json_get(r, "body");
  if (!b) return fail_plain(out, "invalid input: missing field `resp.resp.body`");
  if (json_bytes(a, b, body, len)) return fail_plain(out, "invalid input: resp.resp.body must be an array of bytes (0-255)");
  const json_value *status = json_get(json_get(r, "head"), "status");
  if (json_is_integer(status) && (status->u.num.d < 200 || status->u.num.d > 299)) {
    char err[8];
    llmb_arena *tmp = arena_new();
    const json_value *bv = tmp ? json_parse(tmp, *body, *len, err, sizeof err) : NULL;
    const char *msg = json_str(json_get(json_get(bv, "error"), "message"), NULL);
    payload_begin(out, "http_status");
    jb_key(out, "status_code");
    jb_uint(out, (uint64_t)status->u.num.d);
    jb_key(out, "message");
    if (msg) {
      jb_strz(out, msg);
    } else if (*len) {
      size_t n = *len > MAX_RAW_RESPONSE ? MAX_RAW_RESPONSE : *len;
      jb_str(out, (const char *)*body, n);
    } else {
      char tmsg[32];
      snprintf(tmsg, sizeof tmsg, "HTTP %u", (unsigned)status->u.num.d);
      jb_strz(out, tmsg);
    }
    jb_key(out, "retry_after_secs");
    jb_null(out);
    arena_free(tmp);
    return payload_end(out);
  }
  return 0;
}

/* Parses a response body as a JSON object (response_format_error otherwise, or provider_error for an error object). */
static int parse_body_object(llmb_arena *a, const uint8_t *body, size_t len, const json_value **v, jbuf *out) {
  char err[200];
  *v = json_parse(a, body, len, err, sizeof err);
  if (!*v) return fail_format(out, body, len, "response body is not valid JSON: %s", err);
  if (!json_is(*v, JSON_OBJECT)) return fail_format(out, body, len, "response body is not a JSON object");
  return fail_if_error_object(*v, out);
}

/* ======================================================================= small writers */

static void write_usage(jbuf *o, const json_value *u) {
  const json_value *in = json_get(u, "prompt_tokens");
  if (!in) in = json_get(u, "input_tokens");
  const json_value *outp = json_get(u, "completion_tokens");
  if (!outp) outp = json_get(u, "output_tokens");
  jb_obj(o);
  jb_key(o, "input_tokens");
  jb_uint(o, json_is_integer(in) && in->u.num.d >= 0 && in->u.num.d < 1.8e19 ? (uint64_t)in->u.num.d : 0);
  jb_key(o, "output_tokens");
  jb_uint(o, json_is_integer(outp) && outp->u.num.d >= 0 && outp->u.num.d < 1.8e19 ? (uint64_t)outp->u.num.d : 0);
  jb_obj_end(o);
}

static void write_tool_call(jbuf *o, const char *id, size_t id_len, const char *name, size_t name_len,
                            const char *args, size_t args_len) {
  jb_obj(o);
  jb_key(o, "id");
  jb_str(o, id, id_len);
  jb_key(o, "type");
  jb_strz(o, "function");
  jb_key(o, "function");
  jb_obj(o);
  jb_key(o, "name");
  jb_str(o, name, name_len);
  jb_key(o, "arguments");
  if (args_len) jb_str(o, args, args_len);
  else jb_strz(o, "{}");
  jb_obj_end(o);
  jb_obj_end(o);
}

/* ======================================================================= chat request */

/* Describes why a content block cannot be sent, or NULL if the type is unknown. */
static const char *unsupported_reason(const char *type, size_t n) {
  if (str_eq(type, n, "pdf")) return "PDF documents are not supported";
  if (str_eq(type, n, "audio")) return "audio input is not supported";
  if (str_eq(type, n, "resource_link")) return "resource links are not supported";
  return NULL;
}

static int fail_block(jbuf *out, size_t i, size_t j, const char *type, size_t tn, const char *role) {
  const char *why = unsupported_reason(type, tn);
  if (why)
    return fail(out, "invalid_request", "messages[%zu].content[%zu]: content block '%.*s' cannot be sent to an "
                "OpenAI-compatible chat API (%s)", i, j, (int)(tn > 64 ? 64 : tn), type, why);
  return fail(out, "invalid_request", "messages[%zu].content[%zu]: content block '%.*s' is not supported in %s messages",
              i, j, (int)(tn > 64 ? 64 : tn), type, role);
}

/* Text of a tool_result: its text blocks joined with "\n". */
static int tool_result_text(const json_value *blk, size_t i, size_t j, jbuf *text, jbuf *out) {
  const json_value *content = json_get(blk, "content");
  if (json_is_null_or_absent(content)) return 0;
  size_t n;
  const char *s = json_str(content, &n);
  if (s) { jb_raw(text, s, n); return 0; }
  if (!json_is(content, JSON_ARRAY))
    return fail_plain(out, "invalid input: messages[%zu].content[%zu].content: expected an array", i, j);
  int first = 1;
  for (size_t k = 0; k < json_len(content); k++) {
    const json_value *c = json_at(content, k);
    size_t tn;
    const char *type = json_str(json_get(c, "type"), &tn);
    if (!type) return fail_plain(out, "invalid input: messages[%zu].content[%zu].content[%zu]: missing field `type`", i, j, k);
    if (str_eq(type, tn, "text")) {
      const char *t = json_str(json_get(c, "text"), &n);
      if (!t) return fail_plain(out, "invalid input: messages[%zu].content[%zu].content[%zu]: missing field `text`", i, j, k);
      if (!first) jb_raw(text, "\n", 1);
      jb_raw(text, t, n);
      first = 0;
    } else {
      return fail(out, "invalid_request", "messages[%zu].content[%zu]: tool_result content block '%.*s' is not supported "
                  "(only text)", i, j, (int)(tn > 64 ? 64 : tn), type);
    }
  }
  return 0;
}

/* The bytes and MIME type of an image block ({"type":"image","mime_type":"image/png","data":[137,80,...]}, QueryMT's
 * Content::Image). The parser stores a byte array compactly, so this copies nothing for well-formed input. */
static int image_block(llmb_arena *a, const json_value *blk, size_t i, size_t j, const char **mime, size_t *mime_len,
                       const uint8_t **data, size_t *data_len, jbuf *out) {
  *mime = json_str(json_get(blk, "mime_type"), mime_len);
  if (!*mime) return fail_plain(out, "invalid input: messages[%zu].content[%zu]: missing field `mime_type` (string)", i, j);
  const json_value *d = json_get(blk, "data");
  if (!d) return fail_plain(out, "invalid input: messages[%zu].content[%zu]: missing field `data`", i, j);
  if (json_bytes(a, d, data, data_len))
    return fail_plain(out, "invalid input: messages[%zu].content[%zu].data: expected an array of bytes (0-255)", i, j);
  return 0;
}

/* An image block as an OpenAI image_url part with a data: URL; the base64 is written straight into the body. */
static void write_image_part(jbuf *b, const char *mime, size_t mime_len, const uint8_t *data, size_t data_len) {
  jbuf prefix;
  jb_init(&prefix);
  jb_raw(&prefix, "data:", 5);
  jb_raw(&prefix, mime, mime_len);
  jb_raw(&prefix, ";base64,", 8);
  if (prefix.oom) b->oom = 1;
  jb_obj(b);
  jb_key(b, "type");
  jb_strz(b, "image_url");
  jb_key(b, "image_url");
  jb_obj(b);
  jb_key(b, "url");
  jb_str_base64(b, prefix.buf, prefix.len, data, data_len);
  jb_obj_end(b);
  jb_obj_end(b);
  jb_free(&prefix);
}

static int write_user_message(llmb_arena *a, jbuf *b, const json_value *blocks, size_t i, jbuf *out) {
  int rc;
  size_t nb = json_len(blocks);
  int has_image = 0, has_text = 0, tool_results = 0;
  /* pass 1: validate, emit tool messages */
  for (size_t j = 0; j < nb; j++) {
    const json_value *blk = json_at(blocks, j);
    if (!json_is(blk, JSON_OBJECT)) return fail_plain(out, "invalid input: messages[%zu].content[%zu]: expected an object", i, j);
    size_t tn, n;
    const char *type = json_str(json_get(blk, "type"), &tn);
    if (!type) return fail_plain(out, "invalid input: messages[%zu].content[%zu]: missing field `type`", i, j);
    if (str_eq(type, tn, "text")) {
      if (!json_str(json_get(blk, "text"), &n)) return fail_plain(out, "invalid input: messages[%zu].content[%zu]: missing field `text`", i, j);
      has_text = 1;
    } else if (str_eq(type, tn, "image_url")) {
      if (!json_str(json_get(blk, "url"), &n)) return fail_plain(out, "invalid input: messages[%zu].content[%zu]: missing field `url`", i, j);
      has_image = 1;
    } else if (str_eq(type, tn, "image")) {
      const char *mime;
      const uint8_t *data;
      size_t ml, dl;
      if ((rc = image_block(a, blk, i, j, &mime, &ml, &data, &dl, out))) return rc;
      has_image = 1;
    } else if (str_eq(type, tn, "tool_result")) {
      size_t idn;
      const char *id = json_str(json_get(blk, "id"), &idn);
      if (!id) return fail_plain(out, "invalid input: messages[%zu].content[%zu]: missing field `id`", i, j);
      jbuf text;
      jb_init(&text);
      rc = tool_result_text(blk, i, j, &text, out);
      if (rc) { jb_free(&text); return rc; }
      jb_obj(b);
      jb_key(b, "role");
      jb_strz(b, "tool");
      jb_key(b, "tool_call_id");
      jb_str(b, id, idn);
      jb_key(b, "content");
      jb_str(b, text.buf ? text.buf : "", text.len);
      jb_obj_end(b);
      if (text.oom) b->oom = 1;
      jb_free(&text);
      tool_results++;
    } else if (str_eq(type, tn, "thinking")) {
      /* reasoning is not sent back */
    } else {
      return fail_block(out, i, j, type, tn, "User");
    }
  }
  if (tool_results && !has_text && !has_image) return 0;
  /* pass 2: the user message itself */
  jb_obj(b);
  jb_key(b, "role");
  jb_strz(b, "user");
  jb_key(b, "content");
  if (has_image) {
    jb_arr(b);
    for (size_t j = 0; j < nb; j++) {
      const json_value *blk = json_at(blocks, j);
      size_t tn, n;
      const char *type = json_str(json_get(blk, "type"), &tn);
      if (str_eq(type, tn, "text")) {
        const char *t = json_str(json_get(blk, "text"), &n);
        jb_obj(b);
        jb_key(b, "type");
        jb_strz(b, "text");
        jb_key(b, "text");
        jb_str(b, t, n);
        jb_obj_end(b);
      } else if (str_eq(type, tn, "image_url")) {
        const char *u = json_str(json_get(blk, "url"), &n);
        jb_obj(b);
        jb_key(b, "type");
        jb_strz(b, "image_url");
        jb_key(b, "image_url");
        jb_obj(b);
        jb_key(b, "url");
        jb_str(b, u, n);
        jb_obj_end(b);
        jb_obj_end(b);
      } else if (str_eq(type, tn, "image")) {
        const char *mime;
        const uint8_t *data;
        size_t ml, dl;
        if ((rc = image_block(a, blk, i, j, &mime, &ml, &data, &dl, out))) return rc; /* validated in pass 1 */
        write_image_part(b, mime, ml, data, dl);
      }
    }
    jb_arr_end(b);
  } else {
    jbuf text;
    jb_init(&text);
    int first = 1;
    for (size_t j = 0; j < nb; j++) {
      const json_value *blk = json_at(blocks, j);
      size_t tn, n;
      const char *type = json_str(json_get(blk, "type"), &tn);
      if (!str_eq(type, tn, "text")) continue;
      const char *t = json_str(json_get(blk, "text"), &n);
      if (!first) jb_raw(&text, "\n", 1);
      jb_raw(&text, t, n);
      first = 0;
    }
    if (text.oom) b->oom = 1;
    jb_str(b, text.buf ? text.buf : "", text.len);
    jb_free(&text);
  }
  jb_obj_end(b);
  return 0;
}

static int write_assistant_message(jbuf *b, const json_value *blocks, size_t i, jbuf *out) {
  size_t nb = json_len(blocks);
  jbuf text;
  jb_init(&text);
  int has_text = 0, tool_uses = 0;
  for (size_t j = 0; j < nb; j++) {
    const json_value *blk = json_at(blocks, j);
    int rc = 0;
    size_t tn, n;
    const char *type = json_is(blk, JSON_OBJECT) ? json_str(json_get(blk, "type"), &tn) : NULL;
    if (!json_is(blk, JSON_OBJECT)) rc = fail_plain(out, "invalid input: messages[%zu].content[%zu]: expected an object", i, j);
    else if (!type) rc = fail_plain(out, "invalid input: messages[%zu].content[%zu]: missing field `type`", i, j);
    else if (str_eq(type, tn, "text")) {
      const char *t = json_str(json_get(blk, "text"), &n);
      if (!t) rc = fail_plain(out, "invalid input: messages[%zu].content[%zu]: missing field `text`", i, j);
      else {
        if (has_text) jb_raw(&text, "\n", 1);
        jb_raw(&text, t, n);
        has_text = 1;
      }
    } else if (str_eq(type, tn, "tool_use")) {
      if (!json_str(json_get(blk, "id"), &n)) rc = fail_plain(out, "invalid input: messages[%zu].content[%zu]: missing field `id`", i, j);
      else if (!json_str(json_get(blk, "name"), &n)) rc = fail_plain(out, "invalid input: messages[%zu].content[%zu]: missing field `name`", i, j);
      else tool_uses++;
    } else if (str_eq(type, tn, "thinking")) {
      /* not sent back */
    } else {
      rc = fail_block(out, i, j, type, tn, "Assistant");
    }
    if (rc) { jb_free(&text); return rc; }
  }
  jb_obj(b);
  jb_key(b, "role");
  jb_strz(b, "assistant");
  jb_key(b, "content");
  if (has_text) jb_str(b, text.buf ? text.buf : "", text.len);
  else if (tool_uses) jb_null(b);
  else jb_strz(b, "");
  if (text.oom) b->oom = 1;
  jb_free(&text);
  if (tool_uses) {
    jb_key(b, "tool_calls");
    jb_arr(b);
    for (size_t j = 0; j < nb; j++) {
      const json_value *blk = json_at(blocks, j);
      size_t tn, idn, nn, an;
      const char *type = json_str(json_get(blk, "type"), &tn);
      if (!str_eq(type, tn, "tool_use")) continue;
      const char *id = json_str(json_get(blk, "id"), &idn);
      const char *name = json_str(json_get(blk, "name"), &nn);
      const json_value *args = json_get(blk, "arguments");
      jb_obj(b);
      jb_key(b, "id");
      jb_str(b, id, idn);
      jb_key(b, "type");
      jb_strz(b, "function");
      jb_key(b, "function");
      jb_obj(b);
      jb_key(b, "name");
      jb_str(b, name, nn);
      jb_key(b, "arguments");
      const char *as = json_str(args, &an);
      if (as) jb_str(b, as, an);                 /* already serialised (unparsable) arguments */
      else if (json_is_null_or_absent(args)) jb_strz(b, "{}");
      else jb_value_as_string(b, args);
      jb_obj_end(b);
      jb_obj_end(b);
    }
    jb_arr_end(b);
  }
  jb_obj_end(b);
  return 0;
}

/* Builds the /chat/completions body into b. */
static int build_chat_body(llmb_arena *a, const config *c, const json_value *in, int stream, jbuf *b, jbuf *out) {
  const json_value *msgs = json_get(in, "messages");
  if (!msgs) return fail_plain(out, "invalid input: missing field `messages`");
  if (!json_is(msgs, JSON_ARRAY)) return fail_plain(out, "invalid input: `messages` must be an array");
  const json_value *tools = json_get(in, "tools");
  if (!json_is_null_or_absent(tools) && !json_is(tools, JSON_ARRAY))
    return fail_plain(out, "invalid input: `tools` must be an array or null");

  jb_obj(b);
  if (c->model) { jb_key(b, "model"); jb_str(b, c->model, c->model_len); }
  jb_key(b, "messages");
  jb_arr(b);
  if (c->system) {
    size_t n;
    if (json_is(c->system, JSON_STRING)) {
      const char *s = json_str(c->system, &n);
      jb_obj(b); jb_key(b, "role"); jb_strz(b, "system"); jb_key(b, "content"); jb_str(b, s, n); jb_obj_end(b);
    } else {
      for (size_t k = 0; k < json_len(c->system); k++) {
        const char *s = json_str(json_at(c->system, k), &n);
        jb_obj(b); jb_key(b, "role"); jb_strz(b, "system"); jb_key(b, "content"); jb_str(b, s, n); jb_obj_end(b);
      }
    }
  }
  for (size_t i = 0; i < json_len(msgs); i++) {
    const json_value *m = json_at(msgs, i);
    if (!json_is(m, JSON_OBJECT)) return fail_plain(out, "invalid input: messages[%zu]: expected an object", i);
    size_t rn;
    const char *role = json_str(json_get(m, "role"), &rn);
    if (!role) return fail_plain(out, "invalid input: messages[%zu]: missing field `role`", i);
    int is_user = str_ieq(role, rn, "user"), is_asst = str_ieq(role, rn, "assistant");
    if (!is_user && !is_asst)
      return fail_plain(out, "invalid input: messages[%zu].role: unknown variant `%.*s`, expected `User` or `Assistant`", i,
                        (int)(rn > 64 ? 64 : rn), role);
    const json_value *content = json_get(m, "content");
    if (!content) {
      if (json_get(m, "input") || json_get(m, "output"))
        return fail_plain(out, "invalid input: messages[%zu]: missing field `content` (item-aware messages are not "
                          "supported; send content blocks)", i);
      return fail_plain(out, "invalid input: messages[%zu]: missing field `content`", i);
    }
    if (json_is(content, JSON_STRING)) {
      /* lenient: a plain string is one text block */
      json_value *blk = (json_value *)arena_alloc(a, sizeof(json_value));
      json_member *mem = (json_member *)arena_alloc(a, 2 * sizeof(json_member));
      json_value *typ = (json_value *)arena_alloc(a, sizeof(json_value));
      json_value *arr = (json_value *)arena_alloc(a, sizeof(json_value));
      json_value **items = (json_value **)arena_alloc(a, sizeof(json_value *));
      if (!blk || !mem || !typ || !arr || !items) return fail_plain(out, "out of memory");
      memset(typ, 0, sizeof *typ);
      typ->type = JSON_STRING; typ->u.str.s = "text"; typ->u.str.len = 4;
      mem[0].key = "type"; mem[0].key_len = 4; mem[0].value = typ;
      mem[1].key = "text"; mem[1].key_len = 4; mem[1].value = (json_value *)content;
      memset(blk, 0, sizeof *blk);
      blk->type = JSON_OBJECT; blk->u.obj.members = mem; blk->u.obj.len = 2;
      items[0] = blk;
      memset(arr, 0, sizeof *arr);
      arr->type = JSON_ARRAY; arr->u.arr.items = items; arr->u.arr.len = 1; arr->u.arr.arena = a;
      content = arr;
    }
    if (!json_is(content, JSON_ARRAY))
      return fail_plain(out, "invalid input: messages[%zu].content: expected an array of content blocks", i);
    int rc = is_user ? write_user_message(a, b, content, i, out) : write_assistant_message(b, content, i, out);
    if (rc) return rc;
  }
  jb_arr_end(b);
  if (c->max_tokens) { jb_key(b, "max_tokens"); jb_value(b, c->max_tokens); }
  if (c->temperature) { jb_key(b, "temperature"); jb_value(b, c->temperature); }
  if (json_len(tools) > 0) { jb_key(b, "tools"); jb_value(b, tools); }
  if (stream) {
    jb_key(b, "stream");
    jb_bool(b, 1);
    jb_key(b, "stream_options");
    jb_obj(b);
    jb_key(b, "include_usage");
    jb_bool(b, 1);
    jb_obj_end(b);
  }
  jb_obj_end(b);
  plog(4, "chat request: %zu messages, %zu tools, stream=%d", json_len(msgs), json_len(tools), stream);
  return 0;
}

static int chat_request_common(const uint8_t *in, size_t len, jbuf *out, int stream) {
  int rc = 0;
  llmb_arena *a = arena_new();
  if (!a) return fail_plain(out, "out of memory");
  config c;
  jbuf body;
  jb_init(&body);
  const json_value *v = parse_input(a, in, len, out, &rc);
  if (v && !(rc = config_from_envelope(v, &c, out)) && !(rc = build_chat_body(a, &c, v, stream, &body, out)))
    write_http_req(out, "POST", &c, "/chat/completions", &body);
  jb_free(&body);
  arena_free(a);
  return rc;
}

int llmb_fn_chat_request(const uint8_t *in, size_t len, jbuf *out) { return chat_request_common(in, len, out, 0); }
int llmb_fn_chat_stream_request(const uint8_t *in, size_t len, jbuf *out) { return chat_request_common(in, len, out, 1); }

/* ======================================================================= chat response */

/* An OpenAI finish_reason as QueryMT's FinishReason, a PascalCase enum serialised as its variant name (Stop, Length,
 * ContentFilter, ToolCalls, Error, Other, Unknown), mapped as QueryMT's OpenAI provider maps it. */
static const char *map_finish_reason(const char *s, size_t n) {
  if (str_eq(s, n, "stop")) return "Stop";
  if (str_eq(s, n, "length")) return "Length";
  if (str_eq(s, n, "tool_calls") || str_eq(s, n, "function_call")) return "ToolCalls";
  if (str_eq(s, n, "content_filter")) return "ContentFilter";
  return "Unknown";
}

/* Appends the text of an OpenAI message content (string or array of parts). Returns 1 if there was any. */
static int content_text(const json_value *content, jbuf *text) {
  size_t n;
  const char *s = json_str(content, &n);
  if (s) { jb_raw(text, s, n); return 1; }
  int any = 0;
  for (size_t k = 0; k < json_len(content) && json_is(content, JSON_ARRAY); k++) {
    const json_value *p = json_at(content, k);
    const char *t = json_str(json_get(p, "text"), &n);
    if (t) { jb_raw(text, t, n); any = 1; }
  }
  return any;
}

int llmb_fn_parse_chat_response(const uint8_t *in, size_t len, jbuf *out) {
  int rc = 0;
  llmb_arena *a = arena_new();
  if (!a) return fail_plain(out, "out of memory");
  const uint8_t *body;
  size_t blen;
  const json_value *v = parse_input(a, in, len, out, &rc), *r = NULL;
  jbuf text;
  jb_init(&text);
  if (!v || (rc = get_resp_body(a, v, &body, &blen, out)) || (rc = parse_body_object(a, body, blen, &r, out))) goto done;
  const json_value *choices = json_get(r, "choices");
  if (!json_is(choices, JSON_ARRAY) || json_len(choices) == 0) {
    rc = fail_format(out, body, blen, "response has no choices");
    goto done;
  }
  const json_value *choice = json_at(choices, 0);
  const json_value *msg = json_get(choice, "message");
  if (!json_is(msg, JSON_OBJECT)) {
    rc = fail_format(out, body, blen, "choices[0].message is missing");
    goto done;
  }
  int has_text = content_text(json_get(msg, "content"), &text);
  if (!has_text) {
    size_t n;
    const char *refusal = json_str(json_get(msg, "refusal"), &n);
    if (refusal) { jb_raw(&text, refusal, n); has_text = 1; }
  }
  const json_value *tcs = json_get(msg, "tool_calls");
  if (!json_is_null_or_absent(tcs) && !json_is(tcs, JSON_ARRAY)) {
    rc = fail_format(out, body, blen, "choices[0].message.tool_calls must be an array");
    goto done;
  }
  for (size_t k = 0; k < json_len(tcs); k++) {
    const json_value *fn = json_get(json_at(tcs, k), "function");
    if (!json_str(json_get(fn, "name"), NULL)) {
      rc = fail_format(out, body, blen, "choices[0].message.tool_calls[%zu].function.name is missing", k);
      goto done;
    }
  }
  jb_obj(out);
  jb_key(out, "text");
  if (has_text) jb_str(out, text.buf ? text.buf : "", text.len);
  else jb_null(out);
  jb_key(out, "tool_calls");
  if (json_len(tcs) == 0) {
    jb_null(out);
  } else {
    jb_arr(out);
    for (size_t k = 0; k < json_len(tcs); k++) {
      const json_value *tc = json_at(tcs, k), *fn = json_get(tc, "function"), *args = json_get(fn, "arguments");
      size_t idn, nn, an;
      char idbuf[32];
      const char *id = json_str(json_get(tc, "id"), &idn);
      if (!id) { snprintf(idbuf, sizeof idbuf, "call_%zu", k); id = idbuf; idn = strlen(idbuf); }
      const char *name = json_str(json_get(fn, "name"), &nn);
      const char *as = json_str(args, &an);
      if (as || json_is_null_or_absent(args)) {
        write_tool_call(out, id, idn, name, nn, as, as ? an : 0);
      } else { /* arguments given as an object: serialise */
        jbuf tmp;
        jb_init(&tmp);
        jb_value(&tmp, args);
        if (tmp.oom) out->oom = 1;
        write_tool_call(out, id, idn, name, nn, tmp.buf, tmp.len);
        jb_free(&tmp);
      }
    }
    jb_arr_end(out);
  }
  jb_key(out, "thinking");
  jb_null(out);
  jb_key(out, "usage");
  const json_value *usage = json_get(r, "usage");
  if (json_is(usage, JSON_OBJECT)) write_usage(out, usage);
  else jb_null(out);
  jb_key(out, "finish_reason");
  size_t fn_len;
  const char *fr = json_str(json_get(choice, "finish_reason"), &fn_len);
  if (fr) jb_strz(out, map_finish_reason(fr, fn_len));
  else jb_null(out);
  jb_obj_end(out);
done:
  if (text.oom) out->oom = 1;
  jb_free(&text);
  arena_free(a);
  return rc;
}

/* ======================================================================= stream parser */

typedef struct { char *p; size_t n; } sstr;

typedef struct {
  int64_t index;
  sstr id, name;
  jbuf args;
  int started, completed;
} tool_acc;

typedef struct stream_parser {
  uint64_t id;
  struct stream_parser *next;
  int busy, closed;   /* native: a call is using it / close() arrived meanwhile */
  sstr finish_reason; /* p == NULL: none seen */
  int done;
  tool_acc *tools;    /* sorted by index */
  size_t ntools, captools;
  jbuf pending;       /* bytes of an incomplete line */
} stream_parser;

static stream_parser *g_parsers = NULL;
static uint64_t g_next_parser_id = 1;

static int sstr_set(sstr *s, const char *p, size_t n) {
  char *c = (char *)malloc(n + 1);
  if (!c) return -1;
  if (n) memcpy(c, p, n);
  c[n] = 0;
  free(s->p);
  s->p = c;
  s->n = n;
  return 0;
}

static void parser_free(stream_parser *p) {
  if (!p) return;
  for (size_t i = 0; i < p->ntools; i++) {
    free(p->tools[i].id.p);
    free(p->tools[i].name.p);
    jb_free(&p->tools[i].args);
  }
  free(p->tools);
  free(p->finish_reason.p);
  jb_free(&p->pending);
  free(p);
}

static void parsers_unlink(stream_parser *p) { /* caller holds the lock */
  for (stream_parser **pp = &g_parsers; *pp; pp = &(*pp)->next)
    if (*pp == p) { *pp = p->next; p->next = NULL; return; }
}

#define PARSER_UNKNOWN ((stream_parser *)0)
#define PARSER_BUSY ((stream_parser *)1)

/* Finds a parser and marks it busy. */
static stream_parser *parser_acquire(uint64_t id) {
  PARSERS_LOCK();
  stream_parser *p = g_parsers;
  while (p && p->id != id) p = p->next;
  if (p) {
    if (p->busy) p = PARSER_BUSY;
    else p->busy = 1;
  }
  PARSERS_UNLOCK();
  return p;
}

static void parser_release(stream_parser *p, int remove) {
  int do_free = 0;
  PARSERS_LOCK();
  p->busy = 0;
  if (remove && !p->closed) parsers_unlink(p);
  if (remove || p->closed) do_free = 1;
  PARSERS_UNLOCK();
  if (do_free) parser_free(p);
}

static tool_acc *tool_get(stream_parser *p, int64_t index) {
  size_t pos = 0;
  while (pos < p->ntools && p->tools[pos].index < index) pos++;
  if (pos < p->ntools && p->tools[pos].index == index) return &p->tools[pos];
  if (p->ntools >= MAX_STREAM_TOOLS) return NULL;
  if (p->ntools == p->captools) {
    size_t ncap = p->captools ? p->captools * 2 : 4;
    tool_acc *nt = (tool_acc *)realloc(p->tools, ncap * sizeof(tool_acc));
    if (!nt) return NULL;
    p->tools = nt;
    p->captools = ncap;
  }
  memmove(&p->tools[pos + 1], &p->tools[pos], (p->ntools - pos) * sizeof(tool_acc));
  p->ntools++;
  tool_acc *t = &p->tools[pos];
  memset(t, 0, sizeof *t);
  jb_init(&t->args);
  t->index = index;
  return t;
}

static void chunk_begin(jbuf *o) {
  jb_obj(o);
  jb_key(o, "chunk");
  jb_obj(o);
}
static void chunk_end(jbuf *o) {
  jb_obj_end(o);
  jb_key(o, "usage");
  jb_null(o);
  jb_obj_end(o);
}

static void emit_text(jbuf *o, const char *s, size_t n) {
  chunk_begin(o);
  jb_key(o, "text");
  jb_str(o, s, n);
  chunk_end(o);
}

static void emit_tool_start(jbuf *o, tool_acc *t) {
  char idbuf[40];
  if (!t->id.p) {
    snprintf(idbuf, sizeof idbuf, "call_%lld", (long long)t->index);
    sstr_set(&t->id, idbuf, strlen(idbuf));
  }
  chunk_begin(o);
  jb_key(o, "tool_use_start");
  jb_obj(o);
  jb_key(o, "index");
  jb_int(o, t->index);
  jb_key(o, "id");
  jb_str(o, t->id.p ? t->id.p : idbuf, t->id.p ? t->id.n : strlen(idbuf));
  jb_key(o, "name");
  jb_str(o, t->name.p ? t->name.p : "", t->name.n);
  jb_obj_end(o);
  chunk_end(o);
  t->started = 1;
}

static void emit_tool_delta(jbuf *o, const tool_acc *t, const char *s, size_t n) {
  chunk_begin(o);
  jb_key(o, "tool_use_input_delta");
  jb_obj(o);
  jb_key(o, "index");
  jb_int(o, t->index);
  jb_key(o, "partial_json");
  jb_str(o, s, n);
  jb_obj_end(o);
  chunk_end(o);
}

static void emit_tool_complete(jbuf *o, tool_acc *t) {
  chunk_begin(o);
  jb_key(o, "tool_use_complete");
  jb_obj(o);
  jb_key(o, "index");
  jb_int(o, t->index);
  jb_key(o, "tool_call");
  write_tool_call(o, t->id.p ? t->id.p : "", t->id.n, t->name.p ? t->name.p : "", t->name.n, t->args.buf, t->args.len);
  jb_obj_end(o);
  chunk_end(o);
  t->completed = 1;
}

static void emit_usage(jbuf *o, const json_value *u) {
  jb_obj(o);
  jb_key(o, "chunk");
  jb_obj(o);
  jb_key(o, "usage");
  write_usage(o, u);
  jb_obj_end(o);
  jb_key(o, "usage");
  write_usage(o, u);
  jb_obj_end(o);
}

/* Completes pending tool calls and emits done. */
static void emit_finish(stream_parser *p, jbuf *o) {
  for (size_t i = 0; i < p->ntools; i++) {
    tool_acc *t = &p->tools[i];
    if (t->completed) continue;
    if (!t->started) {
      emit_tool_start(o, t);
      if (t->args.len) emit_tool_delta(o, t, t->args.buf, t->args.len);
    }
    emit_tool_complete(o, t);
  }
  /* [DONE] without a finish_reason: inferred (QueryMT says Stop there; ToolCalls is truer after tool calls). */
  const char *fr = p->finish_reason.p;
  const char *reason = fr ? map_finish_reason(fr, p->finish_reason.n) : p->ntools ? "ToolCalls" : "Stop";
  chunk_begin(o);
  jb_key(o, "done");
  jb_obj(o);
  jb_key(o, "finish_reason");
  jb_strz(o, reason);
  jb_obj_end(o);
  chunk_end(o);
  p->done = 1;
}

/* Handles one parsed `data:` JSON object. As QueryMT's OpenAI parser does, the line that carries choice 0's
 * finish_reason ends the answer: its deltas, then its usage, then the pending tool_use_complete chunks and
 * done{finish_reason}. After done only usage is taken (OpenAI sends it in a later line, before [DONE]). */
static int handle_event(stream_parser *p, const json_value *v, const char *line, size_t line_len, jbuf *o, jbuf *out) {
  if (p->done) {
    const json_value *usage = json_get(v, "usage");
    if (json_is(usage, JSON_OBJECT)) emit_usage(o, usage);
    return 0;
  }
  if (!json_is(v, JSON_OBJECT)) return fail_format(out, line, line_len, "stream data is not a JSON object");
  if (fail_if_error_object(v, out)) return 1;
  int finished = 0;
  const json_value *choices = json_get(v, "choices");
  if (!json_is_null_or_absent(choices) && !json_is(choices, JSON_ARRAY))
    return fail_format(out, line, line_len, "stream data: `choices` must be an array");
  for (size_t ci = 0; ci < json_len(choices); ci++) {
    const json_value *choice = json_at(choices, ci);
    const json_value *cidx = json_get(choice, "index");
    if (json_is_integer(cidx) && cidx->u.num.d != 0) continue; /* only the first choice */
    const json_value *delta = json_get(choice, "delta");
    size_t n;
    const char *s = json_str(json_get(delta, "content"), &n);
    if (s && n) emit_text(o, s, n);
    const json_value *tcs = json_get(delta, "tool_calls");
    for (size_t k = 0; k < json_len(tcs) && json_is(tcs, JSON_ARRAY); k++) {
      const json_value *tc = json_at(tcs, k);
      if (!json_is(tc, JSON_OBJECT)) return fail_format(out, line, line_len, "stream data: tool_calls[%zu] is not an object", k);
      const json_value *idx = json_get(tc, "index");
      int64_t index = (int64_t)k;
      if (json_is_integer(idx) && idx->u.num.d >= 0 && idx->u.num.d <= 2147483647.0) index = (int64_t)idx->u.num.d;
      tool_acc *t = tool_get(p, index);
      if (!t) return fail_format(out, line, line_len, "stream data: too many tool calls");
      if (t->completed) continue;
      const json_value *fn = json_get(tc, "function");
      size_t idn, nn;
      const char *id = json_str(json_get(tc, "id"), &idn);
      const char *name = json_str(json_get(fn, "name"), &nn);
      if (id && idn && !t->id.p && sstr_set(&t->id, id, idn)) return fail_plain(out, "out of memory");
      if (name && nn && !t->name.p && sstr_set(&t->name, name, nn)) return fail_plain(out, "out of memory");
      const json_value *args = json_get(fn, "arguments");
      size_t before = t->args.len;
      size_t an;
      const char *as = json_str(args, &an);
      if (as) jb_raw(&t->args, as, an);
      else if (json_is(args, JSON_OBJECT)) jb_value(&t->args, args); /* some servers send the whole object */
      if (t->args.oom) return fail_plain(out, "out of memory");
      if (!t->started && t->name.p) {
        emit_tool_start(o, t);
        if (t->args.len) emit_tool_delta(o, t, t->args.buf, t->args.len); /* includes any buffered fragments */
      } else if (t->started && t->args.len > before) {
        emit_tool_delta(o, t, t->args.buf + before, t->args.len - before);
      }
    }
    size_t frn;
    const char *fr = json_str(json_get(choice, "finish_reason"), &frn);
    if (fr && frn) {
      if (sstr_set(&p->finish_reason, fr, frn)) return fail_plain(out, "out of memory");
      finished = 1;
    }
  }
  const json_value *usage = json_get(v, "usage");
  if (json_is(usage, JSON_OBJECT)) emit_usage(o, usage);
  if (finished) emit_finish(p, o);
  return 0;
}

/* Handles one SSE line (without its line terminator). */
static int handle_line(stream_parser *p, const char *line, size_t n, jbuf *o, jbuf *out) {
  if (n && line[n - 1] == '\r') n--;
  if (n == 0 || line[0] == ':') return 0; /* blank line / comment */
  const char *colon = memchr(line, ':', n);
  size_t fl = colon ? (size_t)(colon - line) : n;
  if (!str_eq(line, fl, "data")) return 0; /* event:, id:, retry:, unknown fields */
  if (!colon) return 0;
  const char *val = colon + 1;
  size_t vl = n - fl - 1;
  if (vl && *val == ' ') { val++; vl--; }
  while (vl && (val[vl - 1] == ' ' || val[vl - 1] == '\t')) vl--;
  if (vl == 0) return 0;
  if (str_eq(val, vl, "[DONE]")) {
    if (!p->done) emit_finish(p, o); /* no finish_reason came: complete what is pending */
    return 0;
  }
  llmb_arena *a = arena_new();
  if (!a) return fail_plain(out, "out of memory");
  char err[200];
  const json_value *v = json_parse(a, (const uint8_t *)val, vl, err, sizeof err);
  int rc;
  if (!v) rc = p->done ? 0 : fail_format(out, line, n, "invalid JSON in stream data: %s", err); /* after done: ignored */
  else rc = handle_event(p, v, line, n, o, out);
  arena_free(a);
  return rc;
}

/* Feeds bytes; complete lines are handled, the rest is kept. final: also handle the incomplete rest. */
static int parser_feed(stream_parser *p, const uint8_t *bytes, size_t n, int final, jbuf *o, jbuf *out) {
  jbuf *pb = &p->pending;
  if (pb->len + n > MAX_PENDING_LINE) {
    jb_reset(pb);
    return fail_format(out, bytes, n, "stream line longer than %u bytes", MAX_PENDING_LINE);
  }
  jb_raw(pb, bytes, n);
  if (pb->oom) { jb_free(pb); return fail_plain(out, "out of memory"); }
  size_t start = 0;
  int rc = 0;
  while (start < pb->len) {
    const char *nl = memchr(pb->buf + start, '\n', pb->len - start);
    if (!nl) break;
    size_t ll = (size_t)(nl - (pb->buf + start));
    rc = handle_line(p, pb->buf + start, ll, o, out);
    start += ll + 1;
    if (rc) break;
  }
  if (!rc && final && start < pb->len) {
    rc = handle_line(p, pb->buf + start, pb->len - start, o, out);
    start = pb->len;
  }
  if (start >= pb->len) {
    pb->len = 0;
  } else if (start > 0) {
    memmove(pb->buf, pb->buf + start, pb->len - start);
    pb->len -= start;
  }
  return rc;
}

static int parse_parser_id(const json_value *v, uint64_t *id) {
  if (!json_is_integer(v) || v->u.num.d < 0 || v->u.num.d > 9007199254740991.0) return -1;
  *id = (uint64_t)v->u.num.d;
  return 0;
}

int llmb_fn_chat_stream_parser_start(const uint8_t *in, size_t len, jbuf *out) {
  int rc = 0;
  llmb_arena *a = arena_new();
  if (!a) return fail_plain(out, "out of memory");
  config c;
  const json_value *v = parse_input(a, in, len, out, &rc);
  if (v && !(rc = config_load(v, &c, out))) {
    stream_parser *p = (stream_parser *)calloc(1, sizeof *p);
    if (!p) {
      rc = fail_plain(out, "out of memory");
    } else {
      jb_init(&p->pending);
      PARSERS_LOCK();
      p->id = g_next_parser_id++;
      p->next = g_parsers;
      g_parsers = p;
      PARSERS_UNLOCK();
      jb_uint(out, p->id);
      plog(5, "stream parser %llu started", (unsigned long long)p->id);
    }
  }
  arena_free(a);
  return rc;
}

int llmb_fn_chat_stream_parser_parse(const uint8_t *in, size_t len, jbuf *out) {
  int rc = 0;
  llmb_arena *a = arena_new();
  if (!a) return fail_plain(out, "out of memory");
  const json_value *v = parse_input(a, in, len, out, &rc);
  uint64_t id;
  const uint8_t *bytes;
  size_t n;
  if (!v) goto done;
  if (!json_is(v, JSON_OBJECT)) { rc = fail_plain(out, "invalid input: expected a JSON object"); goto done; }
  if (parse_parser_id(json_get(v, "parser_id"), &id)) { rc = fail_plain(out, "invalid input: missing or invalid field `parser_id`"); goto done; }
  if (json_bytes(a, json_get(v, "chunk"), &bytes, &n)) { rc = fail_plain(out, "invalid input: `chunk` must be an array of bytes (0-255)"); goto done; }
  stream_parser *p = parser_acquire(id);
  if (p == PARSER_UNKNOWN) { rc = fail_plain(out, "Unknown parser id %llu", (unsigned long long)id); goto done; }
  if (p == PARSER_BUSY) { rc = fail_plain(out, "parser id %llu is in use by another call", (unsigned long long)id); goto done; }
  jb_arr(out);
  rc = parser_feed(p, bytes, n, 0, out, out);
  if (!rc) jb_arr_end(out);
  parser_release(p, 0);
done:
  arena_free(a);
  return rc;
}

int llmb_fn_chat_stream_parser_finish(const uint8_t *in, size_t len, jbuf *out) {
  int rc = 0;
  llmb_arena *a = arena_new();
  if (!a) return fail_plain(out, "out of memory");
  const json_value *v = parse_input(a, in, len, out, &rc);
  uint64_t id;
  if (!v) goto done;
  if (parse_parser_id(v, &id)) { rc = fail_plain(out, "invalid input: expected a parser id number"); goto done; }
  stream_parser *p = parser_acquire(id);
  if (p == PARSER_UNKNOWN) { rc = fail_plain(out, "Unknown parser id %llu", (unsigned long long)id); goto done; }
  if (p == PARSER_BUSY) { rc = fail_plain(out, "parser id %llu is in use by another call", (unsigned long long)id); goto done; }
  jb_arr(out);
  rc = parser_feed(p, (const uint8_t *)"", 0, 1, out, out);
  if (!rc) {
    /* Without a finish_reason the stream was cut off: emit no done, the host reports a broken stream. */
    if (p->finish_reason.p && !p->done) emit_finish(p, out);
    jb_arr_end(out);
  }
  parser_release(p, 1);
done:
  arena_free(a);
  return rc;
}

int llmb_fn_chat_stream_parser_close(const uint8_t *in, size_t len, jbuf *out) {
  int rc = 0;
  llmb_arena *a = arena_new();
  if (!a) return fail_plain(out, "out of memory");
  const json_value *v = parse_input(a, in, len, out, &rc);
  uint64_t id;
  if (v) {
    if (parse_parser_id(v, &id)) {
      rc = fail_plain(out, "invalid input: expected a parser id number");
    } else {
      stream_parser *victim = NULL;
      PARSERS_LOCK();
      stream_parser *p = g_parsers;
      while (p && p->id != id) p = p->next;
      if (p) {
        parsers_unlink(p);
        if (p->busy) p->closed = 1; /* freed by the call that is using it */
        else victim = p;
      }
      PARSERS_UNLOCK();
      parser_free(victim);
    }
  }
  arena_free(a);
  return rc;
}

/* ======================================================================= embeddings */

int llmb_fn_embed_request(const uint8_t *in, size_t len, jbuf *out) {
  int rc = 0;
  llmb_arena *a = arena_new();
  if (!a) return fail_plain(out, "out of memory");
  config c;
  jbuf body;
  jb_init(&body);
  const json_value *v = parse_input(a, in, len, out, &rc);
  if (!v || (rc = config_from_envelope(v, &c, out))) goto done;
  const json_value *inputs = json_get(v, "inputs");
  if (!json_is(inputs, JSON_ARRAY)) { rc = fail_plain(out, "invalid input: missing field `inputs` (array of strings)"); goto done; }
  jb_obj(&body);
  const char *model = c.embedding_model ? c.embedding_model : c.model;
  size_t ml = c.embedding_model ? c.embedding_model_len : c.model_len;
  if (model) { jb_key(&body, "model"); jb_str(&body, model, ml); }
  jb_key(&body, "input");
  jb_arr(&body);
  for (size_t i = 0; i < json_len(inputs); i++) {
    size_t n;
    const char *s = json_str(json_at(inputs, i), &n);
    if (!s) { rc = fail_plain(out, "invalid input: inputs[%zu] must be a string", i); goto done; }
    jb_str(&body, s, n);
  }
  jb_arr_end(&body);
  jb_obj_end(&body);
  write_http_req(out, "POST", &c, "/embeddings", &body);
done:
  jb_free(&body);
  arena_free(a);
  return rc;
}

int llmb_fn_parse_embed_response(const uint8_t *in, size_t len, jbuf *out) {
  int rc = 0;
  llmb_arena *a = arena_new();
  if (!a) return fail_plain(out, "out of memory");
  const uint8_t *body;
  size_t blen;
  const json_value *v = parse_input(a, in, len, out, &rc), *r = NULL;
  if (!v || (rc = get_resp_body(a, v, &body, &blen, out)) || (rc = parse_body_object(a, body, blen, &r, out))) goto done;
  const json_value *data = json_get(r, "data");
  if (!json_is(data, JSON_ARRAY)) { rc = fail_format(out, body, blen, "response has no `data` array"); goto done; }
  size_t n = json_len(data);
  const json_value **slots = (const json_value **)arena_alloc(a, (n ? n : 1) * sizeof(json_value *));
  if (!slots) { rc = fail_plain(out, "out of memory"); goto done; }
  memset(slots, 0, (n ? n : 1) * sizeof(json_value *));
  for (size_t i = 0; i < n; i++) {
    const json_value *item = json_at(data, i);
    const json_value *emb = json_get(item, "embedding");
    if (!json_is(emb, JSON_ARRAY)) { rc = fail_format(out, body, blen, "data[%zu].embedding is not an array of numbers", i); goto done; }
    const json_value *idx = json_get(item, "index");
    size_t pos = i;
    if (!json_is_null_or_absent(idx)) {
      if (!json_is_integer(idx) || idx->u.num.d < 0 || idx->u.num.d >= (double)n) {
        rc = fail_format(out, body, blen, "data[%zu].index is out of range", i);
        goto done;
      }
      pos = (size_t)idx->u.num.d;
    }
    if (slots[pos]) { rc = fail_format(out, body, blen, "duplicate embedding index %zu", pos); goto done; }
    slots[pos] = emb;
    if (emb->u.arr.items) {
      for (size_t k = 0; k < emb->u.arr.len; k++)
        if (!json_is(emb->u.arr.items[k], JSON_NUMBER)) {
          rc = fail_format(out, body, blen, "data[%zu].embedding[%zu] is not a number", i, k);
          goto done;
        }
    }
  }
  jb_arr(out);
  for (size_t i = 0; i < n; i++) {
    const json_value *emb = slots[i];
    if (!emb->u.arr.items) { /* compact: all small integers */
      jb_byte_array(out, emb->u.arr.bytes ? emb->u.arr.bytes : (const uint8_t *)"", emb->u.arr.bytes ? emb->u.arr.len : 0);
      continue;
    }
    jb_arr(out);
    for (size_t k = 0; k < emb->u.arr.len; k++) jb_f32(out, (float)emb->u.arr.items[k]->u.num.d);
    jb_arr_end(out);
  }
  jb_arr_end(out);
done:
  arena_free(a);
  return rc;
}

/* ======================================================================= completions */

int llmb_fn_complete_request(const uint8_t *in, size_t len, jbuf *out) {
  int rc = 0;
  llmb_arena *a = arena_new();
  if (!a) return fail_plain(out, "out of memory");
  config c;
  jbuf body;
  jb_init(&body);
  const json_value *v = parse_input(a, in, len, out, &rc);
  if (!v || (rc = config_from_envelope(v, &c, out))) goto done;
  const json_value *req = json_get(v, "req");
  if (!json_is(req, JSON_OBJECT)) { rc = fail_plain(out, "invalid input: missing field `req`"); goto done; }
  size_t pn, sn;
  const char *prompt = json_str(json_get(req, "prompt"), &pn);
  if (!prompt) { rc = fail_plain(out, "invalid input: missing field `req.prompt` (string)"); goto done; }
  const json_value *suffix = json_get(req, "suffix");
  const char *suf = json_str(suffix, &sn);
  if (!json_is_null_or_absent(suffix) && !suf) { rc = fail_plain(out, "invalid input: `req.suffix` must be a string or null"); goto done; }
  const json_value *mt = json_get(req, "max_tokens"), *temp = json_get(req, "temperature");
  if (json_is_null_or_absent(mt)) mt = c.max_tokens;
  else if (!check_max_tokens(mt)) { rc = fail(out, "invalid_request", "request field 'max_tokens' must be an integer between 1 and 4294967295"); goto done; }
  if (json_is_null_or_absent(temp)) temp = c.temperature;
  else if (!check_temperature(temp)) { rc = fail(out, "invalid_request", "request field 'temperature' must be between 0 and 2"); goto done; }
  jb_obj(&body);
  if (c.model) { jb_key(&body, "model"); jb_str(&body, c.model, c.model_len); }
  jb_key(&body, "prompt");
  jb_str(&body, prompt, pn);
  if (suf) { jb_key(&body, "suffix"); jb_str(&body, suf, sn); }
  if (mt) { jb_key(&body, "max_tokens"); jb_value(&body, mt); }
  if (temp) { jb_key(&body, "temperature"); jb_value(&body, temp); }
  jb_obj_end(&body);
  write_http_req(out, "POST", &c, "/completions", &body);
done:
  jb_free(&body);
  arena_free(a);
  return rc;
}

int llmb_fn_parse_complete_response(const uint8_t *in, size_t len, jbuf *out) {
  int rc = 0;
  llmb_arena *a = arena_new();
  if (!a) return fail_plain(out, "out of memory");
  const uint8_t *body;
  size_t blen, n;
  const json_value *v = parse_input(a, in, len, out, &rc), *r = NULL;
  if (!v || (rc = get_resp_body(a, v, &body, &blen, out)) || (rc = parse_body_object(a, body, blen, &r, out))) goto done;
  const char *text = json_str(json_get(json_at(json_get(r, "choices"), 0), "text"), &n);
  if (!text) { rc = fail_format(out, body, blen, "response has no choices[0].text"); goto done; }
  jb_obj(out);
  jb_key(out, "text");
  jb_str(out, text, n);
  jb_obj_end(out);
done:
  arena_free(a);
  return rc;
}

/* ======================================================================= models */

int llmb_fn_list_models_static(const uint8_t *in, size_t len, jbuf *out) {
  (void)in; (void)len;
  jb_rawz(out, "null");
  return 0;
}

int llmb_fn_list_models_request(const uint8_t *in, size_t len, jbuf *out) {
  int rc = 0;
  llmb_arena *a = arena_new();
  if (!a) return fail_plain(out, "out of memory");
  config c;
  const json_value *v = parse_input(a, in, len, out, &rc);
  if (v && !(rc = config_from_envelope(v, &c, out))) write_http_req(out, "GET", &c, "/models", NULL);
  arena_free(a);
  return rc;
}

int llmb_fn_parse_list_models_response(const uint8_t *in, size_t len, jbuf *out) {
  int rc = 0;
  llmb_arena *a = arena_new();
  if (!a) return fail_plain(out, "out of memory");
  const uint8_t *body;
  size_t blen;
  char err[200];
  const json_value *v = parse_input(a, in, len, out, &rc), *r;
  if (!v || (rc = get_resp_body(a, v, &body, &blen, out))) goto done;
  r = json_parse(a, body, blen, err, sizeof err);
  if (!r) { rc = fail_format(out, body, blen, "response body is not valid JSON: %s", err); goto done; }
  if (fail_if_error_object(r, out)) { rc = 1; goto done; }
  const json_value *data = json_is(r, JSON_ARRAY) ? r : json_get(r, "data");
  if (!json_is(data, JSON_ARRAY)) { rc = fail_format(out, body, blen, "response has no `data` array"); goto done; }
  jb_arr(out);
  for (size_t i = 0; i < json_len(data); i++) {
    size_t n;
    const char *id = json_str(json_get(json_at(data, i), "id"), &n);
    if (!id) { rc = fail_format(out, body, blen, "data[%zu].id is missing", i); goto done; }
    jb_str(out, id, n);
  }
  jb_arr_end(out);
done:
  arena_free(a);
  return rc;
}

/* ======================================================================= metadata & config */

int llmb_fn_name(const uint8_t *in, size_t len, jbuf *out) { (void)in; (void)len; jb_rawz(out, LLMB_PROVIDER_NAME); return 0; }
int llmb_fn_base_url(const uint8_t *in, size_t len, jbuf *out) { (void)in; (void)len; jb_rawz(out, LLMB_DEFAULT_BASE_URL); return 0; }
int llmb_fn_api_key_name(const uint8_t *in, size_t len, jbuf *out) { (void)in; (void)len; jb_rawz(out, LLMB_API_KEY_NAME); return 0; }

static const char config_schema[] =
    "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"title\":\"Config\","
    "\"description\":\"openai-compatible-c provider configuration\",\"type\":\"object\","
    "\"properties\":{"
    "\"api_key\":{\"type\":\"string\",\"minLength\":1,\"description\":\"API key, sent as 'Authorization: Bearer <api_key>'\"},"
    "\"model\":{\"type\":\"string\",\"description\":\"Model id for chat and text completions\"},"
    "\"base_url\":{\"type\":\"string\",\"format\":\"uri\",\"default\":\"" LLMB_DEFAULT_BASE_URL "\","
    "\"description\":\"Base URL of the OpenAI-compatible API (http or https)\"},"
    "\"embedding_model\":{\"type\":\"string\",\"description\":\"Model id for embeddings (defaults to model)\"},"
    "\"max_tokens\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":4294967295},"
    "\"temperature\":{\"type\":\"number\",\"minimum\":0,\"maximum\":2},"
    "\"system\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"description\":\"System prompts, sent first\"}"
    "},\"required\":[\"api_key\"],\"additionalProperties\":false}";

int llmb_fn_config_schema(const uint8_t *in, size_t len, jbuf *out) {
  (void)in; (void)len;
  jb_raw(out, config_schema, sizeof config_schema - 1);
  return 0;
}

int llmb_fn_init_logging(const uint8_t *in, size_t len, jbuf *out) {
  int rc = 0;
  llmb_arena *a = arena_new();
  if (!a) return fail_plain(out, "out of memory");
  const json_value *v = parse_input(a, in, len, out, &rc);
  if (v) {
    if (json_is(v, JSON_NUMBER)) {
      double d = v->u.num.d;
      int level = d <= 0 ? 0 : d >= 5 ? 5 : (int)d;
      __atomic_store_n(&g_log_level, level, __ATOMIC_RELAXED);
      plog(3, "log level set to %d", level);
    } else if (!json_is(v, JSON_NULL)) {
      rc = fail_plain(out, "invalid input: expected a log level number (0-5)");
    }
  }
  arena_free(a);
  return rc;
}

int llmb_fn_from_config(const uint8_t *in, size_t len, jbuf *out) {
  int rc = 0;
  llmb_arena *a = arena_new();
  if (!a) return fail_plain(out, "out of memory");
  config c;
  const json_value *v = parse_input(a, in, len, out, &rc);
  if (v && !(rc = config_load(v, &c, out))) {
    int wrote_base = 0;
    jb_obj(out);
    for (size_t i = 0; i < v->u.obj.len; i++) {
      const json_member *m = &v->u.obj.members[i];
      jb_keyn(out, m->key, m->key_len);
      if (str_eq(m->key, m->key_len, "base_url")) {
        jb_str(out, c.base_url, c.base_url_len);
        wrote_base = 1;
      } else {
        jb_value(out, m->value);
      }
    }
    if (!wrote_base) { jb_key(out, "base_url"); jb_strz(out, LLMB_DEFAULT_BASE_URL); }
    jb_obj_end(out);
  }
  arena_free(a);
  return rc;
}

int llmb_fn_supports_streaming(const uint8_t *in, size_t len, jbuf *out) {
  (void)in; (void)len;
  jb_rawz(out, "true");
  return 0;
}

/* ======================================================================= dispatch */

#define LLMB_EXPORT_STR(n) ",\"" #n "\""
const char llmb_exports_json[] = "[\"name\"" LLMB_FUNCTIONS_REST(LLMB_EXPORT_STR) "]";

static const struct { const char *name; llmb_fn fn; } g_table[] = {
#define LLMB_ENTRY(n) {#n, llmb_fn_##n},
    LLMB_FUNCTIONS(LLMB_ENTRY)
#undef LLMB_ENTRY
};

llmb_fn llmb_find(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < sizeof g_table / sizeof g_table[0]; i++)
    if (strcmp(g_table[i].name, name) == 0) return g_table[i].fn;
  return NULL;
}

int32_t llmb_invoke(llmb_fn fn, const uint8_t *in, size_t len, uint8_t **out, size_t *out_len) {
  jbuf o;
  jb_init(&o);
  int rc = fn(in, len, &o);
  if (o.oom) {
    jb_free(&o);
    rc = -1;
    jb_rawz(&o, "out of memory");
  }
  if (rc != 0 && o.len == 0) jb_rawz(&o, "error");
  if (rc != 0 && rc != 1) rc = -1;
  *out = (uint8_t *)jb_take(&o, out_len);
  if (!*out) *out_len = 0;
  return rc;
}
