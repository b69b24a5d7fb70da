// QueryMT HTTP envelopes (spec §3; http-serde-ext JSON).
//
// Request (output of the *_request exports):
//   {"req":{"head":{"method":"POST","uri":"…","headers":{"name":"value"},"version":"HTTP/1.1"},"body":[bytes…]}}
// Response (input of the parse_* exports; the `resp` wrapper is nested once more):
//   {"cfg":…,"resp":{"resp":{"head":{"status":200,"headers":{…},"version":"HTTP/1.1"},"body":[bytes…]}}}

import { JValue, JsonWriter, parseJson, jsonError, utf8ToString } from "./json";
import { failPlain, failResponseFormat, failIfErrorBody, failProvider, kindForStatus } from "./errors";

export class Header {
  constructor(public name: string, public value: string) {}
}

/**
 * Serializes `{"req":{"head":…,"body":[…]}}`. Header names must be lowercase and values visible
 * ASCII (the caller guarantees this; config validation rejects other API keys).
 */
export function buildRequest(method: string, uri: string, headers: Array<Header>, body: Uint8Array | null): Uint8Array {
  const w = new JsonWriter();
  w.ascii('{"req":{"head":{"method":');
  w.string(method);
  w.ascii(',"uri":');
  w.string(uri);
  w.ascii(',"headers":{');
  for (let i = 0; i < headers.length; i++) {
    if (i > 0) w.byte(0x2c);
    w.string(headers[i].name);
    w.byte(0x3a);
    w.string(headers[i].value);
  }
  w.ascii('},"version":"HTTP/1.1"},"body":');
  w.byteArray(body !== null ? body : new Uint8Array(0));
  w.ascii("}}");
  return w.toBytes();
}

/** A POST with a JSON body and bearer auth. */
export function jsonPost(uri: string, apiKey: string, body: JValue): Uint8Array {
  const w = new JsonWriter();
  w.value(body);
  const headers: Header[] = [new Header("authorization", "Bearer " + apiKey), new Header("content-type", "application/json")];
  return buildRequest("POST", uri, headers, w.toBytes());
}

/** A GET with bearer auth and an empty body. */
export function authGet(uri: string, apiKey: string): Uint8Array {
  const headers: Header[] = [new Header("authorization", "Bearer " + apiKey)];
  return buildRequest("GET", uri, headers, null);
}

export class HttpResponse {
  status: i32 = 0;
  headers: JValue = JValue.obj();
  body: Uint8Array = new Uint8Array(0);

  get bodyText(): string {
    return utf8ToString(this.body);
  }
}

/**
 * Reads the response out of a parse_* input (`{"resp":{"resp":{head,body}}}`; a single
 * `{"resp":{head,body}}` is accepted as well, and so is http-serde-ext's `[head, body]` form).
 * Malformed envelopes are plain (-1) errors, like a serde decode failure.
 */
export function readResponse(input: JValue): HttpResponse | null {
  let r = input.get("resp");
  if (r === null || !(r.isObject || r.isArray)) {
    failPlain("missing field `resp`");
    return null;
  }
  if (r.isObject) {
    const inner = r.get("resp");
    if (inner !== null) r = inner;
  }
  let head: JValue | null = null;
  let body: JValue | null = null;
  if (r.isArray && r.length == 2) {
    head = r.items[0];
    body = r.items[1];
  } else if (r.isObject) {
    head = r.get("head");
    body = r.get("body");
  }
  if (head === null || !head.isObject) {
    failPlain("missing field `head` in response");
    return null;
  }
  if (body === null) {
    failPlain("missing field `body` in response");
    return null;
  }
  const status = head.get("status");
  if (status === null || !status.isInteger || status.n < 100 || status.n > 999) {
    failPlain("response head: invalid or missing `status`");
    return null;
  }
  const bytes = body.asBytes();
  if (bytes === null) {
    failPlain("response body must be an array of byte values 0-255");
    return null;
  }
  const resp = new HttpResponse();
  resp.status = <i32>status.n;
  const h = head.get("headers");
  if (h !== null && h.isObject) resp.headers = h;
  resp.body = bytes;
  return resp;
}

/**
 * Parses a successful JSON response body. Records an error and returns null when the status
 * is not 2xx (provider_error, classified like QueryMT's `classify_status_only`), when the
 * body is not JSON (response_format_error), or when it is an `{"error":…}` object (provider_error).
 */
export function readJsonBody(resp: HttpResponse): JValue | null {
  const text = resp.bodyText;
  const json = parseJson(resp.body);
  if (resp.status < 200 || resp.status > 299) {
    if (json !== null && failIfErrorBody(json, resp.status)) return null;
    const trimmed = text.trim();
    failProvider(trimmed.length > 0 ? trimmed : "HTTP " + resp.status.toString(), kindForStatus(resp.status), null, null);
    return null;
  }
  if (json === null) {
    failResponseFormat("response body is not valid JSON: " + jsonError, text);
    return null;
  }
  if (failIfErrorBody(json, resp.status)) return null;
  return json;
}
