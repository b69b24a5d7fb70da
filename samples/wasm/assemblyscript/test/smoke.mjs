// Smoke test: loads build/openai-compatible.wasm with the Extism JS SDK (WASI on, in-process)
// and calls every export with canned inputs. Run: node test/smoke.mjs [path/to/plugin.wasm]
import createPlugin from '@extism/extism';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const wasmPath = process.argv[2] ?? fileURLToPath(new URL('../build/openai-compatible.wasm', import.meta.url));
const plugin = await createPlugin(
  { wasm: [{ data: new Uint8Array(readFileSync(wasmPath)) }] },
  { useWasi: true, runInWorker: false },
);

// ---- helpers ----------------------------------------------------------------------------------
const enc = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
async function call(fn, input) {
  const out = await plugin.call(fn, input === undefined ? 'null' : enc(input));
  return out === null ? '' : out.text();
}
const callJson = async (fn, input) => JSON.parse(await call(fn, input));
/** Calls an export that must fail; returns the parsed `payload` (structured) or the plain text. */
async function callErr(fn, input) {
  try {
    await call(fn, input);
  } catch (e) {
    const msg = String(e.message).replace(/^Plugin-originated error: /, '');
    try {
      return JSON.parse(msg).payload ?? msg;
    } catch {
      return msg;
    }
  }
  assert.fail(`${fn} should have failed`);
}
const bytes = (s) => [...Buffer.from(s, 'utf8')];
const bodyOf = (req) => JSON.parse(Buffer.from(req.req.body).toString('utf8'));
const httpResp = (body, status = 200) => ({
  head: { status, headers: { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] }, version: 'HTTP/1.1' },
  body: bytes(enc(body)),
});

let passed = 0;
async function test(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    console.error(`FAIL ${name}\n${e.stack}`);
    process.exitCode = 1;
  }
}

const cfg = {
  api_key: 'sk-test',
  model: 'mistral-small-latest',
  base_url: 'https://api.mistral.ai/v1/',
  max_tokens: 256,
  temperature: 0.7,
  system: ['You are terse.', 'Answer in English.'],
};
const BASE = 'https://api.mistral.ai/v1';

// ---- metadata -----------------------------------------------------------------------------------
await test('exports', async () => {
  const names = (await plugin.getExports()).map((e) => e.name);
  for (const n of ['name', 'base_url', 'api_key_name', 'config_schema', 'init_logging', 'from_config', 'supports_streaming',
    'list_models_static', 'list_models_request', 'parse_list_models_response', 'chat_request', 'chat_stream_request',
    'parse_chat_response', 'chat_stream_parser_start', 'chat_stream_parser_parse', 'chat_stream_parser_finish',
    'chat_stream_parser_close', 'embed_request', 'parse_embed_response', 'complete_request', 'parse_complete_response']) {
    assert.ok(names.includes(n), `missing export ${n}`);
  }
});

await test('name / base_url / api_key_name (raw strings)', async () => {
  assert.equal(await call('name'), 'openai-compatible');
  assert.equal(await call('base_url'), 'https://api.openai.com/v1');
  assert.equal(await call('api_key_name'), 'OPENAI_API_KEY');
});

