// openai-compatible: a QueryMT-ABI Extism provider plugin (HTTP-adapter ABI, spec §2) for
// OpenAI-style chat APIs (OpenAI, Mistral, Groq, vLLM, llama.cpp server, …).
//
// The plugin does no I/O: `*_request` exports return the HTTP request for the host to send and
// `parse_*` exports map the host's HTTP response. No host functions are imported.
//
// Every export is `() -> i32`: read the input, write the output, return 0; on failure call
// `error_set` and return 1 (structured `{"payload":…}` error) or -1 (plain text).

import { Host, Memory } from "@extism/as-pdk";
import { error_set } from "@extism/as-pdk/lib/env";
import { JValue, parseJson, jsonError, toJsonBytes } from "./json";
import { errorText, errorCode, failPlain } from "./errors";
import { API_KEY_NAME, CONFIG_SCHEMA, Config, DEFAULT_BASE_URL, PLUGIN_NAME, parseConfig } from "./config";
import { authGet, jsonPost, readJsonBody, readResponse } from "./http";
import {
  buildChatBody,
  buildCompleteBody,
  buildEmbedBody,
  mapChatResponse,
  mapCompleteResponse,
  mapEmbedResponse,
  mapModelsResponse,
} from "./openai";
import { closeParser, finishParser, parseChunk, startParser } from "./stream";

// ---------------------------------------------------------------------------------------------
// Plumbing
// ---------------------------------------------------------------------------------------------

/** AssemblyScript abort handler (wired with `--use abort=assembly/index/myAbort`): report, then trap. */
function myAbort(message: string | null, fileName: string | null, lineNumber: u32, columnNumber: u32): void {
  const text =
    "plugin aborted: " +
    (message !== null ? message : "?") +
    " at " +
    (fileName !== null ? fileName : "?") +
    ":" +
    lineNumber.toString() +
    ":" +
    columnNumber.toString();
  error_set(Memory.allocateString(text).offset);
}

/** Writes raw bytes as the output (as-pdk's outputString mis-sizes non-ASCII strings). */
function outputBytes(b: Uint8Array): void {
  Host.output(b);
}

function outputText(s: string): void {
  Host.output(Uint8Array.wrap(String.UTF8.encode(s)));
}

/** Finishes an export: output on success, error_set + code on failure. */
function done(result: Uint8Array | null): i32 {
  if (result === null) {
    error_set(Memory.allocateString(errorText).offset);
    return errorCode;
  }
  if (result.length > 0) outputBytes(result);
  return 0;
}

function doneJson(v: JValue | null): i32 {
  return done(v === null ? null : toJsonBytes(v));
}

/** The input parsed as JSON (a plain error when it is not JSON). */
function readInput(): JValue | null {
  const v = parseJson(Host.input());
  if (v === null) failPlain("invalid JSON input: " + jsonError);
  return v;
}

/** The validated `cfg` member of an input object. */
function cfgOf(input: JValue): Config | null {
  const c = input.get("cfg");
  if (c === null) {
    failPlain("missing field `cfg`");
    return null;
  }
  return parseConfig(c);
}

/** Reads an input that is a bare parser id (a JSON number). */
function readParserId(): i32 {
  const v = readInput();
  if (v === null) return -1;
  if (!v.isInteger || v.n < 0 || v.n > 2147483647.0) {
    failPlain("expected a parser id (a non-negative integer)");
    return -1;
  }
  return <i32>v.n;
}

// ---------------------------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------------------------

/** Raw string: the provider name. */
export function name(): i32 {
  outputText(PLUGIN_NAME);
  return 0;
}

/** Raw string: the default API root. */
export function base_url(): i32 {
  outputText(DEFAULT_BASE_URL);
  return 0;
}

/** Raw string: the environment variable the host reads the API key from (into cfg.api_key). */
export function api_key_name(): i32 {
  outputText(API_KEY_NAME);
  return 0;
}

/** Raw string: JSON Schema (draft-07) of cfg. */
export function config_schema(): i32 {
  outputText(CONFIG_SCHEMA);
  return 0;
}

/** Input: a log level number 0-5. This plugin does not log; the call only validates the input. */
export function init_logging(): i32 {
  const v = readInput();
  if (v === null) return done(null);
  if (!v.isNumber) {
    failPlain("init_logging expects a log level number");
    return done(null);
  }
  return 0;
}

/** Input: bare cfg. Output: the validated cfg with defaults (base_url) filled in. */
export function from_config(): i32 {
  const v = readInput();
  if (v === null) return done(null);
  const cfg = parseConfig(v);
  return doneJson(cfg === null ? null : cfg.toJson());
}

