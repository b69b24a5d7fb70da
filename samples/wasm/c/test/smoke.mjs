// Smoke test for build/openai-compatible.wasm under @extism/extism 1.0.3 (Node, WASI on).
// Calls every export with canned inputs, in a worker (as the host does) and in the foreground.
// Run: (cd test && npm ci && node smoke.mjs [path/to/plugin.wasm])
import createPlugin from '@extism/extism';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wasmPath = resolve(process.argv[2] ?? resolve(here, '../build/openai-compatible.wasm'));
const wasm = new Uint8Array(readFileSync(wasmPath));

const EXPECTED_EXPORTS = ['name', 'base_url', 'api_key_name', 'config_schema', 'init_logging', 'from_config',
  'supports_streaming', 'list_models_static', 'list_models_request', 'parse_list_models_response', 'chat_request',
  'chat_stream_request', 'parse_chat_response', 'chat_stream_parser_start', 'chat_stream_parser_parse',
  'chat_stream_parser_finish', 'chat_stream_parser_close', 'embed_request', 'parse_embed_response',
  'complete_request', 'parse_complete_response'];

const CFG = { api_key: 'sk-test', model: 'gpt-4o-mini', base_url: 'http://localhost:8080/v1/', max_tokens: 256,
  temperature: 0.7, system: ['You are terse.', 'Answer in English.'] };
const UTF8 = 'héllo ✓ 😀';
const PNG = [137, 80, 78, 71, 13, 10, 26, 10, 0, 255];

const bytes = (s) => Array.from(Buffer.from(s, 'utf8'));
const resp = (obj, status = 200) => ({
  resp: { resp: { head: { status, headers: { 'content-type': 'application/json' }, version: 'HTTP/1.1' },
    body: bytes(typeof obj === 'string' ? obj : JSON.stringify(obj)) } },
});
const bodyOf = (req) => JSON.parse(Buffer.from(req.req.body).toString('utf8'));

let passed = 0;
async function check(label, fn) {
  try {
    await fn();
    passed++;
  } catch (e) {
    console.error(`FAIL ${label}:`, e);
    process.exitCode = 1;
  }
}