await test('config_schema', async () => {
  const s = JSON.parse(await call('config_schema'));
  assert.equal(s.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal(s.type, 'object');
  assert.deepEqual(s.required, ['api_key']);
  assert.equal(s.additionalProperties, false);
  assert.deepEqual(Object.keys(s.properties).sort(),
    ['api_key', 'base_url', 'embedding_model', 'max_tokens', 'model', 'system', 'temperature']);
  assert.equal(s.properties.base_url.format, 'uri');
  assert.equal(s.properties.max_tokens.type, 'integer');
  assert.equal(s.properties.max_tokens.minimum, 1);
  assert.deepEqual([s.properties.temperature.minimum, s.properties.temperature.maximum], [0, 2]);
  assert.deepEqual(s.properties.system, { ...s.properties.system, type: 'array', items: { type: 'string' } });
});

await test('init_logging', async () => {
  assert.equal(await call('init_logging', 3), '');
  assert.equal(typeof (await callErr('init_logging', '"loud"')), 'string');
});

// ---- config -------------------------------------------------------------------------------------
await test('from_config echoes cfg and fills the base_url default', async () => {
  assert.deepEqual(await callJson('from_config', cfg), cfg);
  assert.deepEqual(await callJson('from_config', { api_key: 'k', model: 'gpt-4o-mini', max_tokens: null }),
    { api_key: 'k', model: 'gpt-4o-mini', base_url: 'https://api.openai.com/v1' });
});

await test('from_config rejects bad configs with structured errors naming the field', async () => {
  const cases = [
    [{ model: 'x' }, 'api_key'],
    [{ api_key: '' }, 'api_key'],
    [{ api_key: 'k', base_url: 'ftp://example.com' }, 'base_url'],
    [{ api_key: 'k', base_url: 'api.openai.com/v1' }, 'base_url'],
    [{ api_key: 'k', base_url: 'https://' }, 'base_url'],
    [{ api_key: 'k', max_tokens: 0 }, 'max_tokens'],
    [{ api_key: 'k', max_tokens: 1.5 }, 'max_tokens'],
    [{ api_key: 'k', temperature: 2.5 }, 'temperature'],
    [{ api_key: 'k', temperature: '1' }, 'temperature'],
    [{ api_key: 'k', system: [1] }, 'system'],
    [{ api_key: 'k', stream: true }, 'stream'],
  ];
  for (const [bad, field] of cases) {
    const p = await callErr('from_config', bad);
    assert.equal(p.type, 'invalid_request', JSON.stringify(bad));
    assert.match(p.message, new RegExp(`config field '${field}'`), JSON.stringify(bad));
  }
  // The same validation applies to every export that receives a cfg.
  const p = await callErr('chat_request', { cfg: { api_key: 'k', foo: 1 }, messages: [], tools: null });
  assert.equal(p.type, 'invalid_request');
  assert.match(p.message, /'foo'/);
});

await test('supports_streaming / list_models_static', async () => {
  assert.equal(await call('supports_streaming', cfg), 'true');
  assert.equal(await call('list_models_static', { cfg }), 'null');
});

// ---- models -------------------------------------------------------------------------------------
await test('list_models_request / parse_list_models_response', async () => {
  const r = await callJson('list_models_request', { cfg });
  assert.deepEqual(r, {
    req: { head: { method: 'GET', uri: `${BASE}/models`, headers: { authorization: 'Bearer sk-test' }, version: 'HTTP/1.1' }, body: [] },
  });
  const models = await callJson('parse_list_models_response', {
    resp: { resp: httpResp({ object: 'list', data: [{ id: 'gpt-4o', object: 'model' }, { id: 'mistral-large-latest' }] }) },
  });
  assert.deepEqual(models, ['gpt-4o', 'mistral-large-latest']);
});

// ---- chat ---------------------------------------------------------------------------------------
const tools = [{
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
}];
const messages = [
  { role: 'User', content: [{ type: 'text', text: 'Weather in Paris? héllo ✓ 😀' }] },
  { role: 'Assistant', content: [
    { type: 'thinking', text: 'need the tool' },
    { type: 'text', text: 'Checking.' },
    { type: 'tool_use', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris', days: 2, exact: 0.5 } },
  ] },
  { role: 'User', content: [
    { type: 'tool_result', id: 'call_1', name: 'get_weather', is_error: false, content: [{ type: 'text', text: '18°C, sunny' }] },
    { type: 'text', text: 'And this picture?' },
    { type: 'image_url', url: 'https://example.com/cat.png' },
    { type: 'image', mime_type: 'image/png', data: [137, 80, 78, 71, 13, 10, 26, 10, 0, 255] },
  ] },
  { role: 'Assistant', content: [{ type: 'tool_use', id: 'call_2', name: 'get_weather', arguments: { city: 'Lyon' } }] },
];

await test('chat_request maps Gen B messages, system, tools, params (UTF-8 body)', async () => {
  const r = await callJson('chat_request', { cfg, messages, tools });
  assert.deepEqual(r.req.head, {
    method: 'POST', uri: `${BASE}/chat/completions`,
    headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' }, version: 'HTTP/1.1',
  });
  assert.ok(r.req.body.every((b) => Number.isInteger(b) && b >= 0 && b <= 255));
  assert.deepEqual(bodyOf(r), {
    model: 'mistral-small-latest',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'system', content: 'Answer in English.' },
      { role: 'user', content: 'Weather in Paris? héllo ✓ 😀' },
      { role: 'assistant', content: 'Checking.', tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","days":2,"exact":0.5}' } },
      ] },
      { role: 'tool', tool_call_id: 'call_1', content: '18°C, sunny' },
      { role: 'user', content: [
        { type: 'text', text: 'And this picture?' },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgoA/w==' } },
      ] },
      { role: 'assistant', content: null, tool_calls: [
        { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } },
      ] },
    ],
    tools,
    max_tokens: 256,
    temperature: 0.7,
  });
});

