// Minimal JSON DOM, parser and writer for AssemblyScript.
//
// Why not a library: `assemblyscript-json` 1.1.0 builds with asc 0.28, but it writes control
// characters as a backslash followed by the raw character (invalid JSON) and reports parse errors
// with `assert` (a trap), so a plugin could not turn a malformed response into a structured error.
// `json-as` is a schema/decorator serializer, not a DOM. This file is small and does exactly what
// the plugin needs:
//
//  * parse UTF-8 bytes into a `JValue` tree; errors are returned (`parseJson` gives null and sets
//    `jsonError`), never thrown;
//  * strings: full escape handling incl. `\uXXXX` and surrogate pairs; raw UTF-8 is decoded
//    (ill-formed bytes become U+FFFD);
//  * numbers: integers of up to 15 digits are kept as f64 (exact); any other number also keeps
//    its source text, so it is written back byte-for-byte (embeddings round-trip exactly);
//  * arrays consisting only of integers 0..255 (HTTP bodies in the QueryMT envelopes) are stored
//    compactly as bytes instead of one object per element;
//  * `JsonWriter` writes UTF-8 directly into a growable buffer (no quadratic string building).

export enum JKind {
  Null,
  Bool,
  Number,
  String,
  Array,
  Object,
}

export class JValue {
  kind: JKind = JKind.Null;
  b: bool = false;
  n: f64 = 0;
  /** Source text of a parsed number that is not a short integer (written back verbatim). */
  raw: string | null = null;
  s: string = "";
  /**
   * For a string built with `strBase64`: bytes written after `s` as base64, straight into the output by
   * `JsonWriter` (an image's data: URL is never materialized as a string). Only the writer reads it.
   */
  b64: Uint8Array | null = null;
  /** Array elements (materialized lazily when the array is stored as `bytes`). */
  private _items: Array<JValue> | null = null;
  /** Compact form of an array whose elements are all integers 0..255. */
  bytes: Uint8Array | null = null;
  keys: Array<string> | null = null;
  vals: Array<JValue> | null = null;

  // ---- constructors -------------------------------------------------------------------------

  static nul(): JValue {
    return new JValue();
  }

  static bool(b: bool): JValue {
    const v = new JValue();
    v.kind = JKind.Bool;
    v.b = b;
    return v;
  }

  static num(n: f64): JValue {
    const v = new JValue();
    v.kind = JKind.Number;
    v.n = n;
    return v;
  }

  static str(s: string): JValue {
    const v = new JValue();
    v.kind = JKind.String;
    v.s = s;
    return v;
  }

  /** The string `prefix` followed by the base64 (RFC 4648, padded) of `data`, e.g. a `data:…;base64,` URL. */
  static strBase64(prefix: string, data: Uint8Array): JValue {
    const v = JValue.str(prefix);
    v.b64 = data;
    return v;
  }

  /** A string, or `null` when `s` is null. */
  static strOrNull(s: string | null): JValue {
    return s === null ? JValue.nul() : JValue.str(s);
  }

  static arr(): JValue {
    const v = new JValue();
    v.kind = JKind.Array;
    v._items = new Array<JValue>();
    return v;
  }

  static obj(): JValue {
    const v = new JValue();
    v.kind = JKind.Object;
    v.keys = new Array<string>();
    v.vals = new Array<JValue>();
    return v;
  }

  // ---- type tests ---------------------------------------------------------------------------

  get isNull(): bool {
    return this.kind == JKind.Null;
  }
  get isBool(): bool {
    return this.kind == JKind.Bool;
  }
  get isNumber(): bool {
    return this.kind == JKind.Number;
  }
  get isString(): bool {
    return this.kind == JKind.String;
  }
  get isArray(): bool {
    return this.kind == JKind.Array;
  }
  get isObject(): bool {
    return this.kind == JKind.Object;
  }

  /** True for a number without a fractional part that fits an i64 exactly (|n| < 2^53). */
  get isInteger(): bool {
    return this.kind == JKind.Number && isFinite(this.n) && Math.floor(this.n) == this.n && Math.abs(this.n) < 9007199254740992.0;
  }

