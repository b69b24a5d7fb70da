// Server-sent-events parser for streamed /chat/completions responses (spec §8 step 4).
//
// The host calls `chat_stream_parser_parse` once per line (with its trailing "\n"), then once
// with a flush "\n", then `chat_stream_parser_finish`, and always `chat_stream_parser_close`.
// Parser state lives in this instance's memory, keyed by the id from `chat_stream_parser_start`.
// Chunks are buffered until a newline, so arbitrary chunking also works.
//
// Output items are ExtismChatChunks: {"chunk": StreamChunk, "usage": Usage|null}.
//
// As in QueryMT's OpenAI parser, the line that carries choice 0's finish_reason ends the answer: its
// deltas, its usage, then tool_use_complete for every streamed tool call and
// {"done":{"finish_reason":"ToolCalls"}} (QueryMT's FinishReason variant name). After that only usage is
// taken (OpenAI reports it in a later line) and `data: [DONE]` adds nothing. [DONE] without a
// finish_reason completes the pending tool calls and infers the reason (ToolCalls or Stop).

import { JValue, parseJson, jsonError, utf8ToString } from "./json";
import { failPlain, failResponseFormat, failIfErrorBody } from "./errors";
import { argumentsText, mapFinishReason, mapUsage, toolCall } from "./openai";

/** One tool call being streamed. */
class ToolAcc {
  args: Array<string> = new Array<string>();
  constructor(public index: i32, public id: string, public name: string) {}
}

class StreamState {
  /** Bytes of an incomplete line. */
  pending: Uint8Array = new Uint8Array(0);
  /** finish_reason of choice 0, once seen. */
  finishReason: string | null = null;
  /** True once `done` was emitted; later lines only contribute usage. */
  done: bool = false;
  tools: Array<ToolAcc> = new Array<ToolAcc>();

  findByIndex(index: i32): ToolAcc | null {
    for (let i = 0; i < this.tools.length; i++) if (this.tools[i].index == index) return this.tools[i];
    return null;
  }

  findById(id: string): ToolAcc | null {
    for (let i = 0; i < this.tools.length; i++) if (this.tools[i].id == id) return this.tools[i];
    return null;
  }
}

const parsers = new Map<i32, StreamState>();
let nextParserId: i32 = 1;

function chunk(c: JValue): JValue {
  return JValue.obj().set("chunk", c).set("usage", JValue.nul());
}

/** Creates a parser and returns its id (1, 2, 3, … per instance). */
export function startParser(): i32 {
  const id = nextParserId++;
  parsers.set(id, new StreamState());
  return id;
}

/** Feeds bytes (normally one line incl. "\n"); returns the chunks, or null on error. */
export function parseChunk(id: i32, bytes: Uint8Array): JValue | null {
  if (!parsers.has(id)) {
    failPlain("Unknown parser id " + id.toString());
    return null;
  }
  const st = parsers.get(id);
  const out = JValue.arr();

  // Join with the pending partial line, then handle every complete line.
  let buf = bytes;
  if (st.pending.length > 0) {
    buf = new Uint8Array(st.pending.length + bytes.length);
    buf.set(st.pending);
    buf.set(bytes, st.pending.length);
  }
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (unchecked(buf[i]) == 0x0a) {
      if (!handleLine(st, buf, start, i, out)) return null;
      start = i + 1;
    }
  }
  st.pending = start < buf.length ? buf.slice(start) : new Uint8Array(0);
  return out;
}

/**
 * Ends the stream: flushes a final unterminated line, emits the pending tool_use_complete
 * chunks and `done` if a finish_reason was seen and `done` was not emitted yet, and removes the
 * parser. A stream that ended with neither finish_reason nor [DONE] gets no `done` (the host
 * treats that as a broken stream).
 */
export function finishParser(id: i32): JValue | null {
  if (!parsers.has(id)) {
    failPlain("Unknown parser id " + id.toString());
    return null;
  }
  const st = parsers.get(id);
  parsers.delete(id);
  const out = JValue.arr();
  if (st.pending.length > 0) {
    const rest = st.pending;
    st.pending = new Uint8Array(0);
    if (!handleLine(st, rest, 0, rest.length, out)) return null;
  }
  if (!st.done && st.finishReason !== null) emitCompletion(st, out);
  return out;
}

/** Drops a parser (no-op for an unknown id). */
export function closeParser(id: i32): void {
  if (parsers.has(id)) parsers.delete(id);
}

/** Number of live parsers (for diagnostics/tests). */
export function liveParsers(): i32 {
  return parsers.size;
}

function startsWith(buf: Uint8Array, start: i32, end: i32, prefix: string): bool {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    if (<i32>unchecked(buf[start + i]) != prefix.charCodeAt(i)) return false;
  }
  return true;
}