await test('chat_request: \\u escapes, control chars and multi-text blocks round-trip', async () => {
  // Hand-written JSON so the plugin sees escapes (incl. a surrogate pair) rather than raw UTF-8.
  const input = '{"cfg":{"api_key":"k"},"tools":null,"messages":[{"role":"User","content":[' +
    '{"type":"text","text":"caf\\u00e9 \\ud83d\\ude00 \\"q\\" tab\\there\\u0001"},{"type":"text","text":"line2"}]}]}';
  const r = await callJson('chat_request', input);
  assert.equal(r.req.head.uri, 'https://api.openai.com/v1/chat/completions');
  const body = bodyOf(r);
  assert.deepEqual(body, { messages: [{ role: 'user', content: 'café 😀 "q" tab\there\u0001\nline2' }] });
  // The body is compact JSON with \u escapes only for control characters.
  const raw = Buffer.from(r.req.body).toString('utf8');
  assert.ok(raw.includes('\\t') && raw.includes('\\u0001') && raw.includes('😀'), raw);
});

await test('chat_request: image bytes become a base64 data: URL (every padding, a large image)', async () => {
  const big = Array.from({ length: 3 * 1024 * 1024 + 2 }, (_, i) => (i * 7) & 255);
  for (const data of [[], [1], [1, 2], [1, 2, 3], big]) {
    const r = await callJson('chat_request', { cfg, tools: null, messages: [{ role: 'User', content: [{ type: 'image', mime_type: 'image/webp', data }] }] });
    assert.equal(bodyOf(r).messages[2].content[0].image_url.url, `data:image/webp;base64,${Buffer.from(data).toString('base64')}`);
  }
  for (const [block, needle] of [[{ type: 'image', data: [1] }, /mime_type/], [{ type: 'image', mime_type: 'image/png' }, /data/],
    [{ type: 'image', mime_type: 'image/png', data: [1, 256] }, /bytes/], [{ type: 'image', mime_type: 'image/png', data: 'AQI=' }, /bytes/]]) {
    const p = await callErr('chat_request', { cfg, tools: null, messages: [{ role: 'User', content: [block] }] });
    assert.equal(p.type, 'invalid_request');
    assert.match(p.message, needle);
  }
});

await test('chat_request rejects unsupported content blocks by type', async () => {
  for (const block of [
    { type: 'pdf', data: [37, 80] },
    { type: 'audio', mime_type: 'audio/wav', data: [1, 2] },
  ]) {
    const p = await callErr('chat_request', { cfg, messages: [{ role: 'User', content: [{ type: 'text', text: 'x' }, block] }], tools: null });
    assert.equal(p.type, 'invalid_request');
    assert.match(p.message, new RegExp(`'${block.type}'`));
    assert.match(p.message, /messages\[0\]\.content\[1\]/);
  }
  // Gen C messages are refused with a clear message; a malformed envelope is a plain error.
  const g = await callErr('chat_request', { cfg, messages: [{ role: 'User', input: [{ type: 'text', text: 'x' }] }], tools: null });
  assert.match(g.message, /Gen C/);
  assert.match(await callErr('chat_request', { cfg, tools: null }), /messages/);
});

