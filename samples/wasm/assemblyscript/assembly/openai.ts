// Mapping between QueryMT's data types (Gen B content-block messages, spec §6) and the
// OpenAI-compatible REST API (/chat/completions, /embeddings, /completions, /models).

import { JValue } from "./json";
import { Config } from "./config";
import { failInvalidRequest, failPlain, failResponseFormat } from "./errors";

const TEXT_SEPARATOR = "\n";

// =============================================================================================
// Chat request
// =============================================================================================

/** `messages[i].content[j]` - used in error messages. */
function loc(i: i32, j: i32): string {
  return "messages[" + i.toString() + "].content[" + j.toString() + "]";
}

function unsupportedBlock(i: i32, j: i32, type: string, role: string): void {
  failInvalidRequest(
    loc(i, j) + ": content block type '" + type + "' is not supported in " + role + " messages by the openai-compatible plugin" +
      " (supported: text, image, image_url, tool_result in User messages; text, tool_use, thinking (ignored) in Assistant messages)",
  );
}

/** Required string member of a content block, or null with an invalid_request error. */
function blockString(block: JValue, key: string, i: i32, j: i32): string | null {
  const s = block.getString(key);
  if (s === null) failInvalidRequest(loc(i, j) + ": field '" + key + "' must be a string");
  return s;
}

/** Concatenated text of a tool_result's content (an array of text blocks, or a plain string). */
function toolResultText(block: JValue, i: i32, j: i32): string | null {
  const c = block.get("content");
  if (c === null || c.isNull) return "";
  if (c.isString) return c.s;
  if (!c.isArray) {
    failInvalidRequest(loc(i, j) + ": tool_result 'content' must be an array of content blocks");
    return null;
  }
  const texts = new Array<string>();
  const parts = c.items;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    const t = p.getString("type");
    if (t == "text") {
      const s = p.getString("text");
      if (s === null) {
        failInvalidRequest(loc(i, j) + ".content[" + k.toString() + "]: field 'text' must be a string");
        return null;
      }
      texts.push(s);
    } else {
      failInvalidRequest(
        loc(i, j) + ".content[" + k.toString() + "]: tool_result content block type '" + (t !== null ? t : "?") + "' is not supported (only text)",
      );
      return null;
    }
  }
  return texts.join(TEXT_SEPARATOR);
}

/** Appends the OpenAI message(s) for one QueryMT User message. */
function convertUser(out: JValue, blocks: Array<JValue>, i: i32): bool {
  const texts = new Array<string>();
  const parts = JValue.arr(); // content parts, used only when an image is present
  let hasImage = false;
  const toolMsgs = new Array<JValue>();
  for (let j = 0; j < blocks.length; j++) {
    const b = blocks[j];
    const type = b.getString("type");
    if (type === null) {
      failInvalidRequest(loc(i, j) + ": content block without a string 'type'");
      return false;
    }
    if (type == "text") {
      const s = blockString(b, "text", i, j);
      if (s === null) return false;
      texts.push(s);
      parts.push(JValue.obj().setStr("type", "text").setStr("text", s));
    } else if (type == "image_url") {
      const url = blockString(b, "url", i, j);
      if (url === null) return false;
      hasImage = true;
      parts.push(JValue.obj().setStr("type", "image_url").set("image_url", JValue.obj().setStr("url", url)));
    } else if (type == "image") {
      // QueryMT's Content::Image: {"type":"image","mime_type":"image/png","data":[137,80,…]} (bytes as numbers). OpenAI
      // takes it as an image_url part with a data: URL; the base64 is written by JsonWriter straight into the body.
      const mime = blockString(b, "mime_type", i, j);
      if (mime === null) return false;
      const d = b.get("data");
      const data = d !== null ? d.asBytes() : null;
      if (data === null) {
        failInvalidRequest(loc(i, j) + ": field 'data' must be an array of bytes (0-255)");
        return false;
      }
      hasImage = true;
      parts.push(JValue.obj().setStr("type", "image_url").set("image_url", JValue.obj().set("url", JValue.strBase64("data:" + mime + ";base64,", data))));
    } else if (type == "tool_result") {
      const id = blockString(b, "id", i, j);
      if (id === null) return false;
      const text = toolResultText(b, i, j);
      if (text === null) return false;
      toolMsgs.push(JValue.obj().setStr("role", "tool").setStr("tool_call_id", id).setStr("content", text));
    } else if (type == "thinking") {
      // Reasoning is not sent back to the provider.
    } else {
      unsupportedBlock(i, j, type, "User");
      return false;
    }
  }
  // OpenAI wants tool results directly after the assistant's tool_calls message.
  for (let k = 0; k < toolMsgs.length; k++) out.push(toolMsgs[k]);
  if (hasImage) {
    out.push(JValue.obj().setStr("role", "user").set("content", parts));
  } else if (texts.length > 0) {
    out.push(JValue.obj().setStr("role", "user").setStr("content", texts.join(TEXT_SEPARATOR)));
  }
  return true;
}