/** Handles one SSE line `buf[start..end)` (without "\n"). Returns false on error. */
function handleLine(st: StreamState, buf: Uint8Array, start: i32, end: i32, out: JValue): bool {
  if (end > start && unchecked(buf[end - 1]) == 0x0d) end--; // CRLF
  if (end <= start) return true; // a blank line (event separator)
  if (unchecked(buf[start]) == 0x3a) return true; // ":" comment / keep-alive
  if (!startsWith(buf, start, end, "data:")) return true; // event:, id:, retry: … carry nothing we use

  let p = start + 5;
  while (p < end && (unchecked(buf[p]) == 0x20 || unchecked(buf[p]) == 0x09)) p++;
  let q = end;
  while (q > p && (unchecked(buf[q - 1]) == 0x20 || unchecked(buf[q - 1]) == 0x09)) q--;
  if (q == p) return true; // empty data line

  if (startsWith(buf, p, q, "[DONE]") && q - p == 6) {
    if (!st.done) emitCompletion(st, out); // no finish_reason came
    return true;
  }

  const ev = parseJson(buf, p, q);
  if (st.done) {
    // The answer is complete: only a late usage report still counts; anything else (even malformed) is ignored.
    const late = ev !== null ? mapUsage(ev.get("usage")) : null;
    if (late !== null) out.push(JValue.obj().set("chunk", JValue.obj().set("usage", late)).set("usage", late));
    return true;
  }
  if (ev === null) {
    failResponseFormat("malformed stream event: " + jsonError, utf8ToString(buf.slice(start, end)));
    return false;
  }
  if (!ev.isObject) {
    failResponseFormat("stream event is not a JSON object", utf8ToString(buf.slice(start, end)));
    return false;
  }
  // A mid-stream error event, e.g. data: {"error":{"message":"…","type":"server_error"}}.
  if (failIfErrorBody(ev, 0)) return false;

  let finished = false;
  const choices = ev.get("choices");
  if (choices !== null && choices.isArray && choices.length > 0) {
    const choice = choices.items[0];
    const delta = choice.get("delta");
    if (delta !== null && delta.isObject) {
      const text = delta.getString("content");
      if (text !== null && text.length > 0) out.push(chunk(JValue.obj().setStr("text", text)));
      const calls = delta.get("tool_calls");
      if (calls !== null && calls.isArray) {
        const items = calls.items;
        for (let i = 0; i < items.length; i++) handleToolDelta(st, items[i], out);
      }
    }
    const fr = choice.getString("finish_reason");
    if (fr !== null && fr.length > 0) {
      st.finishReason = fr;
      finished = true;
    }
  }

  const usage = mapUsage(ev.get("usage"));
  if (usage !== null) out.push(JValue.obj().set("chunk", JValue.obj().set("usage", usage)).set("usage", usage));
  if (finished) emitCompletion(st, out);
  return true;
}

/** One element of delta.tool_calls: starts a tool call the first time its index is seen, then streams argument fragments. */
function handleToolDelta(st: StreamState, tc: JValue, out: JValue): void {
  const idV = tc.get("id");
  const id = idV !== null && idV.isString && idV.s.length > 0 ? idV.s : null;
  const idxV = tc.get("index");
  let acc: ToolAcc | null = null;
  let index: i32;
  if (idxV !== null && idxV.isInteger) {
    index = <i32>idxV.n;
    acc = st.findByIndex(index);
  } else if (id !== null) {
    // Servers that omit `index` (e.g. some Mistral deployments) send whole calls with ids.
    acc = st.findById(id);
    index = acc !== null ? acc.index : st.tools.length;
  } else {
    // No index and no id: a continuation of the latest call.
    acc = st.tools.length > 0 ? st.tools[st.tools.length - 1] : null;
    index = acc !== null ? acc.index : 0;
  }
  const fn = tc.get("function");
  const name = fn !== null ? fn.getString("name") : null;
  if (acc === null) {
    acc = new ToolAcc(index, id !== null ? id : "call_" + index.toString(), name !== null ? name : "");
    st.tools.push(acc);
    out.push(
      chunk(
        JValue.obj().set(
          "tool_use_start",
          JValue.obj().setNum("index", <f64>index).setStr("id", acc.id).setStr("name", acc.name),
        ),
      ),
    );
  } else if (name !== null && acc.name.length == 0) {
    acc.name = name;
  }
  if (fn === null) return;
  const a = fn.get("arguments");
  if (a === null || a.isNull) return;
  const fragment = a.isString ? a.s : a.stringify();
  if (fragment.length == 0) return;
  acc.args.push(fragment);
  out.push(
    chunk(
      JValue.obj().set(
        "tool_use_input_delta",
        JValue.obj().setNum("index", <f64>index).setStr("partial_json", fragment),
      ),
    ),
  );
}

/** Emits tool_use_complete for every streamed tool call, then `done` with QueryMT's FinishReason; marks the stream done. */
function emitCompletion(st: StreamState, out: JValue): void {
  for (let i = 0; i < st.tools.length; i++) {
    const t = st.tools[i];
    const call = toolCall(t.id, t.name, argumentsText(JValue.str(t.args.join(""))));
    out.push(chunk(JValue.obj().set("tool_use_complete", JValue.obj().setNum("index", <f64>t.index).set("tool_call", call))));
  }
  const hadTools = st.tools.length > 0;
  st.tools = new Array<ToolAcc>();
  // [DONE] without a finish_reason: inferred (QueryMT says Stop there; ToolCalls is truer after tool calls).
  const fr = st.finishReason;
  const reason = fr !== null ? mapFinishReason(fr) : hadTools ? "ToolCalls" : "Stop";
  out.push(chunk(JValue.obj().set("done", JValue.obj().setStr("finish_reason", reason))));
  st.done = true;
}