await test('chat_stream_request adds stream (+ stream_options except for Mistral)', async () => {
  const r = await callJson('chat_stream_request', { cfg: { api_key: 'k', model: 'gpt-4o-mini' }, messages: messages.slice(0, 1), tools: [] });
  assert.deepEqual(bodyOf(r), {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Weather in Paris? héllo ✓ 😀' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  // Mistral rejects stream_options (422 extra_forbidden) and always reports usage: not sent there.
  const m = await callJson('chat_stream_request', { cfg, messages: messages.slice(0, 1), tools: null });
  assert.equal(m.req.head.uri, `${BASE}/chat/completions`);
  assert.equal(bodyOf(m).stream, true);
  assert.equal('stream_options' in bodyOf(m), false);
});

await test('parse_chat_response: text, UTF-8, usage, finish_reason', async () => {
  const out = await callJson('parse_chat_response', {
    cfg,
    resp: { resp: httpResp({
      id: 'chatcmpl-1', object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'héllo ✓ 😀' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46 },
    }) },
  });
  assert.deepEqual(out, {
    text: 'héllo ✓ 😀', tool_calls: null, thinking: null,
    usage: { input_tokens: 12, output_tokens: 34 }, finish_reason: 'Stop',
  });
});

await test('parse_chat_response: ill-formed UTF-8 in the body becomes U+FFFD', async () => {
  const body = [...Buffer.from('{"choices":[{"message":{"content":"a'), 0xff, 0xc3, ...Buffer.from('b \u00e9 ✓"},"finish_reason":"stop"}]}')];
  const out = await callJson('parse_chat_response', { cfg, resp: { resp: { head: { status: 200, headers: {}, version: 'HTTP/1.1' }, body } } });
  assert.equal(out.text, 'a\ufffd\ufffdb é ✓');
});

await test('parse_chat_response: tool calls, finish reasons', async () => {
  const out = await callJson('parse_chat_response', {
    cfg,
    resp: { resp: httpResp({
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [
        { id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      ] } }],
    }) },
  });
  assert.deepEqual(out, {
    text: null,
    tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    thinking: null, usage: null, finish_reason: 'ToolCalls',
  });
  for (const [fr, want] of [['length', 'Length'], ['model_length', 'Length'], ['content_filter', 'ContentFilter'], ['function_call', 'ToolCalls'],
    ['weird', 'Unknown'], [null, null]]) {
    const o = await callJson('parse_chat_response', {
      cfg, resp: { resp: httpResp({ choices: [{ message: { content: 'x' }, finish_reason: fr }] }) },
    });
    assert.equal(o.finish_reason, want);
  }
});

await test('parse_chat_response: invalid JSON and provider errors are structured', async () => {
  const p = await callErr('parse_chat_response', { cfg, resp: { resp: httpResp('<html>oops</html>') } });
  assert.equal(p.type, 'response_format_error');
  assert.equal(p.raw_response, '<html>oops</html>');
  const e = await callErr('parse_chat_response', {
    cfg, resp: { resp: httpResp({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }) },
  });
  assert.deepEqual(e, { type: 'provider_error', message: 'Rate limit reached', kind: 'rate_limited', code: 'rate_limit_exceeded', error_type: 'requests' });
  const s = await callErr('parse_chat_response', { cfg, resp: { resp: httpResp('Service Unavailable', 503) } });
  assert.equal(s.type, 'provider_error');
  assert.equal(s.kind, 'unknown_transient');
});

// ---- streaming ----------------------------------------------------------------------------------
/** Feeds SSE text line by line (each with its "\n"), then the host's flush "\n", then finish + close. */
async function runStream(sse, { flush = true } = {}) {
  const id = await callJson('chat_stream_parser_start', cfg);
  assert.equal(typeof id, 'number');
  const chunks = [];
  const lines = sse.split(/(?<=\n)/);
  for (const line of lines) {
    chunks.push(...(await callJson('chat_stream_parser_parse', { parser_id: id, chunk: bytes(line) })));
  }
  if (flush) chunks.push(...(await callJson('chat_stream_parser_parse', { parser_id: id, chunk: [10] })));
  chunks.push(...(await callJson('chat_stream_parser_finish', id)));
  assert.equal(await call('chat_stream_parser_close', id), '');
  return { id, chunks };
}
const sseEvent = (obj) => `data: ${JSON.stringify(obj)}\n\n`;
const delta = (d, finish = null) => ({
  id: 'chatcmpl-2', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini',
  choices: [{ index: 0, delta: d, logprobs: null, finish_reason: finish }], usage: null,
});

// A real-shaped OpenAI stream: two parallel tool calls, include_usage, [DONE].
const toolStream =
  ': keep-alive\n' +
  'event: message\n' +
  sseEvent(delta({ role: 'assistant', content: null, refusal: null })) +
  sseEvent(delta({ tool_calls: [{ index: 0, id: 'call_A', type: 'function', function: { name: 'get_weather', arguments: '' } }] })) +
  sseEvent(delta({ tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] })) +
  sseEvent(delta({ tool_calls: [{ index: 0, function: { arguments: 'ty": "Pa' } }] })) +
  sseEvent(delta({ tool_calls: [{ index: 0, function: { arguments: 'ris"}' } }] })) +
  sseEvent(delta({ tool_calls: [{ index: 1, id: 'call_B', type: 'function', function: { name: 'get_time', arguments: '' } }] })) +
  sseEvent(delta({ tool_calls: [{ index: 1, function: { arguments: '{"tz":"CET"}' } }] })) +
  sseEvent(delta({}, 'tool_calls')) +
  sseEvent({ id: 'chatcmpl-2', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 80, completion_tokens: 41, total_tokens: 121 } }) +
  'data: [DONE]\n\n';