/** Input: bare cfg. Output: `true`. */
export function supports_streaming(): i32 {
  const v = readInput();
  if (v === null) return done(null);
  if (parseConfig(v) === null) return done(null);
  outputText("true");
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------

/** Output: `null` (no static list; the host uses list_models_request + parse). */
export function list_models_static(): i32 {
  outputText("null");
  return 0;
}

/** Input: {"cfg"}. Output: {"req"} for GET {base_url}/models. */
export function list_models_request(): i32 {
  const input = readInput();
  if (input === null) return done(null);
  const cfg = cfgOf(input);
  if (cfg === null) return done(null);
  return done(authGet(cfg.endpoint("models"), cfg.apiKey));
}

/** Input: {"resp":{"resp":HttpResp}}. Output: ["model-id", …]. */
export function parse_list_models_response(): i32 {
  const input = readInput();
  if (input === null) return done(null);
  const resp = readResponse(input);
  if (resp === null) return done(null);
  const body = readJsonBody(resp);
  if (body === null) return done(null);
  return doneJson(mapModelsResponse(body, resp.bodyText));
}

// ---------------------------------------------------------------------------------------------
// Chat
// ---------------------------------------------------------------------------------------------

function chatRequest(stream: bool): i32 {
  const input = readInput();
  if (input === null) return done(null);
  const cfg = cfgOf(input);
  if (cfg === null) return done(null);
  const body = buildChatBody(cfg, input, stream);
  if (body === null) return done(null);
  return done(jsonPost(cfg.endpoint("chat/completions"), cfg.apiKey, body));
}

/** Input: {"cfg","messages","tools"}. Output: {"req"} for POST {base_url}/chat/completions. */
export function chat_request(): i32 {
  return chatRequest(false);
}

/** Like chat_request, with "stream":true and "stream_options":{"include_usage":true}. */
export function chat_stream_request(): i32 {
  return chatRequest(true);
}

/** Input: {"cfg","resp":{"resp":HttpResp}}. Output: {"text","tool_calls","thinking","usage","finish_reason"}. */
export function parse_chat_response(): i32 {
  const input = readInput();
  if (input === null) return done(null);
  if (cfgOf(input) === null) return done(null);
  const resp = readResponse(input);
  if (resp === null) return done(null);
  const body = readJsonBody(resp);
  if (body === null) return done(null);
  return doneJson(mapChatResponse(body, resp.bodyText));
}

/** Input: bare cfg. Output: a new parser id (number). */
export function chat_stream_parser_start(): i32 {
  const v = readInput();
  if (v === null) return done(null);
  if (parseConfig(v) === null) return done(null);
  outputText(startParser().toString());
  return 0;
}

/** Input: {"parser_id":n,"chunk":[bytes of one line]}. Output: [ExtismChatChunk…]. */
export function chat_stream_parser_parse(): i32 {
  const input = readInput();
  if (input === null) return done(null);
  const idV = input.get("parser_id");
  if (idV === null || !idV.isInteger || idV.n < 0 || idV.n > 2147483647.0) {
    failPlain("missing or invalid field `parser_id`");
    return done(null);
  }
  const c = input.get("chunk");
  const bytes = c !== null ? c.asBytes() : null;
  if (bytes === null) {
    failPlain("missing or invalid field `chunk` (expected an array of byte values)");
    return done(null);
  }
  return doneJson(parseChunk(<i32>idV.n, bytes));
}

/** Input: parser id. Output: the final chunks (pending tool calls + done); removes the parser. */
export function chat_stream_parser_finish(): i32 {
  const id = readParserId();
  if (id < 0) return done(null);
  return doneJson(finishParser(id));
}

/** Input: parser id. Removes the parser (no-op when already gone); empty output. */
export function chat_stream_parser_close(): i32 {
  const id = readParserId();
  if (id < 0) return done(null);
  closeParser(id);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Embeddings and completions
// ---------------------------------------------------------------------------------------------

/** Input: {"cfg","inputs":[…]}. Output: {"req"} for POST {base_url}/embeddings. */
export function embed_request(): i32 {
  const input = readInput();
  if (input === null) return done(null);
  const cfg = cfgOf(input);
  if (cfg === null) return done(null);
  const body = buildEmbedBody(cfg, input);
  if (body === null) return done(null);
  return done(jsonPost(cfg.endpoint("embeddings"), cfg.apiKey, body));
}

/** Input: {"cfg","resp":{"resp":HttpResp}}. Output: [[f32…]…] ordered by input. */
export function parse_embed_response(): i32 {
  const input = readInput();
  if (input === null) return done(null);
  if (cfgOf(input) === null) return done(null);
  const resp = readResponse(input);
  if (resp === null) return done(null);
  const body = readJsonBody(resp);
  if (body === null) return done(null);
  return doneJson(mapEmbedResponse(body, resp.bodyText));
}

/** Input: {"cfg","req":{"prompt","suffix","max_tokens","temperature"}}. Output: {"req"} for POST {base_url}/completions. */
export function complete_request(): i32 {
  const input = readInput();
  if (input === null) return done(null);
  const cfg = cfgOf(input);
  if (cfg === null) return done(null);
  const body = buildCompleteBody(cfg, input);
  if (body === null) return done(null);
  return done(jsonPost(cfg.endpoint("completions"), cfg.apiKey, body));
}

/** Input: {"cfg","resp":{"resp":HttpResp}}. Output: {"text":…}. */
export function parse_complete_response(): i32 {
  const input = readInput();
  if (input === null) return done(null);
  if (cfgOf(input) === null) return done(null);
  const resp = readResponse(input);
  if (resp === null) return done(null);
  const body = readJsonBody(resp);
  if (body === null) return done(null);
  return doneJson(mapCompleteResponse(body, resp.bodyText));
}
