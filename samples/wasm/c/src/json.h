/* Small JSON library for the openai-compatible sample plugin.
 *
 * - Parser: strict RFC 8259 JSON into a DOM allocated from an arena (free everything at once with arena_free).
 *   Strings are decoded to UTF-8 (\uXXXX escapes incl. surrogate pairs; a lone surrogate becomes U+FFFD),
 *   raw UTF-8 is validated, nesting is limited to JSON_MAX_DEPTH. Malformed input yields NULL and an error message,
 *   never a crash. Arrays of small integers (0..255, e.g. HTTP bodies) are stored compactly as bytes.
 * - Builder (jbuf): a growable byte buffer with JSON writers that insert commas automatically.
 *   Strings are escaped; invalid UTF-8 is replaced by U+FFFD so the output is always valid JSON.
 */
#ifndef LLMB_JSON_H
#define LLMB_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 128

/* ---------- arena ---------- */
typedef struct llmb_arena llmb_arena;
llmb_arena *arena_new(void);
void arena_free(llmb_arena *a);
void *arena_alloc(llmb_arena *a, size_t n);            /* 8-byte aligned; NULL on OOM */
char *arena_strndup(llmb_arena *a, const char *s, size_t n); /* NUL-terminated copy */

/* ---------- DOM ---------- */
typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value json_value;
typedef struct json_member {
  const char *key; /* NUL-terminated (may also contain NULs: use key_len) */
  size_t key_len;
  json_value *value;
} json_member;

struct json_value {
  json_type type;
  union {
    int boolean;
    struct { double d; const char *raw; size_t raw_len; } num; /* raw: the number's text, NUL-terminated */
    struct { const char *s; size_t len; } str;                 /* UTF-8, NUL-terminated */
    struct {
      json_value **items; /* NULL when the array is stored compactly as bytes */
      const uint8_t *bytes;
      size_t len;
      llmb_arena *arena;  /* for materialising elements of a compact array */
    } arr;
    struct { json_member *members; size_t len; } obj;
  } u;
};

/* Parses n bytes. Returns NULL on error and writes a message into err (if errcap > 0). */
json_value *json_parse(llmb_arena *a, const uint8_t *text, size_t n, char *err, size_t errcap);

/* Accessors: all are NULL-safe and type-checking. */
const json_value *json_get(const json_value *obj, const char *key); /* last member with that key */
size_t json_len(const json_value *v);                                /* array or object length, else 0 */
const json_value *json_at(const json_value *arr, size_t i);
int json_is(const json_value *v, json_type t);
int json_is_null_or_absent(const json_value *v);
const char *json_str(const json_value *v, size_t *len);              /* NULL unless a string */
int json_is_integer(const json_value *v);                            /* a number written without '.', 'e', 'E' */
/* Copies an array of integers 0..255 into a new arena buffer. Returns 0 on success, -1 otherwise. */
int json_bytes(llmb_arena *a, const json_value *arr, const uint8_t **out, size_t *out_len);

/* ---------- builder ---------- */
#define JB_MAX_NEST 32
typedef struct jbuf {
  char *buf;
  size_t len, cap;
  int oom;
  int depth;
  struct { char is_arr; char after_key; size_t count; } st[JB_MAX_NEST];
} jbuf;

void jb_init(jbuf *b);
void jb_free(jbuf *b);
void jb_reset(jbuf *b);
char *jb_take(jbuf *b, size_t *len); /* detaches the buffer (malloc'd) */

void jb_raw(jbuf *b, const void *s, size_t n); /* raw bytes, no separators */
void jb_rawz(jbuf *b, const char *s);

void jb_obj(jbuf *b);
void jb_obj_end(jbuf *b);
void jb_arr(jbuf *b);
void jb_arr_end(jbuf *b);
void jb_key(jbuf *b, const char *k);
void jb_keyn(jbuf *b, const char *k, size_t n);

void jb_null(jbuf *b);
void jb_bool(jbuf *b, int v);
void jb_int(jbuf *b, int64_t v);
void jb_uint(jbuf *b, uint64_t v);
void jb_f32(jbuf *b, float f);                 /* shortest text that round-trips as f32; null if not finite */
void jb_str(jbuf *b, const char *s, size_t n); /* escaped JSON string */
void jb_strz(jbuf *b, const char *s);
void jb_value(jbuf *b, const json_value *v);   /* serialises a DOM value (compact) */
void jb_value_as_string(jbuf *b, const json_value *v); /* the value serialised, then written as a JSON string */
void jb_byte_array(jbuf *b, const uint8_t *p, size_t n); /* [n,n,...] */
void jb_json_text(jbuf *b, const char *json, size_t n);  /* an already serialised value */
/* A JSON string: prefix (escaped) followed by the standard base64 (RFC 4648, padded) of p[0..n), encoded straight
 * into the buffer (one reservation, no intermediate copy), e.g. a "data:image/png;base64,..." URL. */
void jb_str_base64(jbuf *b, const char *prefix, size_t prefix_len, const uint8_t *p, size_t n);

/* Escapes s (with U+FFFD for invalid UTF-8) without quotes/separators. */
void jb_escape(jbuf *b, const char *s, size_t n);
/* Appends s with invalid UTF-8 sequences replaced by U+FFFD (no escaping). */
void jb_utf8_lossy(jbuf *b, const char *s, size_t n);

/* Locale-independent number helpers. */
double llmb_strtod(const char *s);
#endif
