/* JSON parser (DOM in an arena) and builder. See json.h. */
#ifdef LLMB_NATIVE
#define _GNU_SOURCE 1 /* strtod_l, strtof_l, uselocale */
#endif
#include "json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef LLMB_NATIVE
#include <locale.h>
#include <pthread.h>
#endif

/* ======================================================================= arena */

typedef struct arena_chunk {
  struct arena_chunk *next;
  size_t used, cap;
  /* data follows, 16-byte aligned */
} arena_chunk;

struct llmb_arena {
  arena_chunk *head;
};

#define ARENA_HDR ((sizeof(arena_chunk) + 15) & ~(size_t)15)
#define ARENA_MIN (64 * 1024)

llmb_arena *arena_new(void) { return (llmb_arena *)calloc(1, sizeof(llmb_arena)); }

void arena_free(llmb_arena *a) {
  if (!a) return;
  arena_chunk *c = a->head;
  while (c) {
    arena_chunk *n = c->next;
    free(c);
    c = n;
  }
  free(a);
}

void *arena_alloc(llmb_arena *a, size_t n) {
  if (!a) return NULL;
  if (n == 0) n = 1;
  if (n > SIZE_MAX / 2) return NULL;
  n = (n + 7) & ~(size_t)7;
  arena_chunk *c = a->head;
  if (!c || c->cap - c->used < n) {
    size_t cap = n > ARENA_MIN ? n : ARENA_MIN;
    arena_chunk *nc = (arena_chunk *)malloc(ARENA_HDR + cap);
    if (!nc) return NULL;
    nc->used = 0;
    nc->cap = cap;
    if (c && n > ARENA_MIN) { /* big one-off block: keep the current chunk as the head */
      nc->next = c->next;
      c->next = nc;
      nc->used = n;
      return (char *)nc + ARENA_HDR;
    }
    nc->next = c;
    a->head = nc;
    c = nc;
  }
  void *p = (char *)c + ARENA_HDR + c->used;
  c->used += n;
  return p;
}

char *arena_strndup(llmb_arena *a, const char *s, size_t n) {
  if (n == SIZE_MAX) return NULL;
  char *p = (char *)arena_alloc(a, n + 1);
  if (!p) return NULL;
  if (n) memcpy(p, s, n);
  p[n] = 0;
  return p;
}

/* ======================================================================= numbers (locale independent) */

#ifdef LLMB_NATIVE
static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void c_locale_init(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }
static locale_t get_c_locale(void) {
  pthread_once(&c_locale_once, c_locale_init);
  return c_locale;
}
double llmb_strtod(const char *s) {
  locale_t l = get_c_locale();
  return l ? strtod_l(s, NULL, l) : strtod(s, NULL);
}
static float llmb_strtof(const char *s) {
  locale_t l = get_c_locale();
  return l ? strtof_l(s, NULL, l) : strtof(s, NULL);
}
static int fmt_g(char *buf, size_t cap, int prec, double d) {
  locale_t l = get_c_locale();
  locale_t old = l ? uselocale(l) : (locale_t)0;
  int n = snprintf(buf, cap, "%.*g", prec, d);
  if (l) uselocale(old);
  return n;
}
#else
double llmb_strtod(const char *s) { return strtod(s, NULL); }
static float llmb_strtof(const char *s) { return strtof(s, NULL); }
static int fmt_g(char *buf, size_t cap, int prec, double d) { return snprintf(buf, cap, "%.*g", prec, d); }
#endif

/* ======================================================================= UTF-8 */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid/truncated. */
static size_t utf8_valid_len(const uint8_t *s, size_t n) {
  if (n == 0) return 0;
  uint8_t c = s[0];
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;
  if (c < 0xE0) {
    if (n < 2 || (s[1] & 0xC0) != 0x80) return 0;
    return 2;
  }
  if (c < 0xF0) {
    if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && s[1] < 0xA0) return 0; /* overlong */
    if (c == 0xED && s[1] >= 0xA0) return 0; /* surrogates */
    return 3;
  }
  if (c < 0xF5) {
    if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) return 0;
    if (c == 0xF0 && s[1] < 0x90) return 0; /* overlong */
    if (c == 0xF4 && s[1] >= 0x90) return 0; /* > U+10FFFF */
    return 4;
  }
  return 0;
}