  // ---- arrays -------------------------------------------------------------------------------

  /** Elements of an array (empty for a non-array). */
  get items(): Array<JValue> {
    if (this.kind != JKind.Array) return new Array<JValue>();
    let items = this._items;
    if (items === null) {
      const bytes = this.bytes!;
      items = new Array<JValue>(bytes.length);
      for (let i = 0; i < bytes.length; i++) items[i] = JValue.num(<f64>bytes[i]);
      this._items = items;
      this.bytes = null;
    }
    return items;
  }

  get length(): i32 {
    if (this.kind != JKind.Array) return 0;
    const bytes = this.bytes;
    return bytes !== null ? bytes.length : this.items.length;
  }

  push(v: JValue): JValue {
    this.items.push(v);
    return this;
  }

  /**
   * The array as bytes when every element is an integer 0..255, else null.
   * (Used for HTTP bodies, which are JSON arrays of byte values.)
   */
  asBytes(): Uint8Array | null {
    if (this.kind != JKind.Array) return null;
    const compact = this.bytes;
    if (compact !== null) return compact;
    const items = this.items;
    const out = new Uint8Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const e = items[i];
      if (!e.isInteger || e.n < 0 || e.n > 255) return null;
      out[i] = <u8>e.n;
    }
    return out;
  }

  // ---- objects ------------------------------------------------------------------------------

  /** Member `key` of an object (the last one if the key repeats), or null. */
  get(key: string): JValue | null {
    if (this.kind != JKind.Object) return null;
    const keys = this.keys!;
    for (let i = keys.length - 1; i >= 0; i--) {
      if (keys[i] == key) return this.vals![i];
    }
    return null;
  }

  /** True if the object has `key` with a non-null value. */
  has(key: string): bool {
    const v = this.get(key);
    return v !== null && !v.isNull;
  }

  /** Sets (or replaces) member `key`; returns this object for chaining. */
  set(key: string, v: JValue): JValue {
    const keys = this.keys!;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] == key) {
        this.vals![i] = v;
        return this;
      }
    }
    keys.push(key);
    this.vals!.push(v);
    return this;
  }

  setStr(key: string, s: string): JValue {
    return this.set(key, JValue.str(s));
  }

  setNum(key: string, n: f64): JValue {
    return this.set(key, JValue.num(n));
  }

  // ---- convenience accessors ----------------------------------------------------------------

  /** String member `key`, or null when absent, null or not a string. */
  getString(key: string): string | null {
    const v = this.get(key);
    return v !== null && v.isString ? v.s : null;
  }

  /** Serializes this value to a JSON string. */
  stringify(): string {
    const w = new JsonWriter();
    w.value(this);
    return w.toString();
  }
}

// =============================================================================================
// Parser
// =============================================================================================

/** Message of the last `parseJson` failure. */
export let jsonError: string = "";

const MAX_DEPTH = 512;

/** Parses the UTF-8 JSON text `buf[start..end)`. Returns null (and sets `jsonError`) on failure. */
export function parseJson(buf: Uint8Array, start: i32 = 0, end: i32 = -1): JValue | null {
  if (end < 0) end = buf.length;
  const p = new Parser(buf, start, end);
  p.ws();
  const v = p.value(0);
  if (v === null) {
    jsonError = p.err;
    return null;
  }
  p.ws();
  if (p.pos < p.end) {
    jsonError = "trailing characters at byte " + p.pos.toString();
    return null;
  }
  return v;
}

/** Parses a JSON string (convenience wrapper over `parseJson`). */
export function parseJsonString(s: string): JValue | null {
  return parseJson(Uint8Array.wrap(String.UTF8.encode(s)));
}

class Parser {
  err: string = "";
  constructor(public buf: Uint8Array, public pos: i32, public end: i32) {}

  private fail(msg: string): JValue | null {
    if (this.err.length == 0) {
      this.err = this.pos < this.end ? msg + " at byte " + this.pos.toString() : msg + " (unexpected end of input)";
    }
    return null;
  }

  @inline private peek(): i32 {
    return this.pos < this.end ? <i32>unchecked(this.buf[this.pos]) : -1;
  }