const C = (chunk, usage = null) => ({ chunk, usage });

await test('stream: OpenAI tool-call stream, line by line', async () => {
  const { chunks } = await runStream(toolStream);
  const usage = { input_tokens: 80, output_tokens: 41 };
  assert.deepEqual(chunks, [
    C({ tool_use_start: { index: 0, id: 'call_A', name: 'get_weather' } }),
    C({ tool_use_input_delta: { index: 0, partial_json: '{"ci' } }),
    C({ tool_use_input_delta: { index: 0, partial_json: 'ty": "Pa' } }),
    C({ tool_use_input_delta: { index: 0, partial_json: 'ris"}' } }),
    C({ tool_use_start: { index: 1, id: 'call_B', name: 'get_time' } }),
    C({ tool_use_input_delta: { index: 1, partial_json: '{"tz":"CET"}' } }),
    // The finish_reason line ends the answer (as in QueryMT); OpenAI's usage line follows; [DONE] adds nothing.
    C({ tool_use_complete: { index: 0, tool_call: { id: 'call_A', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } } } }),
    C({ tool_use_complete: { index: 1, tool_call: { id: 'call_B', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } } } }),
    C({ done: { finish_reason: 'ToolCalls' } }),
    C({ usage }, usage),
  ]);
});

await test('stream: text with non-ASCII, CRLF, final line without newline', async () => {
  const sse =
    sseEvent(delta({ role: 'assistant', content: '' })).replace(/\n/g, '\r\n') +
    sseEvent(delta({ content: 'héllo ' })) +
    'data: {"choices":[{"index":0,"delta":{"content":"\\u2713 \\ud83d\\ude00"},"finish_reason":null}]}\n\n' +
    sseEvent(delta({}, 'stop')) +
    'data: [DONE]'; // no trailing newline: the flush "\n" completes it
  const { chunks } = await runStream(sse);
  assert.deepEqual(chunks, [C({ text: 'héllo ' }), C({ text: '✓ 😀' }), C({ done: { finish_reason: 'Stop' } })]);
});

await test('stream: Mistral-style (usage in the finish chunk, no stream_options), finish emits done without [DONE]', async () => {
  const sse =
    sseEvent(delta({ role: 'assistant', content: 'Hi' })) +
    sseEvent({ choices: [{ index: 0, delta: { content: '!' }, finish_reason: 'length' }], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } });
  const { chunks } = await runStream(sse);
  const usage = { input_tokens: 5, output_tokens: 2 };
  assert.deepEqual(chunks, [C({ text: 'Hi' }), C({ text: '!' }), C({ usage }, usage), C({ done: { finish_reason: 'Length' } })]);
});