/** Appends the OpenAI message for one QueryMT Assistant message. */
function convertAssistant(out: JValue, blocks: Array<JValue>, i: i32): bool {
  const texts = new Array<string>();
  const calls = JValue.arr();
  for (let j = 0; j < blocks.length; j++) {
    const b = blocks[j];
    const type = b.getString("type");
    if (type === null) {
      failInvalidRequest(loc(i, j) + ": content block without a string 'type'");
      return false;
    }
    if (type == "text") {
      const s = blockString(b, "text", i, j);
      if (s === null) return false;
      texts.push(s);
    } else if (type == "tool_use") {
      const id = blockString(b, "id", i, j);
      if (id === null) return false;
      const name = blockString(b, "name", i, j);
      if (name === null) return false;
      // `arguments` is a JSON value; OpenAI wants it serialized into a string.
      const args = b.get("arguments");
      const argText = args === null ? "{}" : args.stringify();
      calls.push(toolCall(id, name, argText));
    } else if (type == "thinking") {
      // Ignored (the OpenAI chat API takes no reasoning input).
    } else {
      unsupportedBlock(i, j, type, "Assistant");
      return false;
    }
  }
  if (texts.length == 0 && calls.length == 0) return true; // e.g. a thinking-only message
  const m = JValue.obj().setStr("role", "assistant");
  m.set("content", texts.length > 0 ? JValue.str(texts.join(TEXT_SEPARATOR)) : JValue.nul());
  if (calls.length > 0) m.set("tool_calls", calls);
  out.push(m);
  return true;
}

/** QueryMT `ToolCall`, which is also OpenAI's tool_call shape. */
export function toolCall(id: string, name: string, args: string): JValue {
  return JValue.obj()
    .setStr("id", id)
    .setStr("type", "function")
    .set("function", JValue.obj().setStr("name", name).setStr("arguments", args));
}

/** Converts QueryMT Gen B messages (plus cfg.system) to OpenAI chat messages. */
export function convertMessages(cfg: Config, messages: JValue): JValue | null {
  const out = JValue.arr();
  for (let k = 0; k < cfg.system.length; k++) {
    out.push(JValue.obj().setStr("role", "system").setStr("content", cfg.system[k]));
  }
  const msgs = messages.items;
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    if (!m.isObject) {
      failPlain("messages[" + i.toString() + "]: expected an object");
      return null;
    }
    const role = m.getString("role");
    const content = m.get("content");
    if (content === null) {
      if (m.get("input") !== null || m.get("output") !== null) {
        failInvalidRequest("messages[" + i.toString() + "]: item-aware (Gen C) messages are not supported; send content blocks (Gen B)");
      } else {
        failPlain("messages[" + i.toString() + "]: missing field `content`");
      }
      return null;
    }
    let blocks: Array<JValue>;
    if (content.isArray) {
      blocks = content.items;
    } else if (content.isString) {
      // Lenient: a bare string is one text block.
      blocks = [JValue.obj().setStr("type", "text").setStr("text", content.s)];
    } else {
      failPlain("messages[" + i.toString() + "]: `content` must be an array of content blocks");
      return null;
    }
    if (role == "User" || role == "user") {
      if (!convertUser(out, blocks, i)) return null;
    } else if (role == "Assistant" || role == "assistant") {
      if (!convertAssistant(out, blocks, i)) return null;
    } else {
      failInvalidRequest("messages[" + i.toString() + "]: unsupported role '" + (role !== null ? role : "?") + "' (expected User or Assistant)");
      return null;
    }
  }
  return out;
}

/**
 * Whether to send `"stream_options":{"include_usage":true}` (OpenAI only reports streamed usage
 * when asked). Mistral's API rejects the field with 422 "extra_forbidden" and always sends usage
 * in the final chunk, so it is left out for *.mistral.ai.
 */
function acceptsStreamOptions(cfg: Config): bool {
  return !(cfg.host == "mistral.ai" || cfg.host.endsWith(".mistral.ai"));
}

/**
 * Builds the /chat/completions body from a chat_request input
 * (`{"cfg","messages":[…],"tools":[…]|null}`).
 */