static size_t utf8_encode(uint32_t cp, char *out) {
  if (cp < 0x80) { out[0] = (char)cp; return 1; }
  if (cp < 0x800) { out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12)); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18)); out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* ======================================================================= parser */

typedef struct {
  llmb_arena *a;
  const uint8_t *s;
  size_t n, pos;
  char *err;
  size_t errcap;
  int failed;
} parser;

static void perr(parser *p, const char *fmt, ...) {
  if (p->failed) return;
  p->failed = 1;
  if (!p->err || p->errcap == 0) return;
  char msg[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(p->err, p->errcap, "%s at byte %zu", msg, p->pos);
}

static void skip_ws(parser *p) {
  while (p->pos < p->n) {
    uint8_t c = p->s[p->pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') p->pos++;
    else break;
  }
}

static json_value *new_val(parser *p, json_type t) {
  json_value *v = (json_value *)arena_alloc(p->a, sizeof(json_value));
  if (!v) { perr(p, "out of memory"); return NULL; }
  memset(v, 0, sizeof *v);
  v->type = t;
  return v;
}

static int hex4(parser *p, uint32_t *out) {
  if (p->n - p->pos < 4) { perr(p, "truncated \\u escape"); return -1; }
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    uint8_t c = p->s[p->pos + i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
    else { perr(p, "invalid \\u escape"); return -1; }
  }
  p->pos += 4;
  *out = v;
  return 0;
}

/* Parses a string starting at the opening quote. */
static int parse_string_raw(parser *p, const char **out, size_t *out_len) {
  p->pos++; /* opening quote */
  /* First pass: find the end and an upper bound for the decoded length. */
  size_t start = p->pos, i = p->pos;
  int has_escape = 0;
  while (1) {
    if (i >= p->n) { p->pos = i; perr(p, "unterminated string"); return -1; }
    uint8_t c = p->s[i];
    if (c == '"') break;
    if (c == '\\') { has_escape = 1; i += 2; continue; }
    i++;
  }
  size_t cap = i - start; /* decoded text is never longer than the source (\u escapes shrink; U+FFFD for a lone
                             surrogate takes 3 bytes for the 6 of the escape) */
  char *buf = (char *)arena_alloc(p->a, cap + 1);
  if (!buf) { perr(p, "out of memory"); return -1; }
  size_t o = 0;
  if (!has_escape) {
    /* validate */
    size_t k = start;
    while (k < i) {
      uint8_t c = p->s[k];
      if (c < 0x20) { p->pos = k; perr(p, "control character in string"); return -1; }
      if (c < 0x80) { k++; continue; }
      size_t l = utf8_valid_len(p->s + k, i - k);
      if (!l) { p->pos = k; perr(p, "invalid UTF-8 in string"); return -1; }
      k += l;
    }
    memcpy(buf, p->s + start, cap);
    o = cap;
    p->pos = i + 1;
  } else {
    size_t k = start;
    while (k < i) {
      uint8_t c = p->s[k];
      if (c == '\\') {
        if (k + 1 >= i) { p->pos = k; perr(p, "invalid escape"); return -1; }
        uint8_t e = p->s[k + 1];
        k += 2;
        switch (e) {
          case '"': buf[o++] = '"'; break;
          case '\\': buf[o++] = '\\'; break;
          case '/': buf[o++] = '/'; break;
          case 'b': buf[o++] = '\b'; break;
          case 'f': buf[o++] = '\f'; break;
          case 'n': buf[o++] = '\n'; break;
          case 'r': buf[o++] = '\r'; break;
          case 't': buf[o++] = '\t'; break;
          case 'u': {
            uint32_t cp;
            p->pos = k;
            if (k > i || i - k < 4 || hex4(p, &cp)) { if (!p->failed) perr(p, "truncated \\u escape"); return -1; }
            k += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              /* need a low surrogate */
              if (i - k >= 6 && p->s[k] == '\\' && p->s[k + 1] == 'u') {
                uint32_t lo;
                p->pos = k + 2;
                if (hex4(p, &lo)) return -1;
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                  cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                  k += 6;
                } else {
                  cp = 0xFFFD; /* lone high surrogate; the following escape is decoded on its own */
                }
              } else {
                cp = 0xFFFD;
              }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
              cp = 0xFFFD; /* lone low surrogate */
            }
            o += utf8_encode(cp, buf + o);
            break;
          }
          default: p->pos = k - 2; perr(p, "invalid escape"); return -1;
        }
        continue;
      }
      if (c < 0x20) { p->pos = k; perr(p, "control character in string"); return -1; }
      if (c < 0x80) { buf[o++] = (char)c; k++; continue; }
      size_t l = utf8_valid_len(p->s + k, i - k);
      if (!l) { p->pos = k; perr(p, "invalid UTF-8 in string"); return -1; }
      memcpy(buf + o, p->s + k, l);
      o += l;
      k += l;
    }
    if (k != i) { p->pos = k; perr(p, "invalid escape"); return -1; }
    p->pos = i + 1;
  }
  buf[o] = 0;
  *out = buf;
  *out_len = o;
  return 0;
}