await test('stream: done carries the real reason; later deltas and malformed lines are ignored; [DONE] alone infers', async () => {
  const { chunks } = await runStream(
    sseEvent(delta({ content: 'y' }, 'content_filter')) + sseEvent(delta({ content: 'late' }, 'stop')) + 'data: {not json\n\n' + 'data: [DONE]\n\n');
  assert.deepEqual(chunks, [C({ text: 'y' }), C({ done: { finish_reason: 'ContentFilter' } })]);
  const odd = await runStream(sseEvent(delta({}, 'weird')));
  assert.deepEqual(odd.chunks, [C({ done: { finish_reason: 'Unknown' } })]);
  const inferred = await runStream(sseEvent(delta({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{}' } }] })) + 'data: [DONE]\n\n');
  assert.deepEqual(inferred.chunks.at(-1), C({ done: { finish_reason: 'ToolCalls' } }));
});

await test('stream: a truncated stream (no finish_reason, no [DONE]) gets no done chunk', async () => {
  const { chunks } = await runStream(sseEvent(delta({ content: 'partial' })));
  assert.deepEqual(chunks, [C({ text: 'partial' })]);
});

await test('stream: malformed data line is a response_format_error; unknown ids', async () => {
  const id = await callJson('chat_stream_parser_start', cfg);
  const p = await callErr('chat_stream_parser_parse', { parser_id: id, chunk: bytes('data: {"choices": [\n') });
  assert.equal(p.type, 'response_format_error');
  assert.equal(p.raw_response, 'data: {"choices": [');
  assert.equal(await call('chat_stream_parser_close', id), '');
  assert.match(await callErr('chat_stream_parser_parse', { parser_id: id, chunk: [10] }), /Unknown parser id/);
  assert.match(await callErr('chat_stream_parser_finish', 424242), /Unknown parser id 424242/);
  assert.equal(await call('chat_stream_parser_close', 424242), ''); // no-op
  // Mid-stream error events become provider errors.
  const id2 = await callJson('chat_stream_parser_start', cfg);
  assert.equal(id2, id + 1);
  const e = await callErr('chat_stream_parser_parse', { parser_id: id2, chunk: bytes('data: {"error":{"message":"boom","type":"server_error"}}\n') });
  assert.deepEqual(e, { type: 'provider_error', message: 'boom', kind: 'unknown_transient', error_type: 'server_error' });
  await call('chat_stream_parser_close', id2);
});

await test('stream: finish after [DONE] emits nothing more; finish removes the parser', async () => {
  const id = await callJson('chat_stream_parser_start', cfg);
  const a = await callJson('chat_stream_parser_parse', { parser_id: id, chunk: bytes(sseEvent(delta({ content: 'x' }, 'stop')).split('\n')[0] + '\n') });
  const b = await callJson('chat_stream_parser_parse', { parser_id: id, chunk: bytes('data: [DONE]\n') });
  const c = await callJson('chat_stream_parser_finish', id);
  assert.deepEqual([a, b, c], [[C({ text: 'x' }), C({ done: { finish_reason: 'Stop' } })], [], []]);
  assert.match(await callErr('chat_stream_parser_finish', id), /Unknown parser id/);
});

// ---- embeddings / completions --------------------------------------------------------------------
await test('embed_request / parse_embed_response (order by index, exact floats)', async () => {
  const r = await callJson('embed_request', { cfg: { ...cfg, embedding_model: 'mistral-embed' }, inputs: ['a', 'héllo ✓'] });
  assert.equal(r.req.head.uri, `${BASE}/embeddings`);
  assert.deepEqual(bodyOf(r), { model: 'mistral-embed', input: ['a', 'héllo ✓'] });
  const r2 = await callJson('embed_request', { cfg, inputs: [] });
  assert.deepEqual(bodyOf(r2), { model: 'mistral-small-latest', input: [] });

  const floats0 = [0.0023064255, -0.009327292, 1e-7, 0.30000000000000004];
  const floats1 = [-1.5e-10, 0.5, 1, -0.25, 123456789012345680000];
  const raw = `{"object":"list","data":[{"object":"embedding","index":1,"embedding":[${floats1.join(',')}]},` +
    `{"object":"embedding","index":0,"embedding":[${floats0.join(',')}]}],"model":"m","usage":{"prompt_tokens":3,"total_tokens":3}}`;
  const out = await call('parse_embed_response', { cfg, resp: { resp: httpResp(raw) } });
  assert.deepEqual(JSON.parse(out), [floats0, floats1]);
  assert.equal(out, `[[${floats0.join(',')}],[${floats1.join(',')}]]`); // number text passed through verbatim
});

await test('complete_request / parse_complete_response', async () => {
  const r = await callJson('complete_request', { cfg, req: { prompt: 'def f(', suffix: null, max_tokens: 64, temperature: 0.2 } });
  assert.equal(r.req.head.method, 'POST');
  assert.equal(r.req.head.uri, `${BASE}/completions`);
  assert.deepEqual(bodyOf(r), { model: 'mistral-small-latest', prompt: 'def f(', max_tokens: 64, temperature: 0.2 });
  const r2 = await callJson('complete_request', { cfg, req: { prompt: 'a', suffix: 'z' } });
  assert.deepEqual(bodyOf(r2), { model: 'mistral-small-latest', prompt: 'a', suffix: 'z', max_tokens: 256, temperature: 0.7 });
  const out = await callJson('parse_complete_response', {
    cfg, resp: { resp: httpResp({ choices: [{ text: 'x): héllo ✓', index: 0, finish_reason: 'stop' }] }) },
  });
  assert.deepEqual(out, { text: 'x): héllo ✓' });
});

await test('large response (256 KiB body) parses', async () => {
  const big = 'héllo ✓ '.repeat(25000);
  const out = await callJson('parse_chat_response', {
    cfg, resp: { resp: httpResp({ choices: [{ message: { content: big }, finish_reason: 'stop' }] }) },
  });
  assert.equal(out.text, big);
});

await plugin.close();
console.log(`\n${passed} passed${process.exitCode ? ', some FAILED' : ''}`);