export function buildChatBody(cfg: Config, input: JValue, stream: bool): JValue | null {
  const messages = input.get("messages");
  if (messages === null || !messages.isArray) {
    failPlain("missing field `messages` (expected an array)");
    return null;
  }
  const converted = convertMessages(cfg, messages);
  if (converted === null) return null;

  const body = JValue.obj();
  const model = cfg.model;
  if (model !== null) body.setStr("model", model);
  body.set("messages", converted);

  const tools = input.get("tools");
  if (tools !== null && !tools.isNull) {
    if (!tools.isArray) {
      failInvalidRequest("'tools' must be an array or null");
      return null;
    }
    // QueryMT's Tool shape is OpenAI's; an empty list is omitted (OpenAI rejects "tools":[]).
    if (tools.length > 0) body.set("tools", tools);
  }
  const mt = cfg.maxTokens;
  if (mt !== null) body.set("max_tokens", mt);
  const t = cfg.temperature;
  if (t !== null) body.set("temperature", t);
  if (stream) {
    body.set("stream", JValue.bool(true));
    if (acceptsStreamOptions(cfg)) body.set("stream_options", JValue.obj().set("include_usage", JValue.bool(true)));
  }
  return body;
}

// =============================================================================================
// Chat response
// =============================================================================================

/**
 * OpenAI finish_reason -> QueryMT FinishReason, a PascalCase enum serialized as its variant name (Stop, Length,
 * ContentFilter, ToolCalls, Error, Other, Unknown), mapped as QueryMT's OpenAI provider maps it; Mistral's
 * "model_length" is also Length. Used for parse_chat_response and for the stream's done chunk.
 */
export function mapFinishReason(r: string): string {
  if (r == "stop") return "Stop";
  if (r == "length" || r == "model_length") return "Length";
  if (r == "tool_calls" || r == "function_call") return "ToolCalls";
  if (r == "content_filter") return "ContentFilter";
  return "Unknown";
}

/** OpenAI usage -> QueryMT Usage, or null when absent. */
export function mapUsage(u: JValue | null): JValue | null {
  if (u === null || !u.isObject) return null;
  const inTok = u.get("prompt_tokens");
  const outTok = u.get("completion_tokens");
  return JValue.obj()
    .set("input_tokens", inTok !== null && inTok.isNumber ? inTok : JValue.num(0))
    .set("output_tokens", outTok !== null && outTok.isNumber ? outTok : JValue.num(0));
}

/** Text of a message `content`: a string, or (some servers) an array of {"type":"text","text"} parts. */
function contentText(c: JValue | null): string | null {
  if (c === null || c.isNull) return null;
  if (c.isString) return c.s;
  if (c.isArray) {
    let s = "";
    let any = false;
    const parts = c.items;
    for (let i = 0; i < parts.length; i++) {
      const t = parts[i].getString("text");
      if (t !== null && parts[i].getString("type") == "text") {
        s += t;
        any = true;
      }
    }
    return any ? s : null;
  }
  return null;
}

/** Function-call arguments as a string (OpenAI sends a string; some servers an object). */
export function argumentsText(a: JValue | null): string {
  if (a === null || a.isNull) return "{}";
  if (a.isString) return a.s.length > 0 ? a.s : "{}";
  return a.stringify();
}

/** Maps a /chat/completions JSON body to QueryMT's ExtismChatResponse. */
export function mapChatResponse(body: JValue, raw: string): JValue | null {
  const choices = body.get("choices");
  if (choices === null || !choices.isArray) {
    failResponseFormat("chat response has no 'choices' array", raw);
    return null;
  }
  let text: string | null = null;
  let calls: JValue | null = null;
  let finish: JValue = JValue.nul();
  if (choices.length > 0) {
    const choice = choices.items[0];
    const msg = choice.get("message");
    if (msg === null || !msg.isObject) {
      failResponseFormat("choices[0] has no 'message' object", raw);
      return null;
    }
    text = contentText(msg.get("content"));
    const tc = msg.get("tool_calls");
    if (tc !== null && tc.isArray && tc.length > 0) {
      const list = JValue.arr();
      const items = tc.items;
      for (let i = 0; i < items.length; i++) {
        const c = items[i];
        const fn = c.get("function");
        const id = c.getString("id");
        const name = fn !== null ? fn.getString("name") : null;
        if (fn === null || name === null) {
          failResponseFormat("tool_calls[" + i.toString() + "] has no function name", raw);
          return null;
        }
        list.push(toolCall(id !== null ? id : "call_" + i.toString(), name, argumentsText(fn.get("arguments"))));
      }
      calls = list;
    }
    const fr = choice.getString("finish_reason");
    if (fr !== null) finish = JValue.str(mapFinishReason(fr));
  }
  const usage = mapUsage(body.get("usage"));
  return JValue.obj()
    .set("text", JValue.strOrNull(text))
    .set("tool_calls", calls !== null ? calls : JValue.nul())
    .set("thinking", JValue.nul())
    .set("usage", usage !== null ? usage : JValue.nul())
    .set("finish_reason", finish);
}

// =============================================================================================
// Embeddings, completions, models
// =============================================================================================