async function run(runInWorker) {
  const logs = [];
  const capture = (level) => (...args) => logs.push(`${level}: ${args.join(' ')}`);
  const logger = { trace: capture('trace'), debug: capture('debug'), info: capture('info'), warn: capture('warn'),
    error: capture('error'), log: capture('log') };
  const plugin = await createPlugin({ wasm: [{ data: wasm }] }, { useWasi: true, runInWorker, logger });
  const mode = runInWorker ? 'worker' : 'foreground';
  const call = async (fn, input) => {
    const out = await plugin.call(fn, typeof input === 'string' ? input : JSON.stringify(input));
    return out === null ? '' : out.text();
  };
  const callJson = async (fn, input) => JSON.parse(await call(fn, input));
  const callErr = async (fn, input) => {
    let msg = null;
    try { await call(fn, input); } catch (e) { msg = String(e.message ?? e); }
    assert.ok(msg !== null, `${fn} should fail`);
    return msg;
  };
  const payloadOf = (msg) => {
    const i = msg.indexOf('{"payload"');
    assert.ok(i >= 0, `expected a structured error, got: ${msg}`);
    return JSON.parse(msg.slice(i)).payload;
  };
  const t = (label, fn) => check(`[${mode}] ${label}`, fn);

  await t('exports', async () => {
    const names = (await plugin.getExports()).map((e) => e.name);
    for (const n of EXPECTED_EXPORTS) assert.ok(names.includes(n), `missing export ${n}`);
  });
  await t('metadata', async () => {
    assert.equal(await call('name', 'null'), 'openai-compatible-c');
    assert.equal(await call('base_url', 'null'), 'https://api.openai.com/v1');
    assert.equal(await call('api_key_name', 'null'), 'OPENAI_API_KEY');
    const schema = JSON.parse(await call('config_schema', 'null'));
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.deepEqual(schema.required, ['api_key']);
    assert.equal(schema.additionalProperties, false);
    assert.equal(schema.properties.base_url.format, 'uri');
    assert.equal(schema.properties.max_tokens.type, 'integer');
    assert.equal(schema.properties.max_tokens.minimum, 1);
    assert.equal(schema.properties.temperature.maximum, 2);
    assert.equal(schema.properties.system.items.type, 'string');
    assert.equal(await call('init_logging', '4'), '');
    await call('chat_request', { cfg: CFG, messages: [], tools: null });
    assert.equal(await call('init_logging', '0'), '');
    await call('chat_request', { cfg: CFG, messages: [], tools: null });
    assert.deepEqual(logs.filter((l) => l.includes('chat request')), ['debug: chat request: 0 messages, 0 tools, stream=0']);
    assert.equal(await call('supports_streaming', CFG), 'true');
    assert.equal(await call('list_models_static', { cfg: CFG }), 'null');
  });

  await t('from_config ok + default base_url', async () => {
    assert.deepEqual(await callJson('from_config', CFG), CFG);
    assert.deepEqual(await callJson('from_config', { api_key: 'k', model: 'm' }),
      { api_key: 'k', model: 'm', base_url: 'https://api.openai.com/v1' });
  });
  await t('from_config errors', async () => {
    const cases = [
      [{ ...CFG, temperature: 3 }, "config field 'temperature' must be between 0 and 2"],
      [{ ...CFG, max_tokens: 0 }, "'max_tokens'"],
      [{ ...CFG, max_tokens: 1.5 }, "'max_tokens'"],
      [{ ...CFG, base_url: 'ftp://example.com' }, "'base_url'"],
      [{ ...CFG, base_url: 'not a url' }, "'base_url'"],
      [{ ...CFG, api_key: '' }, "'api_key'"],
      [{ model: 'm' }, "config field 'api_key' is required"],
      [{ ...CFG, stream: true }, "'stream'"],
      [{ ...CFG, system: 'x', model: 5 }, "'model'"],
    ];
    for (const [cfg, needle] of cases) {
      const p = payloadOf(await callErr('from_config', cfg));
      assert.equal(p.type, 'invalid_request');
      assert.ok(p.message.includes(needle), `${p.message} should mention ${needle}`);
    }
    const plain = await callErr('from_config', '{"api_key":');
    assert.ok(!plain.includes('{"payload"') && plain.includes('invalid input JSON'), plain);
  });

  await t('list models', async () => {
    const req = await callJson('list_models_request', { cfg: CFG });
    assert.deepEqual(req, { req: { head: { method: 'GET', uri: 'http://localhost:8080/v1/models',
      headers: { authorization: 'Bearer sk-test' }, version: 'HTTP/1.1' }, body: [] } });
    const models = await callJson('parse_list_models_response',
      resp({ object: 'list', data: [{ id: 'gpt-4o', object: 'model' }, { id: 'gpt-4o-mini', object: 'model' }] }));
    assert.deepEqual(models, ['gpt-4o', 'gpt-4o-mini']);
  });

  await t('chat_request (tool round-trip, images, UTF-8)', async () => {
    const input = {
      cfg: CFG,
      messages: [
        { role: 'User', content: [{ type: 'text', text: UTF8 }, { type: 'image_url', url: 'https://x.test/a.png' },
          { type: 'image', mime_type: 'image/png', data: PNG }] },
        { role: 'Assistant', content: [{ type: 'thinking', text: 'hmm' }, { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris', n: [1, 2.5e3] } }] },
        { role: 'User', content: [{ type: 'tool_result', id: 'call_1', name: 'get_weather', is_error: false,
          content: [{ type: 'text', text: '18°C, sunny' }] }] },
        { role: 'User', content: [{ type: 'text', text: 'thanks' }, { type: 'text', text: 'bye' }] },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
    };
    const req = await callJson('chat_request', input);
    assert.equal(req.req.head.method, 'POST');
    assert.equal(req.req.head.uri, 'http://localhost:8080/v1/chat/completions');
    assert.deepEqual(req.req.head.headers, { authorization: 'Bearer sk-test', 'content-type': 'application/json' });
    assert.equal(req.req.head.version, 'HTTP/1.1');
    const body = bodyOf(req);
    assert.deepEqual(body, {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'system', content: 'Answer in English.' },
        { role: 'user', content: [{ type: 'text', text: UTF8 }, { type: 'image_url', image_url: { url: 'https://x.test/a.png' } },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${Buffer.from(PNG).toString('base64')}` } }] },
        { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'call_1', type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris","n":[1,2500]}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C, sunny' },
        { role: 'user', content: 'thanks\nbye' },
      ],
      max_tokens: 256,
      temperature: 0.7,
      tools: input.tools,
    });
  });
  await t('chat_request escapes + surrogate pairs', async () => {
    const raw = '{"cfg":{"api_key":"k"},"messages":[{"role":"User","content":[{"type":"text","text":"q\\"\\\\\\n\\t\\u0001\\ud83d\\ude00\\u00e9"}]},' +
      '{"role":"Assistant","content":[{"type":"tool_use","id":"c","name":"f","arguments":{"x":1.50,"y":-0,"z":1E+2}}]}],"tools":null}';
    const body = bodyOf(await callJson('chat_request', raw));
    assert.equal(body.messages[0].content, 'q"\\\n\t\u0001😀é');
    assert.equal(body.messages[1].tool_calls[0].function.arguments, '{"x":1.50,"y":-0,"z":1E+2}'); // numbers kept verbatim
    assert.equal(body.model, undefined);
    assert.equal(body.tools, undefined);
  });
  await t('chat_request image bytes (every padding, a large image)', async () => {
    for (const data of [[], [1], [1, 2], [1, 2, 3], Array.from({ length: 3 * 1024 * 1024 + 1 }, (_, i) => (i * 7) & 255)]) {
      const body = bodyOf(await callJson('chat_request', { cfg: CFG, tools: null,
        messages: [{ role: 'User', content: [{ type: 'image', mime_type: 'image/webp', data }] }] }));
      assert.equal(body.messages[2].content[0].image_url.url, `data:image/webp;base64,${Buffer.from(data).toString('base64')}`);
    }
    for (const [blk, needle] of [[{ type: 'image', data: [1] }, 'mime_type'], [{ type: 'image', mime_type: 'image/png' }, 'data'],
      [{ type: 'image', mime_type: 'image/png', data: [1, 256] }, 'bytes'], [{ type: 'image', mime_type: 'image/png', data: 'AQI=' }, 'bytes']]) {
      const plain = await callErr('chat_request', { cfg: CFG, tools: null, messages: [{ role: 'User', content: [blk] }] });
      assert.ok(plain.includes(needle) && !plain.includes('{"payload"'), plain);
    }
  });
  await t('chat_request unsupported blocks', async () => {
    for (const [blk, role] of [[{ type: 'image', mime_type: 'image/png', data: [1, 2] }, 'Assistant'],
      [{ type: 'pdf', data: [1] }, 'User'], [{ type: 'audio', mime_type: 'audio/wav', data: [1] }, 'User'],
      [{ type: 'tool_result', id: 'x', content: [] }, 'Assistant']]) {
      const p = payloadOf(await callErr('chat_request', { cfg: CFG, messages: [{ role: role, content: [blk] }], tools: null }));
      assert.equal(p.type, 'invalid_request');
      assert.ok(p.message.includes(`'${blk.type}'`), p.message);
    }
    const plain = await callErr('chat_request', { cfg: CFG, tools: null });
    assert.ok(plain.includes('messages'), plain);
  });
  await t('chat_stream_request', async () => {
    const req = await callJson('chat_stream_request', { cfg: { api_key: 'k', model: 'm' },
      messages: [{ role: 'User', content: [{ type: 'text', text: 'hi' }] }], tools: [] });
    assert.equal(req.req.head.uri, 'https://api.openai.com/v1/chat/completions');
    assert.deepEqual(bodyOf(req), { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true,
      stream_options: { include_usage: true } });
  });

  await t('parse_chat_response', async () => {
    const text = await callJson('parse_chat_response', { cfg: CFG, ...resp({ id: 'x', object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: UTF8 }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } }) });
    assert.deepEqual(text, { text: UTF8, tool_calls: null, thinking: null,
      usage: { input_tokens: 5, output_tokens: 7 }, finish_reason: 'Stop' });
    const tools = await callJson('parse_chat_response', { cfg: CFG, ...resp({ choices: [{ index: 0,
      message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }, finish_reason: 'tool_calls' }] }) });
    assert.deepEqual(tools, { text: null, tool_calls: [{ id: 'call_9', type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }], thinking: null, usage: null,
      finish_reason: 'ToolCalls' });
    const len = await callJson('parse_chat_response', { cfg: CFG, ...resp({ choices: [{ message: { content: 'a' },
      finish_reason: 'length' }] }) });
    assert.equal(len.finish_reason, 'Length');
    for (const [fr, want] of [['content_filter', 'ContentFilter'], ['function_call', 'ToolCalls'], ['weird', 'Unknown'], [null, null]]) {
      const o = await callJson('parse_chat_response', { cfg: CFG, ...resp({ choices: [{ message: { content: 'a' }, finish_reason: fr }] }) });
      assert.equal(o.finish_reason, want);
    }
  });
  await t('parse_chat_response errors', async () => {
    const p = payloadOf(await callErr('parse_chat_response', { cfg: CFG, ...resp('<html>oops</html>') }));
    assert.equal(p.type, 'response_format_error');
    assert.equal(p.raw_response, '<html>oops</html>');
    const p2 = payloadOf(await callErr('parse_chat_response', { cfg: CFG, ...resp({ error: { message: 'slow down',
      type: 'requests', code: 'rate_limit_exceeded' } }) }));
    assert.equal(p2.type, 'provider_error');
    assert.equal(p2.kind, 'rate_limited');
    const p3 = payloadOf(await callErr('parse_chat_response', { cfg: CFG, ...resp({ error: { message: 'nope' } }, 500) }));
    assert.equal(p3.type, 'http_status');
    assert.equal(p3.status_code, 500);
    const plain = await callErr('parse_chat_response', { cfg: CFG, resp: { resp: { head: {}, body: [1, 256] } } });
    assert.ok(plain.includes('body'), plain);
  });

  // --- streaming ------------------------------------------------------------------------------------
  const sse = (o) => `data: ${JSON.stringify(o)}\n`;
  const delta = (d, finish = null) => sse({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1,
    model: 'gpt-4o-mini', choices: [{ index: 0, delta: d, finish_reason: finish }] });
  const toolStream = [
    ': keep-alive\n',
    delta({ role: 'assistant', content: null }), '\n',
    delta({ content: 'héllo ' }), '\n',
    delta({ content: '✓' }), '\n',
    delta({ tool_calls: [{ index: 0, id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '' } }] }), '\n',
    delta({ tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] }), '\n',
    delta({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Par' } }] }), '\n',
    delta({ tool_calls: [{ index: 0, function: { arguments: 'is"}' } }] }), '\n',
    delta({ tool_calls: [{ index: 1, id: 'call_def', type: 'function', function: { name: 'get_time', arguments: '{}' } }] }), '\n',
    delta({}, 'tool_calls'), '\n',
    'event: message\n',
    sse({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46 } }), '\n',
    'data: [DONE]\n', '\n',
  ];
  const feed = async (id, line) => callJson('chat_stream_parser_parse', { parser_id: id, chunk: bytes(line) });

  await t('stream: tool calls, line by line', async () => {
    const id = await callJson('chat_stream_parser_start', CFG);
    assert.equal(typeof id, 'number');
    const chunks = [];
    for (const line of toolStream) chunks.push(...await feed(id, line));
    chunks.push(...await feed(id, '\n')); // the host's EOF flush
    chunks.push(...await callJson('chat_stream_parser_finish', String(id)));
    assert.equal(await call('chat_stream_parser_close', String(id)), '');
    for (const c of chunks) assert.ok('usage' in c && 'chunk' in c);
    assert.deepEqual(chunks.map((c) => c.chunk), [
      { text: 'héllo ' },
      { text: '✓' },
      { tool_use_start: { index: 0, id: 'call_abc', name: 'get_weather' } },
      { tool_use_input_delta: { index: 0, partial_json: '{"ci' } },
      { tool_use_input_delta: { index: 0, partial_json: 'ty":"Par' } },
      { tool_use_input_delta: { index: 0, partial_json: 'is"}' } },
      { tool_use_start: { index: 1, id: 'call_def', name: 'get_time' } },
      { tool_use_input_delta: { index: 1, partial_json: '{}' } },
      // the finish_reason line ends the answer, as in QueryMT; OpenAI's usage line comes after it, [DONE] adds nothing
      { tool_use_complete: { index: 0, tool_call: { id: 'call_abc', type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' } } } },
      { tool_use_complete: { index: 1, tool_call: { id: 'call_def', type: 'function',
        function: { name: 'get_time', arguments: '{}' } } } },
      { done: { finish_reason: 'ToolCalls' } },
      { usage: { input_tokens: 12, output_tokens: 34 } },
    ]);
    const usageChunk = chunks.find((c) => c.chunk.usage);
    assert.deepEqual(usageChunk.usage, { input_tokens: 12, output_tokens: 34 });
    assert.ok(chunks.filter((c) => !c.chunk.usage).every((c) => c.usage === null));
    // finish removed the parser
    const gone = await callErr('chat_stream_parser_parse', { parser_id: id, chunk: bytes('\n') });
    assert.ok(gone.includes(`Unknown parser id ${id}`), gone);
  });
  await t('stream: split lines, finish emits done, no [DONE]', async () => {
    const id = await callJson('chat_stream_parser_start', CFG);
    const line = delta({ content: UTF8 }, 'stop');
    const cut = line.indexOf('✓') + 1; // split inside a multi-byte character
    const b = bytes(line);
    const chunks = [];
    chunks.push(...await callJson('chat_stream_parser_parse', { parser_id: id, chunk: b.slice(0, cut) }));
    assert.equal(chunks.length, 0);
    chunks.push(...await callJson('chat_stream_parser_parse', { parser_id: id, chunk: b.slice(cut) }));
    chunks.push(...await feed(id, '\n'));
    chunks.push(...await callJson('chat_stream_parser_finish', String(id)));
    assert.deepEqual(chunks.map((c) => c.chunk), [{ text: UTF8 }, { done: { finish_reason: 'Stop' } }]);
    assert.equal(await call('chat_stream_parser_close', String(id)), ''); // no-op after finish
  });
  await t('stream: cut off (no finish_reason) -> no done', async () => {
    const id = await callJson('chat_stream_parser_start', CFG);
    const chunks = [...await feed(id, delta({ content: 'par' })), ...await feed(id, 'data: {"choices":[{"index":0,"delta":{"content":"tial"}}]}')];
    assert.deepEqual(chunks.map((c) => c.chunk), [{ text: 'par' }]);
    const fin = await callJson('chat_stream_parser_finish', String(id)); // flushes the unterminated line
    assert.deepEqual(fin.map((c) => c.chunk), [{ text: 'tial' }]);
    await call('chat_stream_parser_close', String(id));
  });
  await t('stream: length + malformed data + unknown id', async () => {
    const id = await callJson('chat_stream_parser_start', CFG);
    const fin = [...await feed(id, delta({ content: 'x' }, 'length')), ...await feed(id, 'data: [DONE]\n'),
      ...await callJson('chat_stream_parser_finish', String(id))];
    assert.deepEqual(fin.map((c) => c.chunk), [{ text: 'x' }, { done: { finish_reason: 'Length' } }]);
    const id3 = await callJson('chat_stream_parser_start', CFG);
    const odd = [...await feed(id3, delta({ content: 'y' }, 'content_filter')), ...await feed(id3, delta({ content: 'late' }, 'stop')),
      ...await feed(id3, 'data: {not json\n'), ...await feed(id3, 'data: [DONE]\n'), ...await callJson('chat_stream_parser_finish', String(id3))];
    assert.deepEqual(odd.map((c) => c.chunk), [{ text: 'y' }, { done: { finish_reason: 'ContentFilter' } }]);
    const id4 = await callJson('chat_stream_parser_start', CFG);
    const other = [...await feed(id4, delta({}, 'weird')), ...await callJson('chat_stream_parser_finish', String(id4))];
    assert.deepEqual(other.map((c) => c.chunk), [{ done: { finish_reason: 'Unknown' } }]);
    const id5 = await callJson('chat_stream_parser_start', CFG); // [DONE] without a finish_reason: inferred
    const inferred = [...await feed(id5, delta({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{}' } }] })),
      ...await feed(id5, 'data: [DONE]\n'), ...await callJson('chat_stream_parser_finish', String(id5))];
    assert.deepEqual(inferred.at(-1).chunk, { done: { finish_reason: 'ToolCalls' } });
    const id2 = await callJson('chat_stream_parser_start', CFG);
    assert.ok(id2 > id);
    const p = payloadOf(await callErr('chat_stream_parser_parse', { parser_id: id2, chunk: bytes('data: {"choices":[\n') }));
    assert.equal(p.type, 'response_format_error');
    assert.ok(p.raw_response.startsWith('data: {"choices":['));
    const pe = payloadOf(await callErr('chat_stream_parser_parse', { parser_id: id2,
      chunk: bytes('data: {"error":{"message":"overloaded","type":"server_error"}}\n') }));
    assert.equal(pe.type, 'provider_error');
    assert.equal(await call('chat_stream_parser_close', String(id2)), '');
    assert.equal(await call('chat_stream_parser_close', String(id2)), '');
    assert.ok((await callErr('chat_stream_parser_finish', '999999')).includes('Unknown parser id 999999'));
    const bad = payloadOf(await callErr('chat_stream_parser_start', { model: 'x' }));
    assert.equal(bad.type, 'invalid_request');
  });

  // --- embeddings / completions -----------------------------------------------------------------------
  await t('embeddings', async () => {
    const req = await callJson('embed_request', { cfg: { ...CFG, embedding_model: 'text-embedding-3-small' }, inputs: ['a', UTF8] });
    assert.equal(req.req.head.uri, 'http://localhost:8080/v1/embeddings');
    assert.deepEqual(bodyOf(req), { model: 'text-embedding-3-small', input: ['a', UTF8] });
    const req2 = await callJson('embed_request', { cfg: CFG, inputs: [] });
    assert.deepEqual(bodyOf(req2), { model: 'gpt-4o-mini', input: [] });
    const vecs = await callJson('parse_embed_response', { cfg: CFG, ...resp({ object: 'list', data: [
      { object: 'embedding', index: 1, embedding: [0.5, -1.25e-3, 3] },
      { object: 'embedding', index: 0, embedding: [0.1, 0.2, 0.30000001192092896] }] }) });
    assert.deepEqual(vecs, [[0.1, 0.2, 0.3], [0.5, -0.00125, 3]]);
    const ints = await callJson('parse_embed_response', { cfg: CFG, ...resp({ data: [{ index: 0, embedding: [0, 1, 2] }] }) });
    assert.deepEqual(ints, [[0, 1, 2]]);
    const p = payloadOf(await callErr('parse_embed_response', { cfg: CFG, ...resp({ data: [{ index: 5, embedding: [1] }] }) }));
    assert.equal(p.type, 'response_format_error');
  });
  await t('completions', async () => {
    const req = await callJson('complete_request', { cfg: CFG, req: { prompt: 'def f(', suffix: null, max_tokens: 64, temperature: 0.2 } });
    assert.equal(req.req.head.uri, 'http://localhost:8080/v1/completions');
    assert.deepEqual(bodyOf(req), { model: 'gpt-4o-mini', prompt: 'def f(', max_tokens: 64, temperature: 0.2 });
    const req2 = await callJson('complete_request', { cfg: CFG, req: { prompt: 'a', suffix: 'b' } });
    assert.deepEqual(bodyOf(req2), { model: 'gpt-4o-mini', prompt: 'a', suffix: 'b', max_tokens: 256, temperature: 0.7 });
    const out = await callJson('parse_complete_response', { cfg: CFG, ...resp({ choices: [{ text: UTF8, index: 0, finish_reason: 'stop' }] }) });
    assert.deepEqual(out, { text: UTF8 });
    const p = payloadOf(await callErr('complete_request', { cfg: CFG, req: { prompt: 'a', temperature: 9 } }));
    assert.equal(p.type, 'invalid_request');
  });

  await t('garbage inputs never trap', async () => {
    const junk = ['', 'null', '[]', '{}', '{"cfg":null}', '"\\ud800"', '[[[[[[[[[[[[[[[[', '{"a":1}}', '\u0000', '1e999',
      '['.repeat(1000) + ']'.repeat(1000)];
    for (const fn of EXPECTED_EXPORTS) {
      for (const j of junk) {
        try { await call(fn, j); } catch (e) { assert.ok(!/unreachable|RuntimeError|out of bounds/i.test(e.message), `${fn}(${j.slice(0, 20)}): ${e.message}`); }
      }
    }
    assert.equal(await call('init_logging', '0'), '');
    assert.equal(await call('name', 'null'), 'openai-compatible-c'); // instance still healthy
  });

  await plugin.close();
}

for (const runInWorker of [true, false]) await run(runInWorker);
console.log(`${process.exitCode ? 'FAILED' : 'ok'}: ${passed} checks passed (${wasmPath})`);
