// A QueryMT plugin of the older kind, which does its own HTTP through the host instead of exporting chat_request and the
// parsers: chat, chat_stream, embed, complete and list_models, each a request to https://upstream.test sent with
// qmt_http_request or read with qmt_http_stream_open/next/close. The test's upstream does the provider's part: it reads
// the plugin's input (sent as the request body) and answers with what the export must output; a stream's lines are
// yielded one by one with qmt_yield_chunk. No libc: built with clang --target=wasm32 -nostdlib.
typedef unsigned long long u64;
typedef unsigned char u8;

#define ENV(name) __attribute__((import_module("extism:host/env"), import_name(name)))
#define USER(name) __attribute__((import_module("extism:host/user"), import_name(name)))
#define EXPORT(name) __attribute__((export_name(name)))

ENV("alloc") u64 k_alloc(u64 n);
ENV("length") u64 k_length(u64 p);
ENV("load_u8") u8 k_load_u8(u64 p);
ENV("store_u8") void k_store_u8(u64 p, u8 v);
ENV("input_length") u64 k_input_length(void);
ENV("input_load_u8") u8 k_input_load_u8(u64 p);
ENV("output_set") void k_output_set(u64 p, u64 n);
ENV("error_set") void k_error_set(u64 p);
USER("qmt_http_request") u64 qmt_http_request(u64 request);
USER("qmt_http_stream_open") u64 qmt_http_stream_open(u64 request);
USER("qmt_http_stream_next") u64 qmt_http_stream_next(u64 id);
USER("qmt_http_stream_close") void qmt_http_stream_close(u64 id);
USER("qmt_yield_chunk") void qmt_yield_chunk(u64 chunk);

static u8 heap[1 << 20];
static unsigned top;

static u8 *take(unsigned n) { u8 *p = heap + top; top += n; return p; }

static u64 put(const u8 *bytes, unsigned n) {
  u64 p = k_alloc(n);
  for (unsigned i = 0; i < n; i++) k_store_u8(p + i, bytes[i]);
  return p;
}

static unsigned cstrlen(const char *s) { unsigned n = 0; while (s[n]) n++; return n; }

static int output(const u8 *bytes, unsigned n) { k_output_set(put(bytes, n), n); return 0; }

static int fail(const char *message) { k_error_set(put((const u8 *)message, cstrlen(message))); return 1; }

// Copies a kernel block into the plugin's memory.
static u8 *fetch(u64 p, unsigned *n) {
  *n = (unsigned)k_length(p);
  u8 *out = take(*n + 1);
  for (unsigned i = 0; i < *n; i++) out[i] = k_load_u8(p + i);
  out[*n] = 0;
  return out;
}

static unsigned append(u8 *out, unsigned at, const char *text) {
  while (*text) out[at++] = (u8)*text++;
  return at;
}

static unsigned number(u8 *out, unsigned at, unsigned value) {
  char digits[12]; int n = 0;
  do { digits[n++] = (char)('0' + value % 10); value /= 10; } while (value);
  while (n) out[at++] = (u8)digits[--n];
  return at;
}

// {"req":{"head":{"method":M,"uri":"https://upstream.test/PATH","headers":{},"version":"HTTP/1.1"},"body":[input bytes]}}
static u64 request(const char *method, const char *path) {
  unsigned n = (unsigned)k_input_length();
  u8 *out = take(200 + n * 4);
  unsigned at = append(out, 0, "{\"req\":{\"head\":{\"method\":\"");
  at = append(out, at, method);
  at = append(out, at, "\",\"uri\":\"https://upstream.test/");
  at = append(out, at, path);
  at = append(out, at, "\",\"headers\":{\"content-type\":\"application/json\"},\"version\":\"HTTP/1.1\"},\"body\":[");
  for (unsigned i = 0; i < n; i++) {
    if (i) out[at++] = ',';
    at = number(out, at, k_input_load_u8(i));
  }
  at = append(out, at, "]}}");
  return put(out, at);
}

static const u8 *find(const u8 *text, unsigned n, const char *needle) {
  unsigned m = cstrlen(needle);
  for (unsigned i = 0; i + m <= n; i++) {
    unsigned j = 0;
    while (j < m && text[i + j] == (u8)needle[j]) j++;
    if (j == m) return text + i + m;
  }
  return 0;
}

// Sends the request and outputs the response body when the status is 200; otherwise fails with the body.
static int exchange(const char *method, const char *path) {
  top = 0;
  unsigned n;
  u8 *response = fetch(qmt_http_request(request(method, path)), &n);
  const u8 *status = find(response, n, "\"status\":");
  const u8 *body = find(response, n, "\"body\":[");
  if (!status || !body) return fail("the host's response envelope has no status or body");
  u8 *out = take(n);
  unsigned length = 0, value = 0, digits = 0;
  for (const u8 *c = body; c < response + n && *c != ']'; c++) {
    if (*c >= '0' && *c <= '9') { value = value * 10 + (*c - '0'); digits++; }
    else if (*c == ',' && digits) { out[length++] = (u8)value; value = 0; digits = 0; }
  }
  if (digits) out[length++] = (u8)value;
  if (!(status[0] == '2' && status[1] == '0' && status[2] == '0')) {
    out[length] = 0;
    return fail((const char *)out);
  }
  return output(out, length);
}

EXPORT("name") int name(void) { return output((const u8 *)"in-plugin", 9); }
EXPORT("base_url") int base_url(void) { return output((const u8 *)"https://upstream.test", 21); }
EXPORT("supports_streaming") int supports_streaming(void) { return output((const u8 *)"true", 4); }
EXPORT("chat") int chat(void) { return exchange("POST", "chat"); }
EXPORT("embed") int embed(void) { return exchange("POST", "embed"); }
EXPORT("complete") int complete(void) { return exchange("POST", "complete"); }
EXPORT("list_models") int list_models(void) { return exchange("GET", "models"); }

// Opens the stream and yields every line that arrives (each an ExtismChatChunk), then closes it.
EXPORT("chat_stream") int chat_stream(void) {
  top = 0;
  unsigned n;
  u8 *opened = fetch(qmt_http_stream_open(request("POST", "stream")), &n);
  const u8 *id_text = find(opened, n, "\"stream_id\":");
  if (!id_text) return fail((const char *)opened);
  unsigned id_length = 0;
  while (id_text[id_length] >= '0' && id_text[id_length] <= '9') id_length++;
  u64 id = put(id_text, id_length);
  u8 *line = take(64 * 1024);
  unsigned pending = 0;
  for (;;) {
    u64 chunk = qmt_http_stream_next(id);
    if (!chunk) break;
    unsigned length;
    u8 *bytes = fetch(chunk, &length);
    for (unsigned i = 0; i < length; i++) {
      if (bytes[i] == '\n') {
        if (pending) qmt_yield_chunk(put(line, pending));
        pending = 0;
      } else if (pending < 64 * 1024) {
        line[pending++] = bytes[i];
      }
    }
    top = (unsigned)(line - heap) + 64 * 1024; // the chunk's copy is not needed any more
  }
  if (pending) qmt_yield_chunk(put(line, pending));
  qmt_http_stream_close(id);
  return 0;
}
