// Provider configuration (`cfg`): schema, validation and re-serialization.
//
// Like a Rust plugin's `#[serde(deny_unknown_fields)] struct Config`, the cfg is validated on
// every call that receives it, not only in `from_config`. Each failure is a structured
// `invalid_request` error naming the offending field.

import { JValue } from "./json";
import { failInvalidRequest } from "./errors";

export const PLUGIN_NAME = "openai-compatible";
export const DEFAULT_BASE_URL = "https://api.openai.com/v1";
export const API_KEY_NAME = "OPENAI_API_KEY";

/** JSON Schema (draft-07) of the cfg object, returned raw by the `config_schema` export. */
export const CONFIG_SCHEMA: string =
  '{"$schema":"http://json-schema.org/draft-07/schema#",' +
  '"title":"OpenAICompatibleConfig",' +
  '"description":"Configuration of the openai-compatible provider plugin (any OpenAI-style /chat/completions API, e.g. OpenAI or Mistral).",' +
  '"type":"object",' +
  '"properties":{' +
  '"api_key":{"type":"string","description":"API key, sent as \'Authorization: Bearer <api_key>\'."},' +
  '"model":{"type":"string","description":"Model id for chat and completions, e.g. gpt-4o-mini or mistral-small-latest."},' +
  '"base_url":{"type":"string","format":"uri","description":"API root (default https://api.openai.com/v1); endpoints are appended to it."},' +
  '"embedding_model":{"type":"string","description":"Model id for embeddings (defaults to model)."},' +
  '"max_tokens":{"type":"integer","minimum":1,"description":"Maximum number of tokens to generate."},' +
  '"temperature":{"type":"number","minimum":0,"maximum":2,"description":"Sampling temperature."},' +
  '"system":{"type":"array","items":{"type":"string"},"description":"System prompts, sent as leading system messages."}' +
  "}," +
  '"required":["api_key"],' +
  '"additionalProperties":false}';

const KNOWN_KEYS: string[] = ["api_key", "model", "base_url", "embedding_model", "max_tokens", "temperature", "system"];

export class Config {
  apiKey: string = "";
  model: string | null = null;
  /** Effective base URL (the default when not configured), without trailing slashes. */
  baseUrl: string = DEFAULT_BASE_URL;
  /** base_url exactly as configured (or the default), for echoing. */
  baseUrlRaw: string = DEFAULT_BASE_URL;
  /** Lowercase host name of the base URL (no userinfo, no port). */
  host: string = "api.openai.com";
  embeddingModel: string | null = null;
  maxTokens: JValue | null = null; // validated integer >= 1, kept as the source value
  temperature: JValue | null = null; // validated number 0..2, kept as the source value
  system: Array<string> = new Array<string>();

  /** Builds `"<base_url>/<path>"` (path without a leading slash). */
  endpoint(path: string): string {
    return this.baseUrl + "/" + path;
  }

  /** The cfg re-serialized with defaults filled in (output of `from_config`). */
  toJson(): JValue {
    const o = JValue.obj().setStr("api_key", this.apiKey);
    const model = this.model;
    if (model !== null) o.setStr("model", model);
    o.setStr("base_url", this.baseUrlRaw);
    const em = this.embeddingModel;
    if (em !== null) o.setStr("embedding_model", em);
    const mt = this.maxTokens;
    if (mt !== null) o.set("max_tokens", mt);
    const t = this.temperature;
    if (t !== null) o.set("temperature", t);
    if (this.system.length > 0) {
      const arr = JValue.arr();
      for (let i = 0; i < this.system.length; i++) arr.push(JValue.str(this.system[i]));
      o.set("system", arr);
    }
    return o;
  }
}

function optionalString(cfg: JValue, key: string, out: Array<string | null>): bool {
  const v = cfg.get(key);
  if (v === null || v.isNull) {
    out.push(null);
    return true;
  }
  if (!v.isString) {
    failInvalidRequest("config field '" + key + "' must be a string");
    return false;
  }
  out.push(v.s);
  return true;
}

/** True if `s` contains only visible ASCII (allowed in an HTTP header value). */
function isVisibleAscii(s: string): bool {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** Lowercase host of an absolute http(s) URL already checked by `isHttpUrl`. */
function hostOf(url: string): string {
  let rest = url.substring(url.indexOf("://") + 3);
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c == 0x2f || c == 0x3f || c == 0x23) {
      rest = rest.substring(0, i);
      break;
    }
  }
  const at = rest.lastIndexOf("@");
  if (at >= 0) rest = rest.substring(at + 1);
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    return (close > 0 ? rest.substring(0, close + 1) : rest).toLowerCase();
  }
  const colon = rest.indexOf(":");
  return (colon >= 0 ? rest.substring(0, colon) : rest).toLowerCase();
}