/** Body of POST /embeddings from `{"cfg","inputs":[…]}`. */
export function buildEmbedBody(cfg: Config, input: JValue): JValue | null {
  const inputs = input.get("inputs");
  if (inputs === null || !inputs.isArray) {
    failPlain("missing field `inputs` (expected an array of strings)");
    return null;
  }
  const items = inputs.items;
  for (let i = 0; i < items.length; i++) {
    if (!items[i].isString) {
      failPlain("inputs[" + i.toString() + "]: expected a string");
      return null;
    }
  }
  const body = JValue.obj();
  const em = cfg.embeddingModel;
  const model = em !== null ? em : cfg.model;
  if (model !== null) body.setStr("model", model);
  body.set("input", inputs);
  return body;
}

/** /embeddings response -> `[[f32…]…]`, ordered by `data[].index`. */
export function mapEmbedResponse(body: JValue, raw: string): JValue | null {
  const data = body.get("data");
  if (data === null || !data.isArray) {
    failResponseFormat("embeddings response has no 'data' array", raw);
    return null;
  }
  const items = data.items;
  const slots = new Array<JValue | null>(items.length);
  for (let i = 0; i < items.length; i++) {
    const d = items[i];
    const emb = d.get("embedding");
    if (emb === null || !emb.isArray) {
      failResponseFormat("data[" + i.toString() + "] has no 'embedding' array", raw);
      return null;
    }
    const idxV = d.get("index");
    const idx = idxV !== null && idxV.isInteger ? <i32>idxV.n : i;
    if (idx < 0 || idx >= items.length || slots[idx] !== null) {
      failResponseFormat("data[" + i.toString() + "] has an invalid or duplicate 'index'", raw);
      return null;
    }
    // Numbers keep their source text, so the floats are passed through exactly.
    const vec = emb.items;
    for (let k = 0; k < vec.length; k++) {
      if (!vec[k].isNumber) {
        failResponseFormat("data[" + i.toString() + "].embedding[" + k.toString() + "] is not a number", raw);
        return null;
      }
    }
    slots[idx] = emb;
  }
  const out = JValue.arr();
  for (let i = 0; i < slots.length; i++) out.push(slots[i]!);
  return out;
}

/** Body of POST /completions from `{"cfg","req":{"prompt","suffix","max_tokens","temperature"}}`. */
export function buildCompleteBody(cfg: Config, input: JValue): JValue | null {
  const req = input.get("req");
  if (req === null || !req.isObject) {
    failPlain("missing field `req`");
    return null;
  }
  const prompt = req.getString("prompt");
  if (prompt === null) {
    failPlain("req: missing field `prompt` (expected a string)");
    return null;
  }
  const body = JValue.obj();
  const model = cfg.model;
  if (model !== null) body.setStr("model", model);
  body.setStr("prompt", prompt);
  const suffix = req.get("suffix");
  if (suffix !== null && !suffix.isNull) {
    if (!suffix.isString) {
      failPlain("req.suffix: expected a string or null");
      return null;
    }
    body.set("suffix", suffix);
  }
  const mt = req.get("max_tokens");
  if (mt !== null && !mt.isNull) {
    if (!mt.isInteger || mt.n < 1) {
      failInvalidRequest("req.max_tokens must be an integer >= 1");
      return null;
    }
    body.set("max_tokens", mt);
  } else if (cfg.maxTokens !== null) {
    body.set("max_tokens", cfg.maxTokens!);
  }
  const t = req.get("temperature");
  if (t !== null && !t.isNull) {
    if (!t.isNumber || !(t.n >= 0.0 && t.n <= 2.0)) {
      failInvalidRequest("req.temperature must be a number between 0 and 2");
      return null;
    }
    body.set("temperature", t);
  } else if (cfg.temperature !== null) {
    body.set("temperature", cfg.temperature!);
  }
  return body;
}

/** /completions response -> `{"text":…}` from choices[0].text. */
export function mapCompleteResponse(body: JValue, raw: string): JValue | null {
  const choices = body.get("choices");
  if (choices === null || !choices.isArray || choices.length == 0) {
    failResponseFormat("completion response has no choices", raw);
    return null;
  }
  const text = choices.items[0].getString("text");
  if (text === null) {
    failResponseFormat("choices[0].text is missing", raw);
    return null;
  }
  return JValue.obj().setStr("text", text);
}

/** /models response -> `["id",…]` from data[].id. */
export function mapModelsResponse(body: JValue, raw: string): JValue | null {
  const data = body.get("data");
  if (data === null || !data.isArray) {
    failResponseFormat("models response has no 'data' array", raw);
    return null;
  }
  const out = JValue.arr();
  const items = data.items;
  for (let i = 0; i < items.length; i++) {
    const id = items[i].getString("id");
    if (id === null) {
      failResponseFormat("data[" + i.toString() + "] has no string 'id'", raw);
      return null;
    }
    out.push(JValue.str(id));
  }
  return out;
}