  ws(): void {
    while (this.pos < this.end) {
      const c = unchecked(this.buf[this.pos]);
      if (c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) this.pos++;
      else break;
    }
  }

  value(depth: i32): JValue | null {
    if (depth > MAX_DEPTH) return this.fail("nesting too deep");
    const c = this.peek();
    if (c == 0x7b) return this.object(depth); // {
    if (c == 0x5b) return this.array(depth); // [
    if (c == 0x22) {
      const s = this.string();
      return s === null ? null : JValue.str(s);
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.literal("true")) return JValue.bool(true);
    if (this.literal("false")) return JValue.bool(false);
    if (this.literal("null")) return JValue.nul();
    return this.fail(c < 0 ? "expected a value" : "unexpected character");
  }

  private literal(word: string): bool {
    const n = word.length;
    if (this.pos + n > this.end) return false;
    for (let i = 0; i < n; i++) {
      if (<i32>unchecked(this.buf[this.pos + i]) != word.charCodeAt(i)) return false;
    }
    this.pos += n;
    return true;
  }

  private object(depth: i32): JValue | null {
    this.pos++; // {
    const o = JValue.obj();
    this.ws();
    if (this.peek() == 0x7d) {
      this.pos++;
      return o;
    }
    while (true) {
      this.ws();
      if (this.peek() != 0x22) return this.fail("expected a string key");
      const k = this.string();
      if (k === null) return null;
      this.ws();
      if (this.peek() != 0x3a) return this.fail("expected ':'");
      this.pos++;
      this.ws();
      const v = this.value(depth + 1);
      if (v === null) return null;
      // Append (duplicates keep the last value on lookup, like JavaScript).
      o.keys!.push(k);
      o.vals!.push(v);
      this.ws();
      const c = this.peek();
      if (c == 0x2c) {
        this.pos++;
        continue;
      }
      if (c == 0x7d) {
        this.pos++;
        return o;
      }
      return this.fail("expected ',' or '}'");
    }
    return null; // unreachable
  }

  private array(depth: i32): JValue | null {
    this.pos++; // [
    const a = JValue.arr();
    this.ws();
    if (this.peek() == 0x5d) {
      this.pos++;
      return a;
    }
    const bytes = this.byteArray();
    if (bytes !== null) return compactArray(bytes);
    while (true) {
      this.ws();
      const v = this.value(depth + 1);
      if (v === null) return null;
      a.push(v);
      this.ws();
      const c = this.peek();
      if (c == 0x2c) {
        this.pos++;
        continue;
      }
      if (c == 0x5d) {
        this.pos++;
        return a;
      }
      return this.fail("expected ',' or ']'");
    }
    return null; // unreachable
  }

  /**
   * Fast path for arrays of integers 0..255 (HTTP bodies). Called just after '[' (and whitespace);
   * on success consumes through ']' and returns the bytes, otherwise restores the position and
   * returns null so the generic path handles the array.
   */
  private byteArray(): Uint8Array | null {
    const save = this.pos;
    let out = new Uint8Array(64);
    let n = 0;
    while (true) {
      this.ws();
      let c = this.peek();
      if (c < 0x30 || c > 0x39) break;
      let val = 0;
      let digits = 0;
      while (c >= 0x30 && c <= 0x39 && digits < 4) {
        val = val * 10 + (c - 0x30);
        digits++;
        this.pos++;
        c = this.peek();
      }
      // Reject leading zeros ("01"), too many digits, values > 255, fractions/exponents.
      if (val > 255 || (digits > 1 && unchecked(this.buf[this.pos - digits]) == 0x30)) break;
      if (c == 0x2e || c == 0x65 || c == 0x45 || (c >= 0x30 && c <= 0x39)) break;
      if (n == out.length) {
        const bigger = new Uint8Array(out.length * 2);
        bigger.set(out);
        out = bigger;
      }
      unchecked((out[n++] = <u8>val));
      this.ws();
      c = this.peek();
      if (c == 0x2c) {
        this.pos++;
        continue;
      }
      if (c == 0x5d) {
        this.pos++;
        return out.slice(0, n);
      }
      break;
    }
    this.pos = save;
    return null;
  }

