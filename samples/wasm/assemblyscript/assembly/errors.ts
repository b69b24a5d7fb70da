// Error reporting in the QueryMT shape.
//
// Handlers never throw: on failure they call one of the `fail*` functions below and return
// null/false. The export wrapper in index.ts then passes `errorText` to Extism's `error_set` and
// returns `errorCode`:
//   * code 1  - structured: `{"payload": LLMErrorPayload}` (spec §5.1), decoded by QueryMT-style hosts;
//   * code -1 - plain text (malformed input envelopes, unknown parser ids), like a serde decode error.

import { JValue } from "./json";

export let errorText: string = "";
export let errorCode: i32 = 0;

function setStructured(payload: JValue): void {
  errorText = JValue.obj().set("payload", payload).stringify();
  errorCode = 1;
}

/** `{"payload":{"type":"invalid_request","message":…}}` - bad config or an unsupported request. */
export function failInvalidRequest(message: string): void {
  setStructured(JValue.obj().setStr("type", "invalid_request").setStr("message", message));
}

/** `{"payload":{"type":"response_format_error","message":…,"raw_response":…}}` - unparseable provider output. */
export function failResponseFormat(message: string, rawResponse: string): void {
  setStructured(JValue.obj().setStr("type", "response_format_error").setStr("message", message).setStr("raw_response", rawResponse));
}

/**
 * `{"payload":{"type":"provider_error","message":…,"kind":…}}` (the flat shape of spec §5.2) -
 * an error reported by the provider itself (an `{"error":{…}}` body or stream event).
 */
export function failProvider(message: string, kind: string, code: string | null, errorType: string | null): void {
  const p = JValue.obj().setStr("type", "provider_error").setStr("message", message).setStr("kind", kind);
  if (code !== null) p.setStr("code", code);
  if (errorType !== null) p.setStr("error_type", errorType);
  setStructured(p);
}

/** Plain-text error (code -1), e.g. a malformed input envelope. */
export function failPlain(message: string): void {
  errorText = message;
  errorCode = -1;
}

/** Maps an HTTP status to a provider_error kind (spec §5.3, `classify_status_only`). */
export function kindForStatus(status: i32): string {
  if (status == 429) return "rate_limited";
  if (status == 401 || status == 403) return "authentication";
  if (status == 400 || status == 422) return "invalid_request";
  if (status == 408 || status == 425 || (status >= 500 && status <= 599)) return "unknown_transient";
  return "unknown_permanent";
}

/** Maps an OpenAI/Mistral error `type`/`code` string to a provider_error kind. */
export function kindForErrorCode(typeOrCode: string): string {
  const t = typeOrCode.toLowerCase();
  if (t.includes("context_length") || t.includes("context_window")) return "context_window_exceeded";
  if (t.includes("insufficient_quota") || t.includes("quota")) return "quota_exceeded";
  if (t.includes("rate_limit")) return "rate_limited";
  if (t.includes("overloaded")) return "server_overloaded";
  if (t.includes("auth") || t.includes("api_key") || t.includes("permission")) return "authentication";
  if (t.includes("invalid_request") || t.includes("invalid")) return "invalid_request";
  if (t.includes("server_error") || t.includes("timeout") || t.includes("unavailable")) return "unknown_transient";
  return "";
}

/**
 * If `body` is an OpenAI-style error object (`{"error":{"message","type","code"}}` or
 * `{"error":"text"}`), records a provider_error and returns true.
 * `status` (0 if unknown) is used to classify when type/code say nothing useful.
 */
export function failIfErrorBody(body: JValue, status: i32): bool {
  const e = body.get("error");
  if (e === null || e.isNull) return false;
  let message = "provider returned an error";
  let errorType: string | null = null;
  let code: string | null = null;
  if (e.isString) {
    message = e.s;
  } else if (e.isObject) {
    const m = e.getString("message");
    if (m !== null) message = m;
    errorType = e.getString("type");
    const c = e.get("code");
    if (c !== null && c.isString) code = c.s;
    else if (c !== null && c.isNumber) code = c.stringify();
  } else {
    return false;
  }
  let kind = "";
  if (code !== null) kind = kindForErrorCode(code);
  if (kind.length == 0 && errorType !== null) kind = kindForErrorCode(errorType);
  if (kind.length == 0) kind = status > 0 ? kindForStatus(status) : "unknown_permanent";
  failProvider(message, kind, code, errorType);
  return true;
}