static json_value *parse_value(parser *p, int depth);

static json_value *parse_number(parser *p) {
  size_t start = p->pos, i = p->pos;
  const uint8_t *s = p->s;
  if (i < p->n && s[i] == '-') i++;
  if (i >= p->n) { p->pos = i; perr(p, "invalid number"); return NULL; }
  if (s[i] == '0') {
    i++;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < p->n && s[i] >= '0' && s[i] <= '9') i++;
  } else {
    p->pos = i; perr(p, "invalid number"); return NULL;
  }
  if (i < p->n && s[i] == '.') {
    i++;
    if (i >= p->n || s[i] < '0' || s[i] > '9') { p->pos = i; perr(p, "invalid number"); return NULL; }
    while (i < p->n && s[i] >= '0' && s[i] <= '9') i++;
  }
  if (i < p->n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < p->n && (s[i] == '+' || s[i] == '-')) i++;
    if (i >= p->n || s[i] < '0' || s[i] > '9') { p->pos = i; perr(p, "invalid number"); return NULL; }
    while (i < p->n && s[i] >= '0' && s[i] <= '9') i++;
  }
  json_value *v = new_val(p, JSON_NUMBER);
  if (!v) return NULL;
  char *raw = arena_strndup(p->a, (const char *)s + start, i - start);
  if (!raw) { perr(p, "out of memory"); return NULL; }
  v->u.num.raw = raw;
  v->u.num.raw_len = i - start;
  v->u.num.d = llmb_strtod(raw);
  p->pos = i;
  return v;
}