  private number(): JValue | null {
    const start = this.pos;
    let simple = true; // only an optional '-' and up to 15 digits
    if (this.peek() == 0x2d) this.pos++;
    const intStart = this.pos;
    let c = this.peek();
    if (c == 0x30) {
      this.pos++;
    } else if (c >= 0x31 && c <= 0x39) {
      while (this.peek() >= 0x30 && this.peek() <= 0x39) this.pos++;
    } else {
      return this.fail("invalid number");
    }
    if (this.pos - intStart > 15) simple = false;
    c = this.peek();
    if (c == 0x2e) {
      simple = false;
      this.pos++;
      if (!(this.peek() >= 0x30 && this.peek() <= 0x39)) return this.fail("invalid number");
      while (this.peek() >= 0x30 && this.peek() <= 0x39) this.pos++;
      c = this.peek();
    }
    if (c == 0x65 || c == 0x45) {
      simple = false;
      this.pos++;
      c = this.peek();
      if (c == 0x2b || c == 0x2d) this.pos++;
      if (!(this.peek() >= 0x30 && this.peek() <= 0x39)) return this.fail("invalid number");
      while (this.peek() >= 0x30 && this.peek() <= 0x39) this.pos++;
    }
    if (simple) {
      let v: f64 = 0;
      for (let i = intStart; i < this.pos; i++) v = v * 10 + <f64>(unchecked(this.buf[i]) - 0x30);
      return JValue.num(unchecked(this.buf[start]) == 0x2d ? -v : v);
    }
    const text = String.UTF8.decodeUnsafe(this.buf.dataStart + <usize>start, <usize>(this.pos - start));
    const v = JValue.num(parseFloat(text));
    v.raw = text;
    return v;
  }

  /** Parses a string literal starting at the opening quote. */
  string(): string | null {
    this.pos++; // opening quote
    let parts: Array<string> | null = null;
    let runStart = this.pos;
    while (true) {
      if (this.pos >= this.end) {
        this.fail("unterminated string");
        return null;
      }
      const c = unchecked(this.buf[this.pos]);
      if (c == 0x22) {
        const run = this.decodeRun(runStart, this.pos);
        this.pos++;
        if (parts === null) return run;
        parts.push(run);
        return parts.join("");
      }
      if (c < 0x20) {
        this.fail("control character in string");
        return null;
      }
      if (c != 0x5c) {
        this.pos++;
        continue;
      }
      // Escape sequence.
      if (parts === null) parts = new Array<string>();
      if (this.pos > runStart) parts.push(this.decodeRun(runStart, this.pos));
      this.pos++;
      if (this.pos >= this.end) {
        this.fail("unterminated string");
        return null;
      }
      const e = unchecked(this.buf[this.pos]);
      this.pos++;
      if (e == 0x22) parts.push('"');
      else if (e == 0x5c) parts.push("\\");
      else if (e == 0x2f) parts.push("/");
      else if (e == 0x62) parts.push("\b");
      else if (e == 0x66) parts.push("\f");
      else if (e == 0x6e) parts.push("\n");
      else if (e == 0x72) parts.push("\r");
      else if (e == 0x74) parts.push("\t");
      else if (e == 0x75) {
        const unit = this.hex4();
        if (unit < 0) {
          this.fail("invalid \\u escape");
          return null;
        }
        // A high surrogate followed by "\uDC00".."\uDFFF" forms one code point; lone surrogates
        // are kept as single UTF-16 units (as JavaScript does).
        if (unit >= 0xd800 && unit <= 0xdbff && this.pos + 6 <= this.end && unchecked(this.buf[this.pos]) == 0x5c && unchecked(this.buf[this.pos + 1]) == 0x75) {
          const save = this.pos;
          this.pos += 2;
          const low = this.hex4();
          if (low >= 0xdc00 && low <= 0xdfff) {
            parts.push(String.fromCharCode(unit, low));
          } else {
            this.pos = save;
            parts.push(String.fromCharCode(unit));
          }
        } else {
          parts.push(String.fromCharCode(unit));
        }
      } else {
        this.pos--;
        this.fail("invalid escape");
        return null;
      }
      runStart = this.pos;
    }
    return null; // unreachable
  }