/** Checks that `url` is an absolute http(s) URL with a non-empty host and no whitespace. */
export function isHttpUrl(url: string): bool {
  const lower = url.toLowerCase();
  let rest: string;
  if (lower.startsWith("https://")) rest = url.substring(8);
  else if (lower.startsWith("http://")) rest = url.substring(7);
  else return false;
  if (!isVisibleAscii(url)) return false;
  // Host (with optional userinfo/port) runs up to the first '/', '?' or '#'.
  let end = rest.length;
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c == 0x2f || c == 0x3f || c == 0x23) {
      end = i;
      break;
    }
  }
  const authority = rest.substring(0, end);
  const at = authority.lastIndexOf("@");
  let hostPort = at >= 0 ? authority.substring(at + 1) : authority;
  if (hostPort.length == 0 || hostPort.startsWith(":")) return false;
  // Query or fragment in a base URL would break endpoint concatenation.
  if (end < rest.length && rest.charCodeAt(end) != 0x2f) return false;
  return true;
}

/** Validates a bare cfg object. Returns null (with a structured error set) on failure. */
export function parseConfig(cfg: JValue | null): Config | null {
  if (cfg === null || !cfg.isObject) {
    failInvalidRequest("config must be a JSON object");
    return null;
  }
  const keys = cfg.keys!;
  for (let i = 0; i < keys.length; i++) {
    if (!KNOWN_KEYS.includes(keys[i])) {
      failInvalidRequest("config field '" + keys[i] + "' is not supported (known fields: " + KNOWN_KEYS.join(", ") + ")");
      return null;
    }
  }
  const c = new Config();

  const key = cfg.get("api_key");
  if (key === null || key.isNull) {
    failInvalidRequest("config field 'api_key' is required");
    return null;
  }
  if (!key.isString) {
    failInvalidRequest("config field 'api_key' must be a string");
    return null;
  }
  if (key.s.length == 0) {
    failInvalidRequest("config field 'api_key' must not be empty");
    return null;
  }
  if (!isVisibleAscii(key.s)) {
    failInvalidRequest("config field 'api_key' must contain only visible ASCII characters");
    return null;
  }
  c.apiKey = key.s;

  const strs = new Array<string | null>();
  if (!optionalString(cfg, "model", strs)) return null;
  if (!optionalString(cfg, "base_url", strs)) return null;
  if (!optionalString(cfg, "embedding_model", strs)) return null;
  c.model = strs[0];
  c.embeddingModel = strs[2];
  const baseUrl = strs[1];
  if (baseUrl !== null) {
    if (!isHttpUrl(baseUrl)) {
      failInvalidRequest("config field 'base_url' must be an absolute http(s) URL, got '" + baseUrl + "'");
      return null;
    }
    c.baseUrlRaw = baseUrl;
    let trimmed = baseUrl;
    while (trimmed.endsWith("/")) trimmed = trimmed.substring(0, trimmed.length - 1);
    c.baseUrl = trimmed;
    c.host = hostOf(baseUrl);
  }

  const mt = cfg.get("max_tokens");
  if (mt !== null && !mt.isNull) {
    if (!mt.isInteger || mt.n < 1 || mt.n > 4294967295.0) {
      failInvalidRequest("config field 'max_tokens' must be an integer >= 1");
      return null;
    }
    c.maxTokens = JValue.num(mt.n); // normalized: "256.0" is written as 256
  }

  const t = cfg.get("temperature");
  if (t !== null && !t.isNull) {
    if (!t.isNumber || !(t.n >= 0.0 && t.n <= 2.0)) {
      failInvalidRequest("config field 'temperature' must be a number between 0 and 2");
      return null;
    }
    c.temperature = t;
  }

  const sys = cfg.get("system");
  if (sys !== null && !sys.isNull) {
    // The schema says array of strings; a single string (QueryMT accepts both) is also taken.
    if (sys.isString) {
      c.system.push(sys.s);
    } else if (sys.isArray) {
      const items = sys.items;
      for (let i = 0; i < items.length; i++) {
        if (!items[i].isString) {
          failInvalidRequest("config field 'system' must be an array of strings (element " + i.toString() + " is not a string)");
          return null;
        }
        c.system.push(items[i].s);
      }
    } else {
      failInvalidRequest("config field 'system' must be an array of strings");
      return null;
    }
  }
  return c;
}