/* Fast path for arrays of integers 0..255 (HTTP bodies). Returns 1 and fills v on success, 0 to fall back. */
static int try_byte_array(parser *p, json_value *v) {
  size_t i = p->pos + 1; /* after '[' */
  const uint8_t *s = p->s;
  size_t count = 0;
  /* pass 1: validate and count */
  while (i < p->n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
  if (i >= p->n || s[i] == ']') return 0; /* empty: generic path */
  size_t scan = i;
  for (;;) {
    if (scan >= p->n || s[scan] < '0' || s[scan] > '9') return 0;
    unsigned val = 0;
    size_t d = 0;
    if (s[scan] == '0') { scan++; d = 1; }
    else while (scan < p->n && s[scan] >= '0' && s[scan] <= '9') { val = val * 10 + (unsigned)(s[scan] - '0'); scan++; if (++d > 3) return 0; }
    if (val > 255) return 0;
    if (scan < p->n && (s[scan] == '.' || s[scan] == 'e' || s[scan] == 'E')) return 0;
    count++;
    while (scan < p->n && (s[scan] == ' ' || s[scan] == '\t' || s[scan] == '\n' || s[scan] == '\r')) scan++;
    if (scan >= p->n) return 0;
    if (s[scan] == ']') break;
    if (s[scan] != ',') return 0;
    scan++;
    while (scan < p->n && (s[scan] == ' ' || s[scan] == '\t' || s[scan] == '\n' || s[scan] == '\r')) scan++;
  }
  uint8_t *bytes = (uint8_t *)arena_alloc(p->a, count);
  if (!bytes) return 0;
  size_t k = 0;
  while (i < scan && k < count) {
    if (s[i] >= '0' && s[i] <= '9') {
      unsigned val = 0;
      while (s[i] >= '0' && s[i] <= '9') { val = val * 10 + (unsigned)(s[i] - '0'); i++; }
      bytes[k++] = (uint8_t)val;
    } else {
      i++;
    }
  }
  v->u.arr.items = NULL;
  v->u.arr.bytes = bytes;
  v->u.arr.len = count;
  v->u.arr.arena = p->a;
  p->pos = scan + 1;
  return 1;
}

static json_value *parse_array(parser *p, int depth) {
  json_value *v = new_val(p, JSON_ARRAY);
  if (!v) return NULL;
  v->u.arr.arena = p->a;
  if (try_byte_array(p, v)) return v;
  p->pos++; /* '[' */
  size_t cap = 0, len = 0;
  json_value **items = NULL;
  skip_ws(p);
  if (p->pos < p->n && p->s[p->pos] == ']') {
    p->pos++;
    v->u.arr.items = NULL;
    v->u.arr.len = 0;
    return v;
  }
  for (;;) {
    json_value *item = parse_value(p, depth + 1);
    if (!item) return NULL;
    if (len == cap) {
      size_t ncap = cap ? cap * 2 : 8;
      json_value **ni = (json_value **)arena_alloc(p->a, ncap * sizeof(json_value *));
      if (!ni) { perr(p, "out of memory"); return NULL; }
      if (len) memcpy(ni, items, len * sizeof(json_value *));
      items = ni;
      cap = ncap;
    }
    items[len++] = item;
    skip_ws(p);
    if (p->pos >= p->n) { perr(p, "unterminated array"); return NULL; }
    uint8_t c = p->s[p->pos];
    if (c == ',') { p->pos++; continue; }
    if (c == ']') { p->pos++; break; }
    perr(p, "expected ',' or ']'");
    return NULL;
  }
  v->u.arr.items = items;
  v->u.arr.len = len;
  return v;
}

static json_value *parse_object(parser *p, int depth) {
  json_value *v = new_val(p, JSON_OBJECT);
  if (!v) return NULL;
  p->pos++; /* '{' */
  size_t cap = 0, len = 0;
  json_member *members = NULL;
  skip_ws(p);
  if (p->pos < p->n && p->s[p->pos] == '}') {
    p->pos++;
    return v;
  }
  for (;;) {
    skip_ws(p);
    if (p->pos >= p->n || p->s[p->pos] != '"') { perr(p, "expected object key"); return NULL; }
    const char *key;
    size_t key_len;
    if (parse_string_raw(p, &key, &key_len)) return NULL;
    skip_ws(p);
    if (p->pos >= p->n || p->s[p->pos] != ':') { perr(p, "expected ':'"); return NULL; }
    p->pos++;
    json_value *item = parse_value(p, depth + 1);
    if (!item) return NULL;
    if (len == cap) {
      size_t ncap = cap ? cap * 2 : 8;
      json_member *nm = (json_member *)arena_alloc(p->a, ncap * sizeof(json_member));
      if (!nm) { perr(p, "out of memory"); return NULL; }
      if (len) memcpy(nm, members, len * sizeof(json_member));
      members = nm;
      cap = ncap;
    }
    members[len].key = key;
    members[len].key_len = key_len;
    members[len].value = item;
    len++;
    skip_ws(p);
    if (p->pos >= p->n) { perr(p, "unterminated object"); return NULL; }
    uint8_t c = p->s[p->pos];
    if (c == ',') { p->pos++; continue; }
    if (c == '}') { p->pos++; break; }
    perr(p, "expected ',' or '}'");
    return NULL;
  }
  v->u.obj.members = members;
  v->u.obj.len = len;
  return v;
}

static int match_lit(parser *p, const char *lit) {
  size_t l = strlen(lit);
  if (p->n - p->pos < l || memcmp(p->s + p->pos, lit, l) != 0) return 0;
  p->pos += l;
  return 1;
}

static json_value *parse_value(parser *p, int depth) {
  if (depth > JSON_MAX_DEPTH) { perr(p, "nesting too deep"); return NULL; }
  skip_ws(p);
  if (p->pos >= p->n) { perr(p, "unexpected end of input"); return NULL; }
  uint8_t c = p->s[p->pos];
  switch (c) {
    case '{': return parse_object(p, depth);
    case '[': return parse_array(p, depth);
    case '"': {
      json_value *v = new_val(p, JSON_STRING);
      if (!v) return NULL;
      if (parse_string_raw(p, &v->u.str.s, &v->u.str.len)) return NULL;
      return v;
    }
    case 't':
      if (match_lit(p, "true")) { json_value *v = new_val(p, JSON_BOOL); if (v) v->u.boolean = 1; return v; }
      break;
    case 'f':
      if (match_lit(p, "false")) { json_value *v = new_val(p, JSON_BOOL); if (v) v->u.boolean = 0; return v; }
      break;
    case 'n':
      if (match_lit(p, "null")) return new_val(p, JSON_NULL);
      break;
    default:
      if (c == '-' || (c >= '0' && c <= '9')) return parse_number(p);
  }
  perr(p, "expected value");
  return NULL;
}

json_value *json_parse(llmb_arena *a, const uint8_t *text, size_t n, char *err, size_t errcap) {
  parser p;
  memset(&p, 0, sizeof p);
  p.a = a;
  p.s = text ? text : (const uint8_t *)"";
  p.n = text ? n : 0;
  p.err = err;
  p.errcap = errcap;
  if (err && errcap) err[0] = 0;
  if (!a) { perr(&p, "out of memory"); return NULL; }
  json_value *v = parse_value(&p, 0);
  if (!v) {
    if (!p.failed) perr(&p, "invalid JSON");
    return NULL;
  }
  skip_ws(&p);
  if (p.pos != p.n) { perr(&p, "trailing characters"); return NULL; }
  return v;
}

/* ======================================================================= accessors */

static const char *const small_ints[256] = {
#define D1(x) #x
#define R10(a) D1(a##0), D1(a##1), D1(a##2), D1(a##3), D1(a##4), D1(a##5), D1(a##6), D1(a##7), D1(a##8), D1(a##9)
  "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
  R10(1), R10(2), R10(3), R10(4), R10(5), R10(6), R10(7), R10(8), R10(9),
  R10(10), R10(11), R10(12), R10(13), R10(14), R10(15), R10(16), R10(17), R10(18), R10(19),
  R10(20), R10(21), R10(22), R10(23), R10(24),
  "250", "251", "252", "253", "254", "255"
#undef R10
#undef D1
};

const json_value *json_get(const json_value *obj, const char *key) {
  if (!obj || obj->type != JSON_OBJECT || !key) return NULL;
  size_t kl = strlen(key);
  for (size_t i = obj->u.obj.len; i-- > 0;) {
    const json_member *m = &obj->u.obj.members[i];
    if (m->key_len == kl && memcmp(m->key, key, kl) == 0) return m->value;
  }
  return NULL;
}

size_t json_len(const json_value *v) {
  if (!v) return 0;
  if (v->type == JSON_ARRAY) return v->u.arr.len;
  if (v->type == JSON_OBJECT) return v->u.obj.len;
  return 0;
}

const json_value *json_at(const json_value *arr, size_t i) {
  if (!arr || arr->type != JSON_ARRAY || i >= arr->u.arr.len) return NULL;
  if (arr->u.arr.items) return arr->u.arr.items[i];
  if (!arr->u.arr.bytes) return NULL;
  json_value *v = (json_value *)arena_alloc(arr->u.arr.arena, sizeof(json_value));
  if (!v) return NULL;
  memset(v, 0, sizeof *v);
  v->type = JSON_NUMBER;
  uint8_t b = arr->u.arr.bytes[i];
  v->u.num.d = b;
  v->u.num.raw = small_ints[b];
  v->u.num.raw_len = strlen(small_ints[b]);
  return v;
}

int json_is(const json_value *v, json_type t) { return v && v->type == t; }
int json_is_null_or_absent(const json_value *v) { return !v || v->type == JSON_NULL; }

const char *json_str(const json_value *v, size_t *len) {
  if (!v || v->type != JSON_STRING) return NULL;
  if (len) *len = v->u.str.len;
  return v->u.str.s;
}

int json_is_integer(const json_value *v) {
  if (!v || v->type != JSON_NUMBER) return 0;
  for (size_t i = 0; i < v->u.num.raw_len; i++) {
    char c = v->u.num.raw[i];
    if (c == '.' || c == 'e' || c == 'E') return 0;
  }
  return 1;
}

int json_bytes(llmb_arena *a, const json_value *arr, const uint8_t **out, size_t *out_len) {
  if (!arr || arr->type != JSON_ARRAY) return -1;
  size_t n = arr->u.arr.len;
  if (!arr->u.arr.items) {
    *out = arr->u.arr.bytes ? arr->u.arr.bytes : (const uint8_t *)"";
    *out_len = arr->u.arr.bytes ? n : 0;
    return 0;
  }
  uint8_t *buf = (uint8_t *)arena_alloc(a, n ? n : 1);
  if (!buf) return -1;
  for (size_t i = 0; i < n; i++) {
    const json_value *v = arr->u.arr.items[i];
    if (!json_is_integer(v) || v->u.num.d < 0 || v->u.num.d > 255) return -1;
    buf[i] = (uint8_t)v->u.num.d;
  }
  *out = buf;
  *out_len = n;
  return 0;
}

/* ======================================================================= builder */

void jb_init(jbuf *b) { memset(b, 0, sizeof *b); }
void jb_free(jbuf *b) {
  free(b->buf);
  jb_init(b);
}
void jb_reset(jbuf *b) {
  b->len = 0;
  b->depth = 0;
  b->oom = 0;
}
char *jb_take(jbuf *b, size_t *len) {
  char *p = b->buf;
  *len = b->len;
  jb_init(b);
  return p;
}

static int jb_reserve(jbuf *b, size_t extra) {
  if (b->oom) return -1;
  if (extra > SIZE_MAX / 2 - b->len) { b->oom = 1; return -1; }
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return 0;
  size_t ncap = b->cap ? b->cap : 256;
  while (ncap < need) ncap *= 2;
  char *nb = (char *)realloc(b->buf, ncap);
  if (!nb) { b->oom = 1; return -1; }
  b->buf = nb;
  b->cap = ncap;
  return 0;
}

void jb_raw(jbuf *b, const void *s, size_t n) {
  if (n == 0 || jb_reserve(b, n)) return;
  memcpy(b->buf + b->len, s, n);
  b->len += n;
  b->buf[b->len] = 0;
}
void jb_rawz(jbuf *b, const char *s) { jb_raw(b, s, strlen(s)); }
static void jb_ch(jbuf *b, char c) {
  if (jb_reserve(b, 1)) return;
  b->buf[b->len++] = c;
  b->buf[b->len] = 0;
}

/* Writes the separator a value needs in the current context. */
static void jb_sep(jbuf *b) {
  if (b->depth == 0) return;
  int d = b->depth - 1;
  if (d >= JB_MAX_NEST) return;
  if (b->st[d].is_arr) {
    if (b->st[d].count++) jb_ch(b, ',');
  } else {
    b->st[d].after_key = 0;
  }
}

static void jb_push(jbuf *b, int is_arr) {
  if (b->depth < JB_MAX_NEST) {
    b->st[b->depth].is_arr = (char)is_arr;
    b->st[b->depth].after_key = 0;
    b->st[b->depth].count = 0;
  } else {
    b->oom = 1; /* nesting overflow: mark failure */
  }
  b->depth++;
}

void jb_obj(jbuf *b) { jb_sep(b); jb_ch(b, '{'); jb_push(b, 0); }
void jb_obj_end(jbuf *b) { if (b->depth) b->depth--; jb_ch(b, '}'); }
void jb_arr(jbuf *b) { jb_sep(b); jb_ch(b, '['); jb_push(b, 1); }
void jb_arr_end(jbuf *b) { if (b->depth) b->depth--; jb_ch(b, ']'); }

void jb_keyn(jbuf *b, const char *k, size_t n) {
  if (b->depth > 0 && b->depth <= JB_MAX_NEST) {
    int d = b->depth - 1;
    if (b->st[d].count++) jb_ch(b, ',');
    b->st[d].after_key = 1;
  }
  jb_ch(b, '"');
  jb_escape(b, k, n);
  jb_raw(b, "\":", 2);
}
void jb_key(jbuf *b, const char *k) { jb_keyn(b, k, strlen(k)); }

void jb_null(jbuf *b) { jb_sep(b); jb_raw(b, "null", 4); }
void jb_bool(jbuf *b, int v) { jb_sep(b); if (v) jb_raw(b, "true", 4); else jb_raw(b, "false", 5); }
void jb_uint(jbuf *b, uint64_t v) {
  char tmp[24];
  size_t i = sizeof tmp;
  do { tmp[--i] = (char)('0' + v % 10); v /= 10; } while (v);
  jb_sep(b);
  jb_raw(b, tmp + i, sizeof tmp - i);
}
void jb_int(jbuf *b, int64_t v) {
  if (v < 0) {
    uint64_t u = (uint64_t)(-(v + 1)) + 1;
    char tmp[24];
    size_t i = sizeof tmp;
    do { tmp[--i] = (char)('0' + u % 10); u /= 10; } while (u);
    tmp[--i] = '-';
    jb_sep(b);
    jb_raw(b, tmp + i, sizeof tmp - i);
  } else {
    jb_uint(b, (uint64_t)v);
  }
}

void jb_f32(jbuf *b, float f) {
  if (f != f || f > 3.4028235e38f || f < -3.4028235e38f) { jb_null(b); return; }
  char tmp[48];
  int n = 0;
  for (int prec = 6; prec <= 9; prec++) {
    n = fmt_g(tmp, sizeof tmp, prec, (double)f);
    if (n <= 0 || n >= (int)sizeof tmp) { jb_null(b); return; }
    if (llmb_strtof(tmp) == f) break;
  }
  jb_sep(b);
  jb_raw(b, tmp, (size_t)n);
}

static const char hexd[] = "0123456789abcdef";

void jb_escape(jbuf *b, const char *s, size_t n) {
  const uint8_t *u = (const uint8_t *)s;
  size_t run = 0; /* start of a run of bytes copied verbatim */
  size_t i = 0;
  while (i < n) {
    uint8_t c = u[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) { i++; continue; }
    if (c >= 0x80) {
      size_t l = utf8_valid_len(u + i, n - i);
      if (l) { i += l; continue; }
      jb_raw(b, s + run, i - run);
      jb_raw(b, "\xEF\xBF\xBD", 3);
      i++;
      run = i;
      continue;
    }
    jb_raw(b, s + run, i - run);
    switch (c) {
      case '"': jb_raw(b, "\\\"", 2); break;
      case '\\': jb_raw(b, "\\\\", 2); break;
      case '\n': jb_raw(b, "\\n", 2); break;
      case '\r': jb_raw(b, "\\r", 2); break;
      case '\t': jb_raw(b, "\\t", 2); break;
      case '\b': jb_raw(b, "\\b", 2); break;
      case '\f': jb_raw(b, "\\f", 2); break;
      default: {
        char e[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
        jb_raw(b, e, 6);
      }
    }
    i++;
    run = i;
  }
  jb_raw(b, s + run, n - run);
}

void jb_utf8_lossy(jbuf *b, const char *s, size_t n) {
  const uint8_t *u = (const uint8_t *)s;
  size_t run = 0, i = 0;
  while (i < n) {
    if (u[i] < 0x80) { i++; continue; }
    size_t l = utf8_valid_len(u + i, n - i);
    if (l) { i += l; continue; }
    jb_raw(b, s + run, i - run);
    jb_raw(b, "\xEF\xBF\xBD", 3);
    i++;
    run = i;
  }
  jb_raw(b, s + run, n - run);
}

void jb_str(jbuf *b, const char *s, size_t n) {
  jb_sep(b);
  jb_ch(b, '"');
  if (s) jb_escape(b, s, n);
  jb_ch(b, '"');
}
void jb_strz(jbuf *b, const char *s) { jb_str(b, s, s ? strlen(s) : 0); }

void jb_json_text(jbuf *b, const char *json, size_t n) {
  jb_sep(b);
  jb_raw(b, json, n);
}

void jb_byte_array(jbuf *b, const uint8_t *p, size_t n) {
  jb_sep(b);
  /* worst case 4 bytes per element */
  if (n > (SIZE_MAX - 8) / 4) { b->oom = 1; return; }
  if (jb_reserve(b, n * 4 + 2)) return;
  char *o = b->buf + b->len;
  *o++ = '[';
  for (size_t i = 0; i < n; i++) {
    if (i) *o++ = ',';
    const char *d = small_ints[p[i]];
    while (*d) *o++ = *d++;
  }
  *o++ = ']';
  b->len = (size_t)(o - b->buf);
  b->buf[b->len] = 0;
}

static const char b64d[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void jb_str_base64(jbuf *b, const char *prefix, size_t prefix_len, const uint8_t *p, size_t n) {
  jb_sep(b);
  jb_ch(b, '"');
  if (prefix) jb_escape(b, prefix, prefix_len);
  /* 4 output characters per 3 input bytes (rounded up), plus the closing quote */
  if (n / 3 >= (SIZE_MAX - 8) / 4) { b->oom = 1; return; }
  size_t out_len = (n + 2) / 3 * 4;
  if (jb_reserve(b, out_len + 1)) return;
  char *o = b->buf + b->len;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
    o[0] = b64d[v >> 18];
    o[1] = b64d[(v >> 12) & 63];
    o[2] = b64d[(v >> 6) & 63];
    o[3] = b64d[v & 63];
    o += 4;
  }
  if (i < n) { /* 1 or 2 bytes left: pad with '=' */
    uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
    o[0] = b64d[v >> 18];
    o[1] = b64d[(v >> 12) & 63];
    o[2] = i + 1 < n ? b64d[(v >> 6) & 63] : '=';
    o[3] = '=';
    o += 4;
  }
  *o++ = '"';
  b->len = (size_t)(o - b->buf);
  b->buf[b->len] = 0;
}

static void jb_value_rec(jbuf *b, const json_value *v) {
  if (!v) { jb_raw(b, "null", 4); return; }
  switch (v->type) {
    case JSON_NULL: jb_raw(b, "null", 4); break;
    case JSON_BOOL: if (v->u.boolean) jb_raw(b, "true", 4); else jb_raw(b, "false", 5); break;
    case JSON_NUMBER: jb_raw(b, v->u.num.raw, v->u.num.raw_len); break;
    case JSON_STRING: jb_ch(b, '"'); jb_escape(b, v->u.str.s, v->u.str.len); jb_ch(b, '"'); break;
    case JSON_ARRAY:
      if (!v->u.arr.items) {
        if (v->u.arr.bytes) {
          int depth = b->depth;
          b->depth = 0; /* no separator from jb_byte_array */
          jb_byte_array(b, v->u.arr.bytes, v->u.arr.len);
          b->depth = depth;
        } else {
          jb_raw(b, "[]", 2);
        }
        break;
      }
      jb_ch(b, '[');
      for (size_t i = 0; i < v->u.arr.len; i++) {
        if (i) jb_ch(b, ',');
        jb_value_rec(b, v->u.arr.items[i]);
      }
      jb_ch(b, ']');
      break;
    case JSON_OBJECT:
      jb_ch(b, '{');
      for (size_t i = 0; i < v->u.obj.len; i++) {
        if (i) jb_ch(b, ',');
        jb_ch(b, '"');
        jb_escape(b, v->u.obj.members[i].key, v->u.obj.members[i].key_len);
        jb_raw(b, "\":", 2);
        jb_value_rec(b, v->u.obj.members[i].value);
      }
      jb_ch(b, '}');
      break;
  }
}

void jb_value(jbuf *b, const json_value *v) {
  jb_sep(b);
  jb_value_rec(b, v);
}

void jb_value_as_string(jbuf *b, const json_value *v) {
  jbuf tmp;
  jb_init(&tmp);
  jb_value_rec(&tmp, v);
  if (tmp.oom) b->oom = 1;
  jb_str(b, tmp.buf ? tmp.buf : "", tmp.len);
  jb_free(&tmp);
}