  private hex4(): i32 {
    if (this.pos + 4 > this.end) return -1;
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = <i32>unchecked(this.buf[this.pos + i]);
      let d: i32;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x41 + 10;
      else return -1;
      v = (v << 4) | d;
    }
    this.pos += 4;
    return v;
  }

  private decodeRun(from: i32, to: i32): string {
    if (to <= from) return "";
    return decodeUtf8(this.buf.dataStart + <usize>from, to - from);
  }
}

function compactArray(bytes: Uint8Array): JValue {
  const v = new JValue();
  v.kind = JKind.Array;
  v.bytes = bytes;
  return v;
}

// =============================================================================================
// Writer
// =============================================================================================

const HEX = "0123456789abcdef";

/** The base64 alphabet's character (RFC 4648 §4) for a 6-bit value. */
@inline function b64Char(v: u32): i32 {
  if (v < 26) return 0x41 + <i32>v; // A-Z
  if (v < 52) return 0x61 + <i32>v - 26; // a-z
  if (v < 62) return 0x30 + <i32>v - 52; // 0-9
  return v == 62 ? 0x2b : 0x2f; // + /
}

/** Builds UTF-8 JSON (or any text) in a growable byte buffer. */
export class JsonWriter {
  private buf: Uint8Array = new Uint8Array(1024);
  private len: i32 = 0;

  /** Makes room for `extra` more bytes. */
  @inline private ensure(extra: i32): void {
    if (this.len + extra > this.buf.length) this.grow(extra);
  }

  private grow(extra: i32): void {
    const need = this.len + extra;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    memory.copy(next.dataStart, this.buf.dataStart, <usize>this.len);
    this.buf = next;
  }

  /** Stores a byte; the caller has ensured capacity. */
  @inline private put(b: i32): void {
    store<u8>(this.buf.dataStart + <usize>this.len, <u8>b);
    this.len++;
  }

  @inline byte(b: i32): void {
    this.ensure(1);
    this.put(b);
  }

  /** Appends raw bytes. */
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    memory.copy(this.buf.dataStart + <usize>this.len, b.dataStart, <usize>b.length);
    this.len += b.length;
  }

  /** Appends ASCII text verbatim (for punctuation, keys known to need no escaping, numbers). */
  ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    for (let i = 0; i < n; i++) this.put(s.charCodeAt(i));
  }

  /** Appends arbitrary text as raw UTF-8 (no quoting/escaping). */
  text(s: string): void {
    this.bytes(Uint8Array.wrap(String.UTF8.encode(s)));
  }

  /** Appends `s` as a quoted, escaped JSON string literal encoded in UTF-8. */
  string(s: string): void {
    this.byte(0x22);
    this.escaped(s);
    this.byte(0x22);
  }

  /**
   * Appends a JSON string literal: `prefix` escaped, then the base64 of `data` encoded in place (4 characters per
   * 3 bytes, one reservation), so a megabyte image costs one pass and no intermediate string.
   */
  stringBase64(prefix: string, data: Uint8Array): void {
    this.byte(0x22);
    this.escaped(prefix);
    const n = data.length;
    this.ensure(((n + 2) / 3) * 4 + 1);
    const src = data.dataStart;
    let i = 0;
    for (; i + 3 <= n; i += 3) {
      const v = (<u32>load<u8>(src + <usize>i) << 16) | (<u32>load<u8>(src + <usize>i + 1) << 8) | <u32>load<u8>(src + <usize>i + 2);
      this.put(b64Char(v >> 18));
      this.put(b64Char((v >> 12) & 63));
      this.put(b64Char((v >> 6) & 63));
      this.put(b64Char(v & 63));
    }
    if (i < n) {
      // One or two bytes left: padded with '='.
      const two = i + 1 < n;
      const v = (<u32>load<u8>(src + <usize>i) << 16) | (two ? <u32>load<u8>(src + <usize>i + 1) << 8 : 0);
      this.put(b64Char(v >> 18));
      this.put(b64Char((v >> 12) & 63));
      this.put(two ? b64Char((v >> 6) & 63) : 0x3d);
      this.put(0x3d);
    }
    this.put(0x22);
  }

  /** Appends `s` escaped for a JSON string literal, UTF-8 encoded, without the quotes. */
  private escaped(s: string): void {
    const n = s.length;
    this.ensure(n * 6); // worst case: every unit becomes "\uXXXX"
    for (let i = 0; i < n; i++) {
      const c = <i32>s.charCodeAt(i);
      if (c >= 0x20 && c < 0x80) {
        if (c == 0x22 || c == 0x5c) this.put(0x5c);
        this.put(c);
      } else if (c < 0x20) {
        this.put(0x5c);
        if (c == 0x0a) this.put(0x6e); // \n
        else if (c == 0x0d) this.put(0x72); // \r
        else if (c == 0x09) this.put(0x74); // \t
        else if (c == 0x08) this.put(0x62); // \b
        else if (c == 0x0c) this.put(0x66); // \f
        else this.hexEscape(c);
      } else if (c < 0x800) {
        this.put(0xc0 | (c >> 6));
        this.put(0x80 | (c & 0x3f));
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < n ? <i32>s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          this.put(0xf0 | (cp >> 18));
          this.put(0x80 | ((cp >> 12) & 0x3f));
          this.put(0x80 | ((cp >> 6) & 0x3f));
          this.put(0x80 | (cp & 0x3f));
          i++;
        } else {
          // A lone surrogate cannot be encoded as UTF-8: keep it as an escape (valid JSON).
          this.put(0x5c);
          this.hexEscape(c);
        }
      } else {
        this.put(0xe0 | (c >> 12));
        this.put(0x80 | ((c >> 6) & 0x3f));
        this.put(0x80 | (c & 0x3f));
      }
    }
  }

  /** Writes "uXXXX" (the backslash is written by the caller); capacity already ensured. */
  private hexEscape(c: i32): void {
    this.put(0x75);
    this.put(HEX.charCodeAt((c >> 12) & 15));
    this.put(HEX.charCodeAt((c >> 8) & 15));
    this.put(HEX.charCodeAt((c >> 4) & 15));
    this.put(HEX.charCodeAt(c & 15));
  }

  /** Appends a number: integers without a fraction, other finite values in shortest-ish form, non-finite as null. */
  number(n: f64): void {
    if (!isFinite(n)) {
      this.ascii("null");
    } else if (Math.floor(n) == n && Math.abs(n) < 9007199254740992.0) {
      this.ascii((<i64>n).toString());
    } else {
      // AssemblyScript's dtoa output always parses back to the same f64 and is valid JSON
      // ("1e-7", "1e+21", "0.25").
      this.ascii(n.toString());
    }
  }

  /** Appends a JSON array of the byte values (the QueryMT body encoding). */
  byteArray(b: Uint8Array): void {
    const n = b.length;
    this.ensure(n * 4 + 2);
    this.put(0x5b);
    const src = b.dataStart;
    for (let i = 0; i < n; i++) {
      if (i > 0) this.put(0x2c);
      const v = <i32>load<u8>(src + <usize>i);
      if (v >= 100) this.put(0x30 + v / 100);
      if (v >= 10) this.put(0x30 + (v / 10) % 10);
      this.put(0x30 + (v % 10));
    }
    this.put(0x5d);
  }

  /** Appends a whole DOM value. */
  value(v: JValue): void {
    switch (v.kind) {
      case JKind.Null:
        this.ascii("null");
        break;
      case JKind.Bool:
        this.ascii(v.b ? "true" : "false");
        break;
      case JKind.Number: {
        const raw = v.raw;
        if (raw !== null) this.ascii(raw);
        else this.number(v.n);
        break;
      }
      case JKind.String: {
        const b64 = v.b64;
        if (b64 !== null) this.stringBase64(v.s, b64);
        else this.string(v.s);
        break;
      }
      case JKind.Array: {
        const compact = v.bytes;
        if (compact !== null) {
          this.byteArray(compact);
          break;
        }
        const items = v.items;
        this.byte(0x5b);
        for (let i = 0; i < items.length; i++) {
          if (i > 0) this.byte(0x2c);
          this.value(items[i]);
        }
        this.byte(0x5d);
        break;
      }
      case JKind.Object: {
        const keys = v.keys!;
        const vals = v.vals!;
        this.byte(0x7b);
        for (let i = 0; i < keys.length; i++) {
          if (i > 0) this.byte(0x2c);
          this.string(keys[i]);
          this.byte(0x3a);
          this.value(vals[i]);
        }
        this.byte(0x7d);
        break;
      }
    }
  }

  get length(): i32 {
    return this.len;
  }

  /** The written bytes (a fresh buffer starting at offset 0). */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  toString(): string {
    return String.UTF8.decodeUnsafe(this.buf.dataStart, <usize>this.len);
  }
}

/** Serializes `v` to UTF-8 JSON bytes. */
export function toJsonBytes(v: JValue): Uint8Array {
  const w = new JsonWriter();
  w.value(v);
  return w.toBytes();
}

/** Decodes UTF-8 bytes to a string (invalid sequences become U+FFFD). */
export function utf8ToString(b: Uint8Array): string {
  return decodeUtf8(b.dataStart, b.length);
}

/**
 * Length (1-4) of the well-formed UTF-8 sequence at `p` (bytes before `end`), or 0 if the bytes
 * there are not a well-formed sequence (overlong forms, surrogates and > U+10FFFF are rejected).
 */
function utf8SeqLen(p: usize, end: usize): i32 {
  const b0 = <i32>load<u8>(p);
  if (b0 < 0x80) return 1;
  let n: i32;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) n = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    if (b0 == 0xe0) lo = 0xa0;
    else if (b0 == 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    if (b0 == 0xf0) lo = 0x90;
    else if (b0 == 0xf4) hi = 0x8f;
  } else return 0;
  if (p + <usize>n > end) return 0;
  const b1 = <i32>load<u8>(p + 1);
  if (b1 < lo || b1 > hi) return 0;
  for (let k = 2; k < n; k++) {
    const c = <i32>load<u8>(p + <usize>k);
    if (c < 0x80 || c > 0xbf) return 0;
  }
  return n;
}

/**
 * Decodes UTF-8 at `[ptr, ptr+len)`. Well-formed input takes AssemblyScript's decoder; otherwise
 * every byte that does not start a well-formed sequence becomes U+FFFD (AssemblyScript's own
 * decoder would silently stop or mis-decode).
 */
export function decodeUtf8(ptr: usize, len: i32): string {
  const end = ptr + <usize>len;
  let p = ptr;
  let valid = true;
  while (p < end) {
    const n = utf8SeqLen(p, end);
    if (n == 0) {
      valid = false;
      break;
    }
    p += <usize>n;
  }
  if (valid) return String.UTF8.decodeUnsafe(ptr, <usize>len);
  // Slow path: at most one UTF-16 unit per input byte.
  const out = new Uint16Array(len);
  let o = 0;
  p = ptr;
  while (p < end) {
    const n = utf8SeqLen(p, end);
    const b0 = <u32>load<u8>(p);
    if (n == 0) {
      out[o++] = 0xfffd;
      p++;
      continue;
    }
    let cp: u32;
    if (n == 1) cp = b0;
    else if (n == 2) cp = ((b0 & 0x1f) << 6) | (<u32>load<u8>(p + 1) & 0x3f);
    else if (n == 3) cp = ((b0 & 0x0f) << 12) | ((<u32>load<u8>(p + 1) & 0x3f) << 6) | (<u32>load<u8>(p + 2) & 0x3f);
    else cp = ((b0 & 0x07) << 18) | ((<u32>load<u8>(p + 1) & 0x3f) << 12) | ((<u32>load<u8>(p + 2) & 0x3f) << 6) | (<u32>load<u8>(p + 3) & 0x3f);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out[o++] = <u16>(0xd800 + (cp >> 10));
      out[o++] = <u16>(0xdc00 + (cp & 0x3ff));
    } else {
      out[o++] = <u16>cp;
    }
    p += <usize>n;
  }
  return String.UTF16.decodeUnsafe(out.dataStart, <usize>o << 1);
}
